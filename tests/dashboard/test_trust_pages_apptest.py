"""The Data health and Definitions pages through AppTest, on the demo warehouse and on a bad-input one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.views.data_health import STALE_AFTER_HOURS, freshness_table
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


def test_freshness_marks_a_stream_late_after_the_threshold() -> None:
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    streams = pd.DataFrame({
        "source_name": ["zendesk", "connect"], "stream": ["tickets", "ctr"], "files_loaded": [3, 1],
        "rows_loaded": [10, 20], "watermark": [pd.Timestamp("2026-11-22 06:00")] * 2,
        # 2 h ago, and 27 h ago (over the 26 h threshold)
        "last_loaded_at": [pd.Timestamp("2026-11-22 10:00"), pd.Timestamp("2026-11-21 09:00")],
    })
    table = freshness_table(streams, now)
    assert table["hours_since_load"].tolist() == [2.0, 27.0]
    assert table["state"].tolist() == ["fresh", "late"]
    assert STALE_AFTER_HOURS == 26


def test_data_health_on_the_demo_warehouse(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, "page_scripts/data_health.py")
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
    at = _app(monkeypatch, url, "page_scripts/data_health.py")
    assert not at.exception
    assert "Quarantined records by reason" in _texts(at.subheader)
    examples = next(element.value for element in at.dataframe if "source_line" in element.value.columns)
    assert "created_at" in examples["field_name"].tolist()
    assert examples["source_line"].tolist() == [len(good) + 1]


def test_definitions_lists_every_metric_and_opens_the_linked_one(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str
) -> None:
    catalog = load_catalog()
    at = _app(monkeypatch, demo_warehouse_url, "page_scripts/definitions.py", {"metric": "service_level"})
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
