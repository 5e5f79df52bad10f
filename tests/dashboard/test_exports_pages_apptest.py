"""The downloads of the Automation, Experience and Risk pages through AppTest on the demo warehouse (issue 11):
each button is on the page, its workbook opens with openpyxl with figures as typed numbers in their formats (not
"25,407" or "72.7%" as text, no leading apostrophe), its CSV holds plain numbers, and a list the page shows a
page at a time downloads complete: as many rows as a count of the warehouse written here, independently of the
page's queries. Exports are read in pages of one row (queries_keyset.EXPORT_PAGE_ROWS), so that every complete
download here crosses as many keyset pages as it has rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from typing import Any

import duckdb
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from streamlit.testing.v1 import AppTest

from dashboard import queries_keyset
from dashboard.app_pages.risk import queries as queries_risk
from etl.warehouse import open_reader
from tests.dashboard.conftest import open_page

EXPORT_PAGE_ROWS = 1
COUNT, RATE, DURATION, DATE = "#,##0", "0.0%", "[h]:mm:ss", "yyyy-mm-dd"
MONEY = '#,##0.00 "USD"'
HOSTILE_NAME = '=HYPERLINK("http://evil.example","Acme")'


def _app(monkeypatch: pytest.MonkeyPatch, url: str, page: str, params: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setattr(queries_keyset, "EXPORT_PAGE_ROWS", EXPORT_PAGE_ROWS)
    return open_page(monkeypatch, url, page, params)


def _count(url: str, sql: str, params: dict[str, Any]) -> int:
    reader = open_reader(url)
    try:
        return int(reader.query_df(sql, params).iat[0, 0])
    finally:
        reader.close()


def _dates(at: AppTest) -> tuple[dt.date, dt.date]:
    start, end = at.session_state["filter_dates"]
    return start, end


def _download(at: AppTest, offered: dict[str, Any], subject_slug: str, extension: str) -> bytes:
    """The bytes of the one download whose file name carries `subject_slug`, after checking that its button is
    on the page (by its key: page, kind, subject, format)."""
    found = [d for name, d in offered.items() if f"_{subject_slug}_" in name and name.endswith(f".{extension}")]
    assert len(found) == 1, f"{len(found)} downloads of {subject_slug}.{extension} in {sorted(offered)}"
    keys = {button.proto.id.rsplit("-download-", 1)[1] for button in at.get("download_button")}
    assert found[0].key.removeprefix("download-") in keys
    return found[0].make()


def _sheet(data: bytes) -> tuple[Worksheet, list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return sheet, [str(cell.value) for cell in sheet[1]]


def _column(sheet: Worksheet, headers: list[str], header: str) -> list[Any]:
    position = headers.index(header)
    return [row[position] for row in sheet.iter_rows(min_row=2)]


def _typed(cells: list[Any], number_format: str) -> list[float]:
    """The values of the filled cells, after checking each is a number in `number_format`. A duration is a number
    of days in the file; openpyxl reads a cell in a time format back as a timedelta (data type "d"): seconds."""
    filled = [cell for cell in cells if cell.value is not None]
    assert filled, "no figure in the column"
    for cell in filled:
        assert cell.number_format == number_format, f"{cell.coordinate}: {cell.number_format}"
        if number_format == DURATION:
            assert isinstance(cell.value, dt.timedelta), f"{cell.coordinate} holds {cell.value!r}"
        else:
            assert cell.data_type == "n", f"{cell.coordinate} holds {cell.value!r} as {cell.data_type}"
    return [cell.value.total_seconds() if isinstance(cell.value, dt.timedelta) else float(cell.value)
            for cell in filled]


def _no_text_figures(sheet: Worksheet) -> None:
    """No cell holds a figure as text ("25,407", "72.7%", "0:01:30") or starts with a visible quote."""
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert not cell.value.startswith("'"), cell.coordinate
                assert not cell.value.replace(",", "").replace(".", "").replace("%", "").replace(":", "").isdigit(), (
                    f"{cell.coordinate} holds the figure {cell.value!r} as text")


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _headline_sheet(at: AppTest, offered: dict[str, Any], rows: int) -> dict[str, Any]:
    """The headline figures' workbook: one row per figure, each "Now" a number in its own unit's format; returns
    the cells of "Now" by measure."""
    sheet, headers = _sheet(_download(at, offered, "headline-figures", "xlsx"))
    assert sheet.max_row == rows + 1
    _no_text_figures(sheet)
    measures = [str(c.value).removesuffix(" (thin)") for c in _column(sheet, headers, "Measure")]
    return dict(zip(measures, _column(sheet, headers, "Now"), strict=True))


# ---------------------------------------------------------------- Automation


def test_automation_downloads(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str,
                              offered_downloads: dict[str, Any]) -> None:
    at = _app(monkeypatch, demo_warehouse_url, "automation")
    assert not at.exception
    start, end = _dates(at)
    period = {"start": start, "end": end}

    # headline: bot sessions and the six tiles (automation.HEADLINE_ROWS: 2 rows of 3) = 7 figures
    now = _headline_sheet(at, offered_downloads, 7)
    sessions = _count(demo_warehouse_url, "select sum(count_bot_sessions) from marts.automation_daily"
                                          " where date_day between :start and :end", period)
    handoffs = _count(demo_warehouse_url, "select sum(count_handoffs) from marts.automation_daily"
                                          " where date_day between :start and :end", period)
    assert _typed([now["Bot sessions"]], COUNT) == [sessions]
    assert _typed([now["Handoff rate"]], RATE) == [pytest.approx(handoffs / sessions)]
    assert _typed([now["Wait for a person after the handoff"]], DURATION)

    # Handoff Highway flags: every flagged intent-month of the months the dates touch, not the page of 50
    months = {"first": start.replace(day=1), "last": end.replace(day=1)}
    flagged = _count(demo_warehouse_url, "select count(*) from marts.signal_handoff_highway_monthly"
                                         " where dimension = 'intent' and is_flagged"
                                         " and period_month between :first and :last", months)
    assert flagged > EXPORT_PAGE_ROWS  # the download crosses keyset pages
    sheet, headers = _sheet(_download(at, offered_downloads, "handoff-highway-flags", "xlsx"))
    assert sheet.max_row == flagged + 1
    _no_text_figures(sheet)
    rates = _typed(_column(sheet, headers, "Handoff rate"), RATE)
    assert all(0 <= rate <= 1 for rate in rates)
    _typed(_column(sheet, headers, "Bot sessions"), COUNT)
    assert all(cell.is_date and cell.number_format == DATE and cell.value.day == 1
               for cell in _column(sheet, headers, "Month"))
    assert [cell.data_type for cell in _column(sheet, headers, "Rising")] == ["b"] * flagged
    # the CSV: the same rows, rates as plain shares ("0.7213", never "72.1%")
    rows = _csv_rows(_download(at, offered_downloads, "handoff-highway-flags", "csv"))
    assert len(rows) == flagged
    assert sorted(float(row["Handoff rate"]) for row in rows) == pytest.approx(sorted(rates))


# ---------------------------------------------------------------- Experience


def test_experience_downloads(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str,
                              offered_downloads: dict[str, Any]) -> None:
    whole = {"start": "2026-05-01", "end": "2026-10-31"}
    at = _app(monkeypatch, demo_warehouse_url, "experience", whole)
    assert not at.exception
    # CSAT, sentiment, recovery, sentiment trend, CES, inferred effort (experience.HEADLINE_METRICS)
    now = _headline_sheet(at, offered_downloads, 6)
    answers = _count(demo_warehouse_url, "select sum(count_csat_responses) from marts.service_daily"
                                         " where date_day between :start and :end", whole)
    satisfied = _count(demo_warehouse_url, "select sum(count_csat_satisfied) from marts.service_daily"
                                           " where date_day between :start and :end", whole)
    assert _typed([now["CSAT"]], RATE) == [pytest.approx(satisfied / answers)]

    team = "Billing"
    at.selectbox(key="experience_team").set_value(team).run()
    assert not at.exception
    # the team's human agents with a contact in the dates, counted from core
    agents = _count(demo_warehouse_url, (
        "select count(distinct i.agent_id) from core.fct_interactions i"
        " join core.fct_contact_experience e on e.interaction_id = i.interaction_id"
        " join core.dim_agents a on a.agent_id = i.agent_id"
        " where not a.is_bot and i.team_name = :team and i.date_day between :start and :end"), {**whole, "team": team})
    contacts = _count(demo_warehouse_url, (
        "select count(*) from core.fct_interactions i"
        " join core.fct_contact_experience e on e.interaction_id = i.interaction_id"
        " join core.dim_agents a on a.agent_id = i.agent_id"
        " where not a.is_bot and i.team_name = :team and i.date_day between :start and :end"), {**whole, "team": team})
    assert agents > EXPORT_PAGE_ROWS
    sheet, headers = _sheet(_download(at, offered_downloads, "agents-of-billing", "xlsx"))
    assert sheet.max_row == agents + 1
    _no_text_figures(sheet)
    assert sum(_typed(_column(sheet, headers, "Contacts"), COUNT)) == contacts
    assert all(0 <= share <= 1 for share in _typed(_column(sheet, headers, "Recovered"), RATE))
    rows = _csv_rows(_download(at, offered_downloads, "agents-of-billing", "csv"))
    assert len(rows) == agents and sum(int(row["Contacts"]) for row in rows) == contacts


# ---------------------------------------------------------------- Risk


@pytest.fixture(scope="module")
def hostile_risk_url(demo_warehouse_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo warehouse whose account with the most revenue at risk is named like a formula."""
    path = tmp_path_factory.mktemp("hostile_risk") / "copy.duckdb"
    shutil.copyfile(demo_warehouse_url.removeprefix("duckdb:///"), path)
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "update core.fct_account_risk set account_name = ? where account_id = (select account_id from"
            " core.fct_account_risk where not is_churned order by revenue_at_risk desc nulls last limit 1)",
            [HOSTILE_NAME])
    return f"duckdb:///{path}"


def test_risk_downloads(monkeypatch: pytest.MonkeyPatch, hostile_risk_url: str,
                        offered_downloads: dict[str, Any]) -> None:
    monkeypatch.setattr(queries_risk, "ROWS_PER_PAGE", 10)  # the table shows 10 accounts a page
    at = _app(monkeypatch, hostile_risk_url, "risk")
    assert not at.exception
    assert len(at.dataframe[0].value) == 10
    start, end = _dates(at)
    # the active accounts with a contact in their window within the dates, or none in their window whose last day
    # is within them (the page's caption says so)
    accounts = _count(hostile_risk_url, """
        select count(*) from core.fct_account_risk as risk
        where not risk.is_churned
            and (exists (select 1 from core.fct_interactions as i
                         where i.account_id = risk.account_id and i.created_at >= risk.window_start_at
                             and i.created_at < risk.observation_at and i.date_day between :start and :end)
                 or (coalesce(risk.count_window_contacts, 0) = 0
                     and cast(risk.observation_at - interval 1 day as date) between :start and :end))
        """, {"start": start, "end": end})
    assert accounts > 10  # more than the page the table shows
    sheet, headers = _sheet(_download(at, offered_downloads, "accounts-by-risk", "xlsx"))
    assert sheet.max_row == accounts + 1
    arr = _typed(_column(sheet, headers, "ARR"), MONEY)
    assert all(value > 0 for value in arr)
    risks = _typed(_column(sheet, headers, "Churn risk"), RATE)
    assert all(0 <= value <= 1 for value in risks)
    _typed(_column(sheet, headers, "Contacts in window"), COUNT)
    names = [cell.value for cell in _column(sheet, headers, "Account")]
    # the formula is neutralised (a quote before it: the cell shows the text and never runs it), and is the first
    # row: the largest revenue at risk
    assert names[0] == "'" + HOSTILE_NAME
    assert not any(str(name).startswith("=") for name in names)
    at_risk = _typed(_column(sheet, headers, "Revenue at risk"), MONEY)
    assert at_risk == sorted(at_risk, reverse=True)  # largest first, as the page lists them
    rows = _csv_rows(_download(at, offered_downloads, "accounts-by-risk", "csv"))
    assert len(rows) == accounts
    assert rows[0]["Account"] == "'" + HOSTILE_NAME
    assert float(rows[0]["ARR"]) == pytest.approx(arr[0])  # "120000.0", never "$120K" or "120,000"

    silent = _count(hostile_risk_url, "select count(*) from marts.signal_silent_exodus_accounts"
                                      " where is_silent_exodus and churned_on between :start and :end",
                    {"start": start, "end": end})
    assert silent > 0
    sheet, headers = _sheet(_download(at, offered_downloads, "silent-exodus-accounts", "xlsx"))
    assert sheet.max_row == silent + 1
    assert all(cell.is_date for cell in _column(sheet, headers, "Churned on"))
    _typed(_column(sheet, headers, "Contacts"), COUNT)


# ---------------------------------------------------------------- Capacity


def test_capacity_interval_download_dates_each_interval(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str,
                                                        offered_downloads: dict[str, Any]) -> None:
    at = _app(monkeypatch, demo_warehouse_url, "capacity")
    assert not at.exception
    day = at.selectbox(key="capacity_day").value
    intervals = _count(demo_warehouse_url, "select count(distinct interval_start_local) from marts.capacity_intervals"
                                           " where channel = 'voice' and date_day = :day", {"day": day})
    assert intervals > 0
    sheet, headers = _sheet(_download(at, offered_downloads, f"voice-intervals-{day:%Y-%m-%d}", "xlsx"))
    assert sheet.max_row == intervals + 1
    starts = [cell.value for cell in _column(sheet, headers, "Interval from")]
    # each interval is its local date and time (not "09:30" as text), on the chosen day, in order
    assert all(isinstance(start, dt.datetime) and start.date() == day for start in starts)
    assert starts == sorted(starts)
    _typed(_column(sheet, headers, "Agents required"), COUNT)
    _typed(_column(sheet, headers, "Occupancy"), RATE)


# ---------------------------------------------------------------- Service trends


def test_service_trends_conversation_download(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str,
                                              offered_downloads: dict[str, Any]) -> None:
    week = {"start": "2026-10-25", "end": "2026-10-31"}
    at = _app(monkeypatch, demo_warehouse_url, "overview", week)
    assert not at.exception
    contacts = _count(demo_warehouse_url, "select count(*) from core.fct_interactions"
                                          " where date_day between :start and :end", week)
    transfers = _count(demo_warehouse_url, "select sum(count_transfers) from core.fct_interactions"
                                           " where date_day between :start and :end", week)
    assert contacts > EXPORT_PAGE_ROWS
    sheet, headers = _sheet(_download(at, offered_downloads, "conversations", "xlsx"))
    assert sheet.max_row == contacts + 1
    assert sum(_typed(_column(sheet, headers, "Transfers"), COUNT)) == transfers
    assert all(cell.is_date for cell in _column(sheet, headers, "Created (UTC)"))
    ids = [cell.value for cell in _column(sheet, headers, "Interaction")]
    assert len(set(ids)) == contacts
