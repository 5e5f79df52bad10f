"""The Data health and Definitions pages through AppTest, on the demo warehouse and on a bad-input one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.widgets.freshness import freshness_by_data_time
from etl.catalog import load_catalog

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def _app(monkeypatch: pytest.MonkeyPatch, url: str, page: str, params: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    return at.run()


def _texts(elements: object) -> str:
    return " ".join(str(element.value) for element in elements)  # type: ignore[attr-defined]


def test_freshness_is_judged_on_data_time_not_load_time() -> None:
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    times = pd.DataFrame({
        "source_name": ["zendesk", "twitter", "callcenter"],
        # newest records: 6 h ago; in December 2017; none (a report without times)
        "newest_record_at": [pd.Timestamp("2026-11-22 06:00"), pd.Timestamp("2017-12-03 22:59:36"), pd.NaT],
        # all three loaded 2 h ago
        "last_loaded_at": [pd.Timestamp("2026-11-22 10:00")] * 3,
        "streams": ["tickets", "interaction_rows", "interval_rows"], "rows_loaded": [10, 20, 30],
    })
    table = freshness_by_data_time(times, now, stale_after_hours=48)
    assert table["state"].tolist() == ["fresh", "stale", "no data time"]
    assert table["data_age_hours"].iloc[0] == 6.0
    assert table["load_gap_hours"].iloc[0] == 4.0
    # 2017-12-03 22:59:36 to 2026-11-22 12:00: 3,275 days and 13 h 0 min 24 s
    expected = (dt.datetime(2026, 11, 22, 12) - dt.datetime(2017, 12, 3, 22, 59, 36)).total_seconds() / 3600
    assert table["data_age_hours"].iloc[1] == round(expected, 1)
    assert table["data_age_hours"].iloc[1] > 3_275 * 24
    assert pd.isna(table["data_age_hours"].iloc[2])
    assert freshness_by_data_time(times, now, stale_after_hours=4)["state"].tolist()[0] == "stale"


def test_data_health_on_the_demo_warehouse(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, "app_pages/data_health/page.py")
    assert not at.exception
    assert "Data health" in _texts(at.title)
    subheaders = _texts(at.subheader)
    for heading in ("Freshness per source", "Last runs", "Records loaded per day"):
        assert heading in subheaders
    assert len(at.dataframe) >= 2
    assert len(at.get("vega_lite_chart")) == 1


def test_data_health_shows_quarantined_records_with_examples(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from etl.pipeline import run_pipeline
    from tests.conftest import FIXTURES, make_settings

    url = f"duckdb:///{tmp_path / 'bad.duckdb'}"
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("queues.csv", "agents.csv", "customers.csv", "accounts.csv"):
        (folder / name).write_bytes((FIXTURES / "canonical_small" / name).read_bytes())
    good = (FIXTURES / "canonical_small" / "interactions-2026-05.csv").read_text(encoding="utf-8").splitlines()
    # one more row whose created_at is not a timestamp: quarantined with its line number
    broken = good[1].split(",")
    broken[0] = "I-BROKEN"
    header = good[0].split(",")
    broken[header.index("created_at")] = "yesterday"
    (folder / "interactions-2026-05.csv").write_text("\n".join([*good, ",".join(broken)]) + "\n", encoding="utf-8")
    run_pipeline(make_settings(url, folder), "run")
    at = _app(monkeypatch, url, "app_pages/data_health/page.py")
    assert not at.exception
    assert "Quarantined records by reason" in _texts(at.subheader)
    examples = next(element.value for element in at.dataframe if "source_line" in element.value.columns)
    assert "created_at" in examples["field_name"].tolist()
    assert examples["source_line"].tolist() == [len(good) + 1]


def test_definitions_lists_every_metric_and_opens_the_linked_one(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str
) -> None:
    catalog = load_catalog()
    at = _app(monkeypatch, demo_warehouse_url, "app_pages/definitions/page.py", {"metric": "service_level"})
    assert not at.exception
    labels = [expander.label for expander in at.expander]
    assert len(labels) == len(catalog)
    opened = [e for e in at.expander if e.proto.expanded]
    assert [e.label for e in opened] == [f"{catalog['service_level'].label} · v{catalog['service_level'].version}"]
    at.text_input(key="definitions_search").set_value("abandon").run()
    matching = [m for m in catalog.values() if "abandon" in f"{m.name} {m.label} {m.description}".lower()]
    assert len(at.expander) == len(matching) >= 1
    at.text_input(key="definitions_search").set_value("no such metric at all").run()
    assert "No metric matches" in _texts(at.info)


def test_data_health_lists_the_vendor_values_to_map_as_plain_data(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    """Two contacts whose vendor intent "**Loyalty** points" (Markdown in an export stays text) maps onto no intent
    of the fixture taxonomy, and one whose "billing_dispute" does: the page lists the one value, 2 contacts."""
    from etl.pipeline import run_pipeline
    from tests.conftest import make_settings

    url = f"duckdb:///{tmp_path / 'intents.duckdb'}"
    folder = tmp_path / "exports"
    folder.mkdir()
    rows = ["interaction_id,channel,customer_id,intent,status,created_at,updated_at",
            "L1,email,C1,**Loyalty** points,closed,2026-05-04T09:00:00Z,2026-05-04T09:00:00Z",
            "L2,email,C2,**Loyalty** points,closed,2026-05-05T09:00:00Z,2026-05-05T09:00:00Z",
            "L3,email,C3,billing_dispute,closed,2026-05-06T09:00:00Z,2026-05-06T09:00:00Z"]
    (folder / "interactions-2026-05.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_pipeline(make_settings(url, folder), "run")
    at = _app(monkeypatch, url, "app_pages/data_health/page.py")
    assert not at.exception
    assert "Intents to map" in _texts(at.subheader)
    listed = next(element.value for element in at.dataframe if "vendor_value" in element.value.columns)
    assert [tuple(r) for r in listed[["source_kind", "vendor_field", "vendor_value", "count_contacts"]].itertuples(
        index=False)] == [("canonical", "intent", "**Loyalty** points", 2)]
    assert "Loyalty" not in _texts(at.markdown)
