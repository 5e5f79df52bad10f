"""Every column the automation metrics name (numerator, denominator, sum of squares, in every variant) exists
in its mart after a build of the automation fixture, on DuckDB and PostgreSQL."""

from __future__ import annotations

from etl.catalog import load_catalog
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings


def _automation_columns() -> dict[str, set[str]]:
    """mart -> every column the automation metrics read from it."""
    wanted: dict[str, set[str]] = {}
    for metric in load_catalog().values():
        if metric.subject != "automation":
            continue
        columns = wanted.setdefault(metric.mart, set())
        columns.update(c for c in (metric.numerator, metric.denominator, metric.sum_of_squares) if c)
        for variant in metric.variants:
            columns.update(c for c in (variant.numerator, variant.denominator, variant.sum_of_squares) if c)
    return wanted


def test_the_catalog_has_the_automation_metrics() -> None:
    names = {m.name for m in load_catalog().values() if m.subject == "automation"}
    assert {"containment_rate", "true_containment_rate", "handoff_rate", "time_to_first_human_after_handoff",
            "restatement_rate", "sentiment_change_across_handoff", "bot_outcome_abandoned_share",
            "escalation_trigger_customer_request_share"} <= names


def test_catalog_columns_exist_in_the_marts(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "automation"), "run")
    assert result.status == SUCCEEDED, result.problems
    reader = open_reader(warehouse_url)
    try:
        for mart, columns in _automation_columns().items():
            present = set(reader.query_df(f"select * from {mart} limit 0").columns)
            assert columns <= present, f"{mart} lacks {sorted(columns - present)}"
    finally:
        reader.close()
