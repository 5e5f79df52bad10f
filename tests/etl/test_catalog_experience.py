"""The experience catalog (sql/metrics/experience.yml): every column it names exists in its mart after a build."""

from __future__ import annotations

from etl.catalog import load_catalog
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

EXPECTED = {"customer_sentiment_end", "customer_sentiment_trend", "negative_start_recovery_rate", "ces",
            "ces_easy_share", "inferred_effort_score"}


def _experience_metrics() -> dict:
    return {name: m for name, m in load_catalog().items() if m.subject == "experience"}


def test_the_experience_catalog_holds_its_measures_as_xla_with_sources() -> None:
    metrics = _experience_metrics()
    assert set(metrics) == EXPECTED
    for metric in metrics.values():
        assert metric.kind == "xla"
        assert metric.mart == "marts.experience_daily"
        assert metric.formula and metric.source
        if metric.unit in ("score", "ces"):
            assert metric.ci_method == "welch_t" and metric.sum_of_squares
        if metric.unit == "rate":
            assert metric.ci_method == "wilson"
    assert "Hutto and Gilbert" in metrics["customer_sentiment_end"].source
    assert "CES 2.0" in metrics["ces"].source


def test_every_catalog_column_exists_in_the_built_mart(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "experience"), "run")
    assert result.status == SUCCEEDED, result.problems
    reader = open_reader(warehouse_url)
    try:
        columns = set(reader.query_df("select * from marts.experience_daily where 1 = 0").columns)
    finally:
        reader.close()
    for metric in _experience_metrics().values():
        named = {metric.numerator, metric.denominator, metric.sum_of_squares}
        named |= {c for v in metric.variants for c in (v.numerator, v.denominator, v.sum_of_squares)}
        missing = {c for c in named if c} - columns
        assert not missing, f"{metric.name}: {missing} not in {metric.mart}"
    # and the mart has the dashboard's filter columns, as service_daily has them
    assert {"date_day", "week_start", "channel", "queue_id", "queue_name", "team_name", "intent", "segment",
            "service_path"} <= columns
