"""The model runner: applies the SQL models in `sql/` in dependency order, on DuckDB or PostgreSQL.

A model is one `select` in a `.sql` file. Its folder gives its schema (`staging/` and `intermediate/` build
into `staging`, `core/` into `core`, `marts/` into `marts`, `audit/` (data-quality reports such as identity
conflicts) into `ops`), and a folder reads only the folders below it (etl/model_layers.py, docs/model-graph.md);
a `_models.yml` beside it states its grain and unique key. Models refer to each other with `{{ ref('name') }}`,
to raw tables with `{{ source('format', 'stream') }}`, to enrichment outputs with `{{ enriched('name') }}`, to
settings with `{{ var('name') }}`, and use the dialect macros of `etl.dialect` and the Jinja macros of
`sql/macros/*.sql` (loaded once, available in every model).

Every model is built as a table under a temporary name (`<name>__next`), its unique key is checked, and
only when all have been built are they swapped in, in one short transaction: readers see the old models or
the new ones, never a mixture, and a failed build changes nothing. Rebuilding from the same raw data gives
the same tables.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import jinja2
import yaml

from etl import dialect
from etl.calibration import DetectorParameters, active_parameters, checked_version, shipped_parameters
from etl.catalog import catalog_for, target_for
from etl.config import Settings
from etl.enrich.steps import EnrichmentStep, StepContext, all_steps, enriched_tables, step_writing
from etl.load import utc_now
from etl.pg_access import contact_index_statements, lift_policies_if_configured, secure_tables_if_configured
from etl.salesforce_ids import id_18_sql
from etl.seeds import write_seeds
from etl.warehouse import Warehouse, check_identifier

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
MACRO_DIR_NAME = "macros"
LAYER_SCHEMAS = {"staging": "staging", "intermediate": "staging", "core": "core", "marts": "marts", "audit": "ops"}
NEXT_SUFFIX = "__next"


class BuildError(RuntimeError):
    """A model failed to build or broke its declared grain."""


@dataclass(frozen=True)
class Model:
    name: str
    schema: str
    path: Path
    grain: str
    unique_key: tuple[str, ...]
    time_columns: tuple[str, ...] = ()
    depends_on: frozenset[str] = field(default_factory=frozenset)
    enriched: frozenset[str] = field(default_factory=frozenset)

    @property
    def uses_enrichment(self) -> bool:
        return bool(self.enriched)

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def next_table(self) -> str:
        return f"{self.schema}.{self.name}{NEXT_SUFFIX}"


def _model_specs(sql_dir: Path) -> dict[str, dict[str, Any]]:
    specs: dict[str, dict[str, Any]] = {}
    for spec_file in sorted(sql_dir.rglob("_models*.yml")):
        for entry in (yaml.safe_load(spec_file.read_text(encoding="utf-8")) or {}).get("models", []):
            specs[entry["name"]] = entry
    return specs


def _contracts(sql_dir: Path) -> dict[str, list[str]]:
    data = yaml.safe_load((sql_dir / "staging" / "_contracts.yml").read_text(encoding="utf-8")) or {}
    return {entity: [check_identifier(c) for c in columns] for entity, columns in data["entities"].items()}


SOURCE_MODEL_PREFIXES = ("stg_", "int_")
"""A source's model of a contract entity is stg_<source>__<entity> when staging reads it from one raw table, or
int_<source>__<entity> when intermediate assembles it from several staging models (one vendor record spread
over several raw tables)."""


def staging_models_of(entity: str, model_names: list[str]) -> list[tuple[str, str]]:
    """(source, model) for every source's model of an entity (SOURCE_MODEL_PREFIXES); a source with both is
    refused, as its records would be unioned twice."""
    found: dict[str, str] = {}
    for name in sorted(model_names):
        prefix = next((p for p in SOURCE_MODEL_PREFIXES if name.startswith(p)), None)
        if prefix is None or not name.endswith(f"__{entity}"):
            continue
        source = name[len(prefix):-len(f"__{entity}")]
        if source in found:
            raise BuildError(f"{source} has two models of {entity}: {found[source]} and {name}")
        found[source] = name
    return sorted(found.items())


@functools.lru_cache(maxsize=8)
def macro_library(sql_dir: Path = SQL_DIR) -> tuple[tuple[Path, str, tuple[str, ...]], ...]:
    """(file, text, macro names) of every `sql/macros/*.sql` file, read once per process. Each file holds
    `{% macro %}` definitions only; a name defined in two files is refused with both file names (a model must
    never depend on which file was read last)."""
    parser = jinja2.Environment(extensions=["jinja2.ext.do"])
    defined: dict[str, Path] = {}
    library = []
    for path in sorted((sql_dir / MACRO_DIR_NAME).glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        names = tuple(macro.name for macro in parser.parse(text).find_all(jinja2.nodes.Macro))
        for name in names:
            if name in defined:
                raise BuildError(f"macro {name} is defined in both {defined[name].name} and {path.name}")
            defined[name] = path
        library.append((path, text, names))
    return tuple(library)


def _add_macro_library(env: jinja2.Environment, sql_dir: Path) -> None:
    """Make every macro of sql/macros a global of env, after its other globals: a macro may call ref(), var(),
    the dialect macros and the other library macros. A macro named like one of those globals is refused."""
    library = macro_library(sql_dir)
    clashes = sorted({name for _, _, names in library for name in names} & set(env.globals))
    if clashes:
        raise BuildError(f"macro(s) {', '.join(clashes)} in sql/{MACRO_DIR_NAME} shadow the runner's own globals")
    for _, text, names in library:
        module = env.from_string(text).module
        env.globals.update({name: getattr(module, name) for name in names})


def _template_env(settings: Settings, dialect_name: str, resolve: Callable[[str], str],
                  seen_refs: set[str], seen_enriched: set[str], model_names: list[str] | None = None,
                  sql_dir: Path = SQL_DIR, detectors: DetectorParameters | None = None) -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
                             extensions=["jinja2.ext.do"])

    def ref(name: str) -> str:
        seen_refs.add(name)
        return resolve(name)

    def union_sources(entity: str) -> str:
        columns = _contracts(sql_dir)[entity]
        parts = [
            f"select {', '.join(columns)}, '{check_identifier(source)}' as source_system from {ref(model)}"
            for source, model in staging_models_of(entity, model_names or [])
        ]
        if not parts:
            raise BuildError(f"no staging model produces {entity}")
        return "\nunion all\n".join(parts)

    def seed(name: str) -> str:
        return check_identifier(f"staging.seed_{name}")

    def source(format_name: str, stream: str) -> str:
        return check_identifier(f"raw.{format_name}__{stream}")

    def enriched(name: str) -> str:
        seen_enriched.add(name)
        return enriched_tables()[name]

    variables = {
        "service_level_seconds": settings.metrics.service_level_seconds,
        "short_abandon_seconds": settings.metrics.short_abandon_seconds,
        "reporting_timezone": settings.metrics.reporting_timezone,
        "identity_default_country_code": settings.identity.default_country_code,
        "identity_link_steps": settings.identity.link_steps,
        "repeat_window_days": settings.metrics.repeat_window_days,
        "silent_exodus_days": settings.signals.silent_exodus_days,
        "signal_min_cases": settings.signals.min_cases,
        "handoff_highway_rate": settings.signals.handoff_highway_rate,
        "repetition_loop_rate": settings.signals.repetition_loop_rate,
        "restatement_rate": settings.signals.restatement_rate,
        "rising_relative_change": settings.signals.rising_relative_change,
        "watermelon_sla_attainment": settings.signals.watermelon_sla_attainment,
        "watermelon_xla_attainment": settings.signals.watermelon_xla_attainment,
        "churn_feature_window_days": settings.churn.feature_window_days,
        **_enrichment_vars(detectors or shipped_parameters(settings)),
        "capacity_interval_minutes": settings.capacity.interval_minutes,
        "capacity_profile_weeks": settings.capacity.profile_weeks,
        "intent_high_from": settings.intents.high_from,
        "intent_medium_from": settings.intents.medium_from,
    }

    def var(name: str) -> Any:
        return variables[name]

    def catalog_metrics(with_target: bool = False) -> list[dict[str, Any]]:
        """The catalog's metrics (in the configured variants) that live in a mart at the standard grain, as
        plain values for templates; identifiers were validated by etl.catalog and are checked again here."""
        out = []
        for metric in catalog_for(settings.metrics.variants).values():
            schema, table = metric.mart.split(".")
            target = target_for(metric, settings.targets)
            if schema != "marts" or (with_target and target is None):
                continue
            out.append({
                "name": check_identifier(metric.name), "kind": metric.kind, "mart_model": check_identifier(table),
                "numerator": check_identifier(metric.numerator),
                "denominator": check_identifier(metric.denominator) if metric.denominator else None,
                "target": float(target) if target is not None else None, "direction": metric.direction,
                "min_cases": int(metric.min_cases or settings.metrics.min_cases),
            })
        return out

    env.globals.update(ref=ref, source=source, seed=seed, enriched=enriched, var=var, union_sources=union_sources,
                       catalog_metrics=catalog_metrics, salesforce_id_18=id_18_sql,
                       **dialect.macros_for(dialect_name))
    _add_macro_library(env, sql_dir)
    return env


def _enrichment_vars(detectors: DetectorParameters) -> dict[str, Any]:
    """The versions (and the few constants) of the enrichment steps that models filter on, each read from the
    module that stamps its rows, and the detectors' thresholds of the active calibration (etl.calibration),
    whose version the detector versions carry. Imported here, not at the top: the steps import statsmodels
    and VADER."""
    from etl.enrich.churn import CHURN_MODEL_VERSION
    from etl.enrich.effort import EFFORT_MODEL_VERSION
    from etl.enrich.message_signals import ESCALATION_COMPLEX_CUSTOMER_TURNS, SIGNALS_VERSION
    from etl.enrich.restatement import RESTATEMENT_MIN_SHARED_WORDS, RESTATEMENT_VERSION
    from etl.enrich.sentiment import ADAPTED_VERSION, ANALYZER_VERSION
    from etl.enrich.volume_forecast import VOLUME_FORECAST_VERSION
    from etl.intents.versions import DISCOVERY_VERSION

    calibration = checked_version(detectors.calibration_version)
    return {
        "sentiment_analyzer_version": ANALYZER_VERSION,
        "customer_sentiment_version": ADAPTED_VERSION,
        "sentiment_negative_below": float(detectors.sentiment_negative_below),
        "sentiment_positive_above": float(detectors.sentiment_positive_above),
        "detector_calibration_version": calibration,
        "intent_confidence_floor": float(detectors.intent_confidence_floor),
        "signals_version": SIGNALS_VERSION,
        "restatement_version": RESTATEMENT_VERSION,
        "restatement_threshold": float(detectors.restatement_threshold),
        "restatement_min_shared_words": int(RESTATEMENT_MIN_SHARED_WORDS),
        "restatement_detector_version": f"{RESTATEMENT_VERSION}/calibration-{calibration}",
        "escalation_complex_customer_turns": ESCALATION_COMPLEX_CUSTOMER_TURNS,
        "effort_model_version": EFFORT_MODEL_VERSION,
        "churn_model_version": CHURN_MODEL_VERSION,
        "volume_forecast_version": VOLUME_FORECAST_VERSION,
        "intent_discovery_version": DISCOVERY_VERSION,
    }


def discover_models(settings: Settings, dialect_name: str, sql_dir: Path = SQL_DIR) -> dict[str, Model]:
    """Every model with its dependencies; a model without a stated grain is an error."""
    specs = _model_specs(sql_dir)
    models: dict[str, Model] = {}
    paths = [
        (schema, path) for layer, schema in LAYER_SCHEMAS.items() for path in sorted((sql_dir / layer).rglob("*.sql"))
    ]
    names = [path.stem for _, path in paths]
    for schema, path in paths:
        name = path.stem
        if name not in specs or not specs[name].get("grain"):
            raise BuildError(f"model {name} ({path}) has no grain in a _models.yml beside it")
        refs: set[str] = set()
        enriched: set[str] = set()
        env = _template_env(settings, dialect_name, lambda n: n, refs, enriched, names, sql_dir)
        env.from_string(path.read_text(encoding="utf-8")).render()
        spec = specs[name]
        models[name] = Model(
            name=check_identifier(name), schema=schema, path=path, grain=spec["grain"],
            unique_key=tuple(spec.get("unique_key") or ()), time_columns=tuple(spec.get("time_columns") or ()),
            depends_on=frozenset(refs), enriched=frozenset(enriched),
        )
    for model in models.values():
        unknown = model.depends_on - set(models)
        if unknown:
            raise BuildError(f"model {model.name} refers to unknown model(s) {', '.join(sorted(unknown))}")
    return models


STEP_PREFIX = "step:"


def build_graph(models: dict[str, Model]) -> dict[str, set[str]]:
    """Node -> what it waits for. Nodes are model names and `step:<name>` for enrichment steps."""
    graph: dict[str, set[str]] = {name: set(m.depends_on) for name, m in models.items()}
    for name, model in models.items():
        for enriched_name in model.enriched:
            step = step_writing(enriched_name)
            graph[name].add(STEP_PREFIX + step.name)
            unknown = set(step.reads) - set(models)
            if unknown:
                raise BuildError(f"enrichment step {step.name} reads unknown model(s) {', '.join(sorted(unknown))}")
            graph[STEP_PREFIX + step.name] = set(step.reads)
    return graph


def build_order(models: dict[str, Model]) -> list[str]:
    """Model names in an order that respects references and enrichment steps (steps left out)."""
    return [n for n in TopologicalSorter(build_graph(models)).static_order() if not n.startswith(STEP_PREFIX)]


def after_enrichment(models: dict[str, Model]) -> set[str]:
    """Models that read an enrichment output, and everything downstream of them."""
    late = {name for name, m in models.items() if m.uses_enrichment}
    for name in build_order(models):
        if models[name].depends_on & late:
            late.add(name)
    return late


def render_model(model: Model, models: dict[str, Model], settings: Settings, dialect_name: str,
                 detectors: DetectorParameters | None = None, sql_dir: Path = SQL_DIR) -> str:
    env = _template_env(settings, dialect_name, lambda n: models[n].next_table, set(), set(), list(models),
                        sql_dir, detectors)
    return env.from_string(model.path.read_text(encoding="utf-8")).render()


def _check_unique_key(warehouse: Warehouse, model: Model) -> None:
    if not model.unique_key:
        return
    key = ", ".join(check_identifier(c) for c in model.unique_key)
    duplicates = warehouse.scalar(
        f"select count(*) from (select {key} from {model.next_table} group by {key} having count(*) > 1) d"
    )
    if duplicates:
        raise BuildError(f"model {model.name} breaks its grain ({model.grain}): {duplicates} duplicated keys ({key})")


@dataclass
class BuildReport:
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    step_results: dict[str, object] = field(default_factory=dict)
    detector_calibration: str = "none"


def _build_one(warehouse: Warehouse, model: Model, models: dict[str, Model], settings: Settings,
               token: str, report: BuildReport, detectors: DetectorParameters | None = None) -> None:
    started = time.perf_counter()
    sql = render_model(model, models, settings, warehouse.dialect, detectors)
    warehouse.execute(f"drop table if exists {model.next_table}")
    try:
        warehouse.execute(f"create table {model.next_table} as {sql}")
    except Exception as error:
        raise BuildError(f"model {model.name} ({model.path.name}) failed: {error}") from error
    _check_unique_key(warehouse, model)
    columns = [check_identifier(c) for c in model.time_columns]
    for statement in dialect.after_build_statements(warehouse.dialect, model.next_table, columns, token):
        warehouse.execute(statement)
    for statement in contact_index_statements(warehouse, model.table, model.next_table, token):
        warehouse.execute(statement)
    report.row_counts[model.name] = int(warehouse.scalar(f"select count(*) from {model.next_table}") or 0)
    report.seconds[model.name] = time.perf_counter() - started


def _swap_in(warehouse: Warehouse, models: dict[str, Model], order: list[str]) -> None:
    with warehouse.transaction():
        if warehouse.dialect == "postgresql":
            lift_policies_if_configured(warehouse)  # they refer to core.fct_interactions, which is dropped here
        for name in reversed(order):
            warehouse.execute(f"drop table if exists {models[name].table}")
        for name in order:
            model = models[name]
            warehouse.execute(f"alter table {model.next_table} rename to {check_identifier(model.name)}")
        # PostgreSQL: the new tables get their grants and row policies before this transaction commits, so no
        # reader ever meets a table without them (etl/pg_access.py; nothing until `cxpulse access apply` ran)
        if warehouse.dialect == "postgresql":
            secure_tables_if_configured(warehouse)


def build(warehouse: Warehouse, settings: Settings, run_id: int, *, enrich: bool = True,
          on_model: Callable[[str], None] | None = None,
          on_step: Callable[[EnrichmentStep], None] | None = None,
          progress: Callable[[int], None] | None = None) -> BuildReport:
    """Build every model, running each enrichment step once the models it reads are built, and swap all
    models in together.

    With `enrich=False` the steps are skipped and models read the enrichment tables as they stand.
    """
    models = discover_models(settings, warehouse.dialect)
    graph = build_graph(models)
    nodes = list(TopologicalSorter(graph).static_order())
    order = [n for n in nodes if not n.startswith(STEP_PREFIX)]
    token = uuid.uuid4().hex[:8]
    report = BuildReport()
    detectors = active_parameters(warehouse, settings)
    report.detector_calibration = detectors.calibration_version
    write_seeds(warehouse, settings)
    context = StepContext(warehouse=warehouse, settings=settings, table_of=lambda n: models[n].next_table,
                          run_id=run_id, progress=progress)
    for node in nodes:
        if node.startswith(STEP_PREFIX):
            if enrich:
                step = all_steps()[node[len(STEP_PREFIX):]]
                if on_step:
                    on_step(step)
                started = time.perf_counter()
                report.step_results[step.name] = step.run(context)
                for statement in dialect.after_enrichment_statements(
                        warehouse.dialect, [check_identifier(table) for table in step.writes.values()]):
                    warehouse.execute(statement)
                report.seconds[node] = time.perf_counter() - started
            continue
        _build_one(warehouse, models[node], models, settings, token, report, detectors)
        if on_model:
            on_model(node)
    _swap_in(warehouse, models, order)
    built_at = utc_now()
    for name in order:
        warehouse.execute(
            "insert into ops.model_builds (run_id, model, row_count, build_seconds, built_at)"
            " values (:run, :model, :rows, :seconds, :at)",
            {"run": run_id, "model": models[name].table, "rows": report.row_counts[name],
             "seconds": round(report.seconds[name], 3), "at": built_at},
        )
    return report
