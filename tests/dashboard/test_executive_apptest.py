"""The Executive review page through AppTest on the demo warehouse."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def _app(monkeypatch: pytest.MonkeyPatch, url: str, params: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def _texts(elements: object) -> str:
    return " ".join(str(element.value) for element in elements)  # type: ignore[attr-defined]


def test_executive_review_is_the_landing_page(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    assert "Executive review" in _texts(at.title)
    headers = _texts(at.subheader)
    assert "Efficiency (SLA)" in headers
    assert "Efficiency × Empathy" in headers
    assert "Signals of the empathy gap" in headers
    markdown = _texts(at.markdown)
    for signal in ("Handoff Highway", "Repetition Loop", "Silent Exodus"):
        assert signal in markdown
    tables = [element.value for element in at.dataframe]
    assert tables and all("Real or noise" in t.columns for t in tables)
    assert "Service level" in " ".join(" ".join(t["Measure"]) for t in tables)
    assert len(at.get("vega_lite_chart")) == 1  # the Efficiency x Empathy quadrant


def test_a_filter_with_no_data_shows_a_message(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"start": "2001-01-01", "end": "2001-01-31"})
    assert not at.exception
    assert "No figures for these filters" in _texts(at.info)


def test_last_year_comparison_outside_the_data_says_so(monkeypatch: pytest.MonkeyPatch,
                                                       demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"compare": "last_year"})
    assert not at.exception
    assert "No comparison" in _texts(at.caption)


def test_the_kpi_pack_and_the_tables_workbook(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    import io
    import re

    import openpyxl

    from dashboard.views import executive

    made: dict[str, bytes] = {}

    def keep(downloads: list) -> None:
        for download in downloads:
            made[download.label] = download.make()

    monkeypatch.setattr(executive, "render_downloads", keep)
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    pdf = made["KPI pack (PDF)"]
    assert pdf.startswith(b"%PDF")
    workbook = openpyxl.load_workbook(io.BytesIO(made["All tables (Excel)"]))
    assert workbook.sheetnames[0] == "Scorecard"
    labels = [row[0].value for row in workbook["Scorecard"].iter_rows(min_row=2)]
    assert "Service level" in labels
    # the pack is compressed; its page count is visible in the trailer objects
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2


def test_a_channel_filter_changes_the_scorecard_to_that_channel(monkeypatch: pytest.MonkeyPatch,
                                                                demo_warehouse_url: str) -> None:
    from contextlib import closing

    from dashboard.filters import default_filters
    from etl.warehouse import open_reader

    at = _app(monkeypatch, demo_warehouse_url)
    at.multiselect(key="filter_channel").set_value(["voice"]).run()
    assert not at.exception
    scorecard = next(t.value for t in at.dataframe if "Measure" in t.value.columns)
    shown = scorecard.set_index("Measure").loc["Interactions", "Now"]
    with closing(open_reader(demo_warehouse_url)) as reader:
        last = pd.Timestamp(reader.scalar("select max(date_day) from marts.service_daily")).date()
        filters = default_filters(last, last)
        voice = reader.scalar(
            "select sum(count_interactions) from marts.service_daily where channel = 'voice'"
            " and date_day between :s and :e", {"s": filters.start, "e": filters.end})
    assert shown == f"{int(voice):,}"


def test_the_quadrant_follows_the_chosen_breakdown(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    import json

    at = _app(monkeypatch, demo_warehouse_url)
    at.segmented_control(key="executive_breakdown").set_value("channel").run()
    assert not at.exception
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    titles = [t.get("title") for layer in spec["layer"] for t in layer.get("encoding", {}).get("tooltip", [])]
    assert "Channel" in titles  # each point is a channel now
    assert "Each point is a channel" in " ".join(str(c.value) for c in at.caption)
