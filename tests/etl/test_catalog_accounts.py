"""The accounts catalog (sql/metrics/accounts.yml): every column its metrics name exists in its mart after a
build, on DuckDB and PostgreSQL."""

from __future__ import annotations

from etl.catalog import load_catalog
from etl.pipeline import run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

ACCOUNT_METRICS = {"churn_risk", "revenue_at_risk", "accounts_at_high_risk", "churned_arr"}


def test_accounts_catalog_has_its_metrics() -> None:
    metrics = {name: m for name, m in load_catalog().items() if m.subject == "accounts"}
    assert set(metrics) == ACCOUNT_METRICS
    assert {m.kind for m in metrics.values()} == {"risk"}
    assert metrics["revenue_at_risk"].unit == "money" and metrics["churned_arr"].unit == "money"


def test_every_accounts_metric_column_exists_in_its_mart(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "churn"), "run")
    assert result.exit_code == 0, result.problems
    metrics = [m for m in load_catalog().values() if m.subject == "accounts"]
    reader = open_reader(warehouse_url)
    try:
        for metric in metrics:
            columns = set(reader.query_df(f"select * from {metric.mart} where 1 = 0").columns)
            named = {metric.numerator, metric.denominator, metric.sum_of_squares}
            for variant in metric.variants:
                named |= {variant.numerator, variant.denominator, variant.sum_of_squares}
            missing = {c for c in named if c} - columns
            assert not missing, f"{metric.name}: {sorted(missing)} not in {metric.mart}"
    finally:
        reader.close()
