"""The model graph runs one way: no model reads a layer above its own (etl/model_layers.py states the rules).

The references are the ones the runner itself records (etl.build.discover_models renders every model and
notes each `ref()`), so the check sees exactly the graph a build runs; no warehouse is needed.

audit/ models (data-quality reports, built into `ops`) may read staging, intermediate and core: they report
what the assembly dropped or could not map (unmapped wrap-up codes, unmapped vendor intents, identity
conflicts), which only the records before and after assembly show; nothing reads them, so they cannot make
the graph run backwards.

KNOWN_EXCEPTIONS lists the references that still break the rules, each with its reason. The set may only
shrink: a new violation fails, and so does an exception that no longer occurs (remove it from the set).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.build import SQL_DIR, BuildError, discover_models, staging_models_of
from etl.model_layers import LayerViolation, layer_of, layer_violations
from tests.conftest import FIXTURES, make_settings

MART_OF_MARTS = "a mart built from other marts; to read core it needs the shared grain macro (issue 14 item 1)"

KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {
    # (model, the model it reads): why it is still allowed
    ("metric_attainment_monthly", "automation_daily"): MART_OF_MARTS,
    ("metric_attainment_monthly", "experience_daily"): MART_OF_MARTS,
    ("metric_attainment_monthly", "journey_daily"): MART_OF_MARTS,
    ("metric_attainment_monthly", "metric_evidence_coverage"): MART_OF_MARTS,
    ("metric_attainment_monthly", "service_daily"): MART_OF_MARTS,
    ("signal_handoff_highway_monthly", "automation_daily"): MART_OF_MARTS,
    ("signal_repetition_loop_monthly", "automation_daily"): MART_OF_MARTS,
    ("signal_repetition_loop_monthly", "journey_daily"): MART_OF_MARTS,
    ("signal_watermelon_monthly", "metric_attainment_monthly"): MART_OF_MARTS,
}


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def graph_violations(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[LayerViolation]:
    """The layer violations of the shipped models, discovered as the runner discovers them for each dialect."""
    url = f"duckdb:///{tmp_path_factory.mktemp('layers') / 'unused.duckdb'}"
    settings = make_settings(url, FIXTURES / "canonical_small")
    models = discover_models(settings, request.param)
    layers = {name: layer_of(model.path, SQL_DIR) for name, model in models.items()}
    return layer_violations(layers, {name: model.depends_on for name, model in models.items()})


def test_no_model_reads_a_layer_above_its_own(graph_violations: list[LayerViolation]) -> None:
    new = [str(v) for v in graph_violations if (v.model, v.reads) not in KNOWN_EXCEPTIONS]
    assert new == [], "models reading a layer they may not read:\n" + "\n".join(new)


def test_every_known_exception_still_occurs(graph_violations: list[LayerViolation]) -> None:
    occurring = {(v.model, v.reads) for v in graph_violations}
    gone = sorted(set(KNOWN_EXCEPTIONS) - occurring)
    assert gone == [], f"fixed, so remove from KNOWN_EXCEPTIONS: {gone}"


def test_the_check_catches_planted_violations() -> None:
    layers = {"raw_orders": "staging", "orders": "intermediate", "fct_orders": "core", "orders_daily": "marts",
              "orders_weekly": "marts", "order_gaps": "audit"}
    reads = {
        "raw_orders": {"orders"},  # staging reads intermediate: above it
        "orders": {"raw_orders"},
        "fct_orders": {"orders"},
        "orders_daily": {"fct_orders", "orders"},  # mart reads intermediate: skips core
        "orders_weekly": {"orders_daily"},  # mart reads a mart
        "order_gaps": {"raw_orders", "fct_orders"},  # audit reads staging and core: allowed
    }
    assert layer_violations(layers, reads) == [
        LayerViolation("orders_daily", "marts", "orders", "intermediate"),
        LayerViolation("orders_weekly", "marts", "orders_daily", "marts"),
        LayerViolation("raw_orders", "staging", "orders", "intermediate"),
    ]


def test_a_folder_without_a_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="scratch"):
        layer_violations({"a": "scratch", "b": "core"}, {"a": {"b"}})


def test_layer_is_the_first_folder_under_sql() -> None:
    assert layer_of(Path("/repo/sql/staging/zendesk/stg_zendesk__users.sql"), Path("/repo/sql")) == "staging"


def test_union_sources_finds_a_sources_entity_in_staging_or_intermediate_but_not_both() -> None:
    names = ["stg_zendesk__users", "int_zendesk__customers", "stg_canonical__customers", "int_customers_unioned"]
    assert staging_models_of("customers", names) == [("canonical", "stg_canonical__customers"),
                                                    ("zendesk", "int_zendesk__customers")]
    with pytest.raises(BuildError, match="zendesk has two models of customers"):
        staging_models_of("customers", [*names, "stg_zendesk__customers"])
