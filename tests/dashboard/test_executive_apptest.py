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

    from dashboard.app_pages.executive import view as executive
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


def _period(url: str) -> tuple[object, object]:
    from contextlib import closing

    from dashboard.filters import default_filters
    from etl.warehouse import open_reader

    with closing(open_reader(url)) as reader:
        last = pd.Timestamp(reader.scalar("select max(date_day) from marts.service_daily")).date()
    filters = default_filters(last, last)
    return filters.start, filters.end


def _scalar(url: str, sql: str, start: object, end: object) -> float:
    from contextlib import closing

    from etl.warehouse import open_reader

    with closing(open_reader(url)) as reader:
        return float(reader.scalar(sql, {"s": start, "e": end}))


def test_risk_rows_count_accounts_and_no_column_is_cut(monkeypatch: pytest.MonkeyPatch,
                                                        demo_warehouse_url: str) -> None:
    import json

    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    start, end = _period(demo_warehouse_url)
    accounts = _scalar(demo_warehouse_url, "select sum(sum_active_account_share) from marts.account_risk_daily"
                                           " where date_day between :s and :e", start, end)
    elements = [element for element in at.dataframe if "Measure" in element.value.columns]
    risk = next(e.value for e in elements if "Revenue at risk" in list(e.value["Measure"]))
    # issue 11: the Cases column showed the revenue at risk (money) on the risk rows
    assert set(risk["Cases"]) == {f"{round(accounts):,} accounts"}
    for element in elements:
        config = json.loads(element.proto.columns)
        # issue 11: "beyond noise" was cut to "beyond nois" by a fixed small width; only the sparkline has one
        widths = {name: column.get("width") for name, column in config.items() if column.get("width")}
        assert widths == {"Weekly trend": 96}


def test_the_tables_workbook_holds_numbers_not_text(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    import io

    import openpyxl

    from dashboard.app_pages.executive import view as executive
    made: dict[str, bytes] = {}

    def keep(downloads: list) -> None:
        for download in downloads:
            if download.label == "All tables (Excel)":
                made["xlsx"] = download.make()

    monkeypatch.setattr(executive, "render_downloads", keep)
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    start, end = _period(demo_warehouse_url)
    interactions = _scalar(demo_warehouse_url, "select sum(count_interactions) from marts.service_daily"
                                               " where date_day between :s and :e", start, end)
    sheet = openpyxl.load_workbook(io.BytesIO(made["xlsx"]))["Scorecard"]
    headers = [cell.value for cell in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    now = rows["Interactions"][headers.index("Now")]
    assert (now.data_type, now.value, now.number_format) == ("n", interactions, "#,##0")
    level = rows["Service level"][headers.index("Now")]
    assert level.data_type == "n" and 0 <= level.value <= 1 and level.number_format == "0.0%"
    # no figure is text: every text cell of the figure columns is empty
    for name in ("Now", "Target", "Change", "Change from", "Change to", "Previous", "Cases"):
        assert all(row[headers.index(name)].data_type in {"n", "d"} or row[headers.index(name)].value is None
                   for row in rows.values()), name
    assert not any(str(c.value).startswith("'") for row in sheet.iter_rows() for c in row if c.data_type == "s")
