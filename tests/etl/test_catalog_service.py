"""The service catalog (sql/metrics/service.yml): every entry is complete, and every column it names exists in its
mart after a real build (DuckDB and PostgreSQL), in every variant."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from etl.catalog import CATALOG_DIR, load_catalog, parse_catalog
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import check_identifier, open_reader
from tests.conftest import make_settings
from tests.sql.test_sla_pipeline import CALENDAR_SETTINGS, CALENDARS

SERVICE_FILE = CATALOG_DIR / "service.yml"
FIELDS = ("name", "label", "kind", "description", "formula", "mart", "numerator", "grain", "unit", "direction",
          "target", "ci_method", "source", "variants", "version")
# the names the dashboard's overview reads
DASHBOARD_METRICS = {"interactions", "first_reply_time", "service_level", "abandonment_rate", "csat",
                     "customer_sentiment"}


def _entries() -> list[dict]:
    return yaml.safe_load(SERVICE_FILE.read_text(encoding="utf-8"))["metrics"]


def _columns_named(metric_name: str) -> set[str]:
    metric = load_catalog()[metric_name]
    names = {metric.numerator, metric.denominator, metric.sum_of_squares}
    for variant in metric.variants:
        names |= {variant.numerator, variant.denominator, variant.sum_of_squares}
    return {name for name in names if name}


def test_every_service_metric_states_every_field() -> None:
    for entry in _entries():
        missing = [key for key in FIELDS if key not in entry]
        assert not missing, f"{entry['name']} lacks {missing}"
        if entry["variants"]:
            assert entry.get("default_variant"), entry["name"]
        if entry["ci_method"] == "welch_t":
            assert entry.get("sum_of_squares"), entry["name"]


def test_the_dashboards_metrics_are_still_there() -> None:
    assert set(parse_catalog(SERVICE_FILE.read_text(encoding="utf-8"))) >= DASHBOARD_METRICS


def test_sla_metrics_cite_a_source() -> None:
    for entry in _entries():
        if entry["kind"] == "sla":
            source = entry["source"]
            assert any(word in source for word in ("Zendesk", "ICMI", "COPC", "Genesys", "Amazon Connect",
                                                   "Our own")), entry["name"]


def test_every_named_column_exists_in_its_mart_after_a_build(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, Path(CALENDARS), **CALENDAR_SETTINGS), "run")
    assert result.status == SUCCEEDED, result.problems
    service_metrics = [entry["name"] for entry in _entries()]
    reader = open_reader(warehouse_url)
    try:
        for name in service_metrics:
            mart = load_catalog()[name].mart
            present = set(reader.query_df(f"select * from {check_identifier(mart)} limit 0").columns)
            missing = _columns_named(name) - present
            assert not missing, f"{name}: {sorted(missing)} not in {mart}"
    finally:
        reader.close()


@pytest.mark.parametrize("metric_name", ["first_reply_time", "time_to_resolution", "service_level"])
def test_variants_change_the_columns_read(metric_name: str) -> None:
    metric = load_catalog()[metric_name]
    others = [v for v in metric.variants if v.name != metric.default_variant]
    assert others
    for variant in others:
        chosen = metric.in_variant(variant.name)
        assert (chosen.numerator, chosen.denominator) != (metric.numerator, metric.denominator)
