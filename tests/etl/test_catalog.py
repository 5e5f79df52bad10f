"""The catalog loader (etl.catalog): its validation rules, variants, and the real catalog against a built warehouse."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from etl.catalog import (
    CatalogError,
    catalog_for,
    load_catalog,
    load_evidence_rules,
    parse_catalog,
    parse_evidence_rules,
    target_for,
)
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

ENTRY: dict[str, Any] = {
    "name": "handoff_rate",
    "label": "Hand-off rate",
    "kind": "xla",
    "description": "Share of bot chats handed to a person.",
    "formula": "bot chats handed off / bot chats",
    "mart": "marts.automation_daily",
    "numerator": "count_handoffs",
    "denominator": "count_bot_chats",
    "grain": "day x channel",
    "unit": "rate",
    "direction": "lower_is_better",
    "target": 0.3,
    "ci_method": "wilson",
    "min_cases": 50,
    "source": "Our own.",
    "evidence": "bot_sessions",
    "variants": [
        {"name": "any_handoff", "description": "every hand-off"},
        {"name": "requested", "description": "only when the customer asked", "numerator": "count_requested"},
    ],
    "default_variant": "any_handoff",
    "version": 2,
}

MEAN_ENTRY: dict[str, Any] = {
    **{k: v for k, v in ENTRY.items() if k not in ("variants", "default_variant", "target", "min_cases")},
    "name": "wait_time",
    "numerator": "sum_wait_seconds",
    "denominator": "count_waits",
    "sum_of_squares": "sum_wait_seconds_squared",
    "unit": "seconds",
    "ci_method": "welch_t",
    "variants": [
        {"name": "all", "description": "every wait", "numerator": "sum_all_wait_seconds",
         "sum_of_squares": "sum_all_wait_seconds_squared"},
        {"name": "answered", "description": "answered contacts only"},
    ],
    "default_variant": "all",
}


def _text(*entries: dict[str, Any]) -> str:
    return yaml.safe_dump({"version": 1, "metrics": list(entries)})


def _with(**changes: Any) -> dict[str, Any]:
    entry = copy.deepcopy(ENTRY)
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return entry


def test_a_full_entry_loads() -> None:
    metric = parse_catalog(_text(ENTRY), subject="automation")["handoff_rate"]
    assert metric.subject == "automation"
    assert metric.kind == "xla"
    assert metric.ci_method == "wilson"
    assert metric.min_cases == 50
    assert metric.target == 0.3
    assert metric.variant == "any_handoff"  # shown in its default variant
    assert metric.numerator == "count_handoffs"
    assert metric.qualified_version == "handoff_rate v2 (any_handoff)"
    assert [v.name for v in metric.variants] == ["any_handoff", "requested"]


def test_defaults_of_optional_fields() -> None:
    entry = _with(kind=None, ci_method=None, min_cases=None, target=None, formula=None, variants=None,
                  default_variant=None)
    metric = parse_catalog(_text(entry))["handoff_rate"]
    assert (metric.kind, metric.ci_method, metric.min_cases, metric.target, metric.formula) == (
        "sla", "none", None, None, "")
    assert metric.variant is None
    assert metric.qualified_version == "handoff_rate v2"


@pytest.mark.parametrize(("changes", "message"), [
    ({"label": None}, "missing label"),
    ({"source": None, "version": None}, "missing source, version"),
    ({"name": "Handoff Rate"}, "not a plain identifier"),
    ({"numerator": "count_handoffs; drop table x"}, "not a plain identifier"),
    ({"denominator": "count bot chats"}, "not a plain identifier"),
    ({"mart": "automation_daily"}, "not schema.table"),
    ({"unit": "percent"}, "unit"),
    ({"direction": "up"}, "direction"),
    ({"kind": "kpi"}, "kind"),
    ({"ci_method": "bootstrap"}, "ci_method"),
    ({"ci_method": "welch_t"}, "sum_of_squares"),
    ({"unit": "seconds", "ci_method": "wilson", "target": 60}, "wilson interval is for a rate"),
    ({"denominator": None}, "a wilson interval is for a rate"),
    ({"denominator": None, "ci_method": "poisson"}, "a rate needs a denominator"),
    ({"target": 80}, "between 0 and 1"),
    ({"min_cases": 0}, "min_cases"),
    ({"default_variant": None}, "no default_variant"),
    ({"default_variant": "typo"}, "not one of its variants"),
    ({"variants": [{"name": "a", "description": "x"}, {"name": "a", "description": "y"}],
      "default_variant": "a"}, "used twice"),
    ({"variants": [{"description": "no name"}]}, "missing name"),
    ({"variants": [{"name": "a"}], "default_variant": "a"}, "missing description"),
    ({"variants": ["a"], "default_variant": "a"}, "must be a mapping"),
    ({"variants": [{"name": "a", "description": "x", "numerator": "bad column"}], "default_variant": "a"},
     "not a plain identifier"),
    ({"variants": [{"name": "a", "description": "x", "numerater": "c"}], "default_variant": "a"}, "unknown field"),
    ({"denominater": "count_bot_chats"}, "unknown field(s) denominater"),
    ({"label": ""}, "missing label"),
    ({"source": ""}, "missing source"),
    ({"version": "two"}, "version 'two' is not a number"),
    ({"version": 1.5}, "version 1.5 is not a whole number"),
    ({"version": 0}, "version must be"),
    ({"target": "80%"}, "target '80%' is not a number"),
    ({"min_cases": True}, "min_cases True is not a number"),
    ({"evidence": ""}, "missing evidence"),
    ({"evidence": "vibes"}, "evidence 'vibes' is not a rule of rules.yml"),
])
def test_validation_rules(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(message)):
        parse_catalog(_text(_with(**changes)))


def test_welch_needs_a_denominator_and_sum_of_squares() -> None:
    parse_catalog(_text(MEAN_ENTRY))
    without_denominator = {**MEAN_ENTRY, "denominator": None}
    with pytest.raises(CatalogError, match="welch_t"):
        parse_catalog(_text(without_denominator))


def test_a_variant_of_a_mean_moves_numerator_and_sum_of_squares_together() -> None:
    # a variant summing other values must square those same values, or the t interval mixes two populations
    half = copy.deepcopy(MEAN_ENTRY)
    del half["variants"][0]["sum_of_squares"]
    with pytest.raises(CatalogError, match="names its own sum_of_squares too"):
        parse_catalog(_text(half))


def test_an_empty_formula_is_empty() -> None:
    assert parse_catalog(_text(_with(formula=None)))["handoff_rate"].formula == ""
    entry = _with()
    entry["formula"] = None  # `formula:` with nothing after it
    assert parse_catalog(_text(entry))["handoff_rate"].formula == ""


def test_file_shape_and_duplicates() -> None:
    with pytest.raises(CatalogError, match="mapping"):
        parse_catalog("- just a list")
    with pytest.raises(CatalogError, match="mapping"):
        parse_catalog(_text("not an entry"))  # type: ignore[arg-type]
    with pytest.raises(CatalogError, match="more than once: handoff_rate"):
        parse_catalog(_text(ENTRY, ENTRY))
    assert parse_catalog("") == {}


def test_variant_falls_back_on_the_entry_columns_not_the_default_variant() -> None:
    # the default variant `all` names its own numerator; `answered` names none, so it uses the entry's own
    metric = parse_catalog(_text(MEAN_ENTRY))["wait_time"]
    assert (metric.numerator, metric.sum_of_squares) == ("sum_all_wait_seconds", "sum_all_wait_seconds_squared")
    answered = metric.in_variant("answered")
    assert (answered.numerator, answered.denominator, answered.sum_of_squares) == (
        "sum_wait_seconds", "count_waits", "sum_wait_seconds_squared")
    assert answered.variant == "answered"
    # and back again
    assert answered.in_variant("all").numerator == "sum_all_wait_seconds"
    assert answered.in_variant(None).numerator == "sum_all_wait_seconds"
    with pytest.raises(CatalogError, match="no variant 'median'"):
        metric.in_variant("median")


def _catalog_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "automation.yml").write_text(_text(ENTRY), encoding="utf-8")
    (folder / "service.yml").write_text(_text(MEAN_ENTRY), encoding="utf-8")
    return folder


def test_load_catalog_reads_every_subject_file(tmp_path: Path) -> None:
    catalog = load_catalog(_catalog_dir(tmp_path))
    assert list(catalog) == ["handoff_rate", "wait_time"]  # files by name, metrics in file order
    assert [m.subject for m in catalog.values()] == ["automation", "service"]


def test_a_name_defined_in_two_files_is_rejected(tmp_path: Path) -> None:
    folder = _catalog_dir(tmp_path)
    (folder / "journeys.yml").write_text(_text(ENTRY), encoding="utf-8")
    with pytest.raises(CatalogError, match="more than once: handoff_rate"):
        load_catalog(folder)


def test_an_error_names_its_file(tmp_path: Path) -> None:
    folder = _catalog_dir(tmp_path)
    (folder / "risk.yml").write_text(_text(_with(name="churn", unit="percent")), encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape("risk.yml: metric churn: unit")):
        load_catalog(folder)


def test_catalog_for_applies_the_chosen_variants(tmp_path: Path) -> None:
    folder = _catalog_dir(tmp_path)
    chosen = catalog_for({"handoff_rate": "requested", "wait_time": "answered"}, folder)
    assert chosen["handoff_rate"].numerator == "count_requested"
    assert chosen["handoff_rate"].qualified_version == "handoff_rate v2 (requested)"
    assert chosen["wait_time"].numerator == "sum_wait_seconds"
    # a metric not named keeps its default variant
    assert catalog_for({}, folder)["handoff_rate"].variant == "any_handoff"
    with pytest.raises(CatalogError, match="unknown metric"):
        catalog_for({"no_such_metric": "x"}, folder)
    with pytest.raises(CatalogError, match="no variant 'typo'"):
        catalog_for({"handoff_rate": "typo"}, folder)


def test_target_for_prefers_the_setting() -> None:
    metric = parse_catalog(_text(ENTRY))["handoff_rate"]
    assert target_for(metric, {}) == 0.3
    assert target_for(metric, {"handoff_rate": 0.25}) == 0.25


def test_the_real_catalog_loads_and_every_variant_resolves() -> None:
    catalog = load_catalog()
    assert catalog, "sql/metrics/*.yml holds no metric"
    for metric in catalog.values():
        assert metric.subject, metric.name
        for variant in metric.variants:
            assert metric.in_variant(variant.name).variant == variant.name


def test_every_catalog_column_exists_in_its_mart_after_a_build(warehouse_url: str) -> None:
    """Every numerator, denominator and sum-of-squares column (of every variant) is a column of its mart."""
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "canonical_small"), "run")
    assert result.status == SUCCEEDED, result.problems
    reader = open_reader(warehouse_url)
    try:
        missing = []
        for metric in load_catalog().values():
            frame = reader.query_df(
                "select column_name from information_schema.columns where table_schema = :schema"
                " and table_name = :table",
                {"schema": metric.mart.split(".")[0], "table": metric.mart.split(".")[1]},
            )
            columns = set(frame["column_name"].astype(str))
            if not columns:
                missing.append(f"{metric.name}: mart {metric.mart} not built")
                continue
            for shown in [metric, *(metric.in_variant(v.name) for v in metric.variants)]:
                for column in (shown.numerator, shown.denominator, shown.sum_of_squares):
                    if column is not None and column not in columns:
                        missing.append(f"{metric.name} ({shown.variant}): {metric.mart}.{column}")
    finally:
        reader.close()
    assert not missing, missing


def test_every_metric_declares_a_known_evidence_rule_and_every_rule_is_used() -> None:
    rules = load_evidence_rules()
    used = {metric.evidence for metric in load_catalog().values()}
    assert used == set(rules)  # no metric without a rule, no rule that no metric uses
    assert load_catalog()["first_reply_time"].evidence == "agent_reply"
    assert load_catalog()["cost_per_contact"].evidence == "unit_costs"
    assert load_catalog()["escalation_rate"].evidence == "escalation_events"
    assert load_catalog()["negative_start_recovery_rate"].evidence == "two_customer_messages"
    assert load_catalog()["csat"].evidence == "csat_survey"


@pytest.mark.parametrize(("text", "message"), [
    ("rules: []", "a `rules:` mapping"),
    ("rules: {bad name: {needs: a, scope: b, reason: c}}", "not a plain identifier"),
    ("rules: {ok: {needs: a, scope: b}}", "needs exactly needs, reason, scope"),
    ("rules: {ok: {needs: a, scope: b, reason: ''}}", "needs exactly"),
])
def test_evidence_rules_file_is_validated(text: str, message: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(message)):
        parse_evidence_rules(text)
