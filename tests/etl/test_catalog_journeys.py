"""The journeys catalog (sql/metrics/journeys.yml) against the marts a build produces, on both engines."""

from __future__ import annotations

from etl.catalog import Metric, load_catalog
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

DIMENSIONS = ["date_day", "week_start", "channel", "queue_id", "queue_name", "team_name", "intent", "segment",
              "service_path"]


def _journey_metrics() -> list[Metric]:
    return [metric for metric in load_catalog().values() if metric.subject == "journeys"]


def test_the_catalog_names_every_journey_measure_once_with_kind_and_source() -> None:
    metrics = {metric.name: metric for metric in _journey_metrics()}
    assert {"repeat_contact_rate", "first_contact_resolution", "channel_switch_rate",
            "touches_per_resolved_episode", "resolution_confirmed_share", "resolution_no_return_share",
            "resolution_tone_not_negative_share", "resolution_unconfirmed_share"} <= set(metrics)
    assert metrics["first_contact_resolution"].kind == "sla"
    assert metrics["repeat_contact_rate"].kind == "xla"
    assert {metrics[f"resolution_{level}_share"].kind
            for level in ("confirmed", "no_return", "tone_not_negative", "unconfirmed")} == {"xla"}
    # the four confidence shares share a denominator, so they add up to 1
    assert {metrics[f"resolution_{level}_share"].denominator
            for level in ("confirmed", "no_return", "tone_not_negative", "unconfirmed")} == {
        "count_episodes_determined"}
    assert all(metric.source for metric in metrics.values())


def test_every_journey_metric_column_exists_in_its_mart(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "journeys"), "run")
    assert result.status == SUCCEEDED, result.problems
    reader = open_reader(warehouse_url)
    try:
        columns_by_mart: dict[str, set[str]] = {}
        for metric in _journey_metrics():
            if metric.mart not in columns_by_mart:
                frame = reader.query_df(f"select * from {metric.mart} where 1 = 0")
                columns_by_mart[metric.mart] = set(frame.columns)
            columns = columns_by_mart[metric.mart]
            needed = {metric.numerator, metric.denominator, metric.sum_of_squares}
            for variant in metric.variants:
                needed |= {variant.numerator, variant.denominator, variant.sum_of_squares}
            missing = {c for c in needed if c is not None} - columns
            assert not missing, f"{metric.name}: {sorted(missing)} not in {metric.mart}"
    finally:
        reader.close()
    # the mart carries the dashboard's filter columns, exactly as marts.service_daily
    assert set(DIMENSIONS) <= columns_by_mart["marts.journey_daily"]
