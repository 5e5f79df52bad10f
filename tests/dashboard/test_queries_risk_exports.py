"""The Risk page's lists and their complete exports (dashboard.app_pages.risk.queries) on DuckDB and PostgreSQL,
over small
core and marts tables written here: the export holds every row in the order the page lists them, an unknown
revenue or ARR sorts last on both engines (PostgreSQL puts nulls first in a descending order unless told), ties
are broken by id, and the shown page is the export's first rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import streamlit as st

from dashboard.app_pages.risk import queries as queries_risk
from dashboard.filters import Filters
from etl.warehouse import open_writer

MAY = Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))
WINDOW = (dt.datetime(2026, 5, 1), dt.datetime(2026, 6, 1))
# account, ARR, churn risk, revenue at risk (= risk x ARR, null without an ARR), churned, contacts in the window
ACCOUNTS = [
    ("A1", 1000.0, 0.5, 500.0, False, 3),
    ("A2", None, 0.9, None, False, 1),
    ("A3", 2000.0, 0.25, 500.0, False, 1),
    ("A4", 4000.0, 0.9, 3600.0, True, 1),  # churned: never listed
    ("A5", 500.0, 0.2, 100.0, False, 0),   # no contact in its window: listed on its window's last day
]
# contact, account, created at, channel (I0 falls before A1's window)
CONTACTS = [
    ("I0", "A1", dt.datetime(2026, 4, 20, 9), "chat"),
    ("I1", "A1", dt.datetime(2026, 5, 12, 9), "chat"),
    ("I2", "A1", dt.datetime(2026, 5, 10, 10), "chat"),
    ("I3", "A1", dt.datetime(2026, 5, 10, 10), "voice"),  # the same minute as I2: ties by id
    ("I4", "A2", dt.datetime(2026, 5, 15, 8), "chat"),
    ("I5", "A3", dt.datetime(2026, 5, 16, 8), "voice"),
    ("I6", "A4", dt.datetime(2026, 5, 17, 8), "chat"),
]
# churned account, ARR, churned on, silent exodus
SILENT = [("S1", 300.0, dt.date(2026, 5, 3), True), ("S2", None, dt.date(2026, 5, 4), True),
          ("S3", 300.0, dt.date(2026, 5, 5), True), ("S4", 900.0, dt.date(2026, 5, 6), False),
          ("S5", 800.0, dt.date(2026, 4, 6), True)]


@pytest.fixture
def risk_url(warehouse_url: str) -> str:
    with open_writer(warehouse_url) as warehouse, warehouse.transaction():
        for schema in ("core", "marts"):
            warehouse.execute(f"create schema if not exists {schema}")
        warehouse.execute(
            "create table core.fct_account_risk (account_id varchar, account_name varchar, segment varchar,"
            " industry varchar, arr_amount double precision, churn_probability double precision, risk_band varchar,"
            " risk_points double precision, risk_method varchar, revenue_at_risk double precision, reason_1 varchar,"
            " reason_2 varchar, reason_3 varchar, count_window_contacts bigint, window_start_at timestamp,"
            " observation_at timestamp, is_churned boolean)")
        for account, arr, risk, at_risk, churned, contacts in ACCOUNTS:
            warehouse.execute(
                "insert into core.fct_account_risk values (:id, :name, 'smb', 'retail', :arr, :risk, 'high', null,"
                " 'logit', :at_risk, null, null, null, :contacts, :start, :end, :churned)",
                {"id": account, "name": f"Account {account}", "arr": arr, "risk": risk, "at_risk": at_risk,
                 "contacts": contacts, "start": WINDOW[0],
                 "end": dt.datetime(2026, 5, 20) if account == "A5" else WINDOW[1], "churned": churned})
        warehouse.execute("create table core.dim_queues (queue_id varchar, queue_name varchar)")
        warehouse.execute("insert into core.dim_queues values ('Q1', 'Billing queue')")
        warehouse.execute(
            "create table core.fct_interactions (interaction_id varchar, account_id varchar, created_at timestamp,"
            " date_day date, source_system varchar, channel varchar, intent varchar, intent_basis varchar,"
            " queue_id varchar,"
            " team_name varchar, service_path varchar, status varchar, is_abandoned boolean, is_escalated boolean,"
            " count_transfers bigint, queue_wait_seconds double precision)")
        for contact, account, created, channel in CONTACTS:
            warehouse.execute(
                "insert into core.fct_interactions values (:id, :account, :created, :day, 'desk', :channel,"
                " 'billing', 'vendor', 'Q1', 'Billing', 'human_only', 'solved', false, false, 0, 90.0)",
                {"id": contact, "account": account, "created": created, "day": created.date(), "channel": channel})
        warehouse.execute(
            "create table marts.signal_silent_exodus_accounts (account_id varchar, account_name varchar,"
            " segment varchar, industry varchar, arr_amount double precision, churned_on date, silence_kind varchar,"
            " count_contacts bigint, count_bot_only_contacts bigint, count_survey_answers bigint,"
            " last_contact_at timestamp, is_silent_exodus boolean)")
        for account, arr, churned_on, silent in SILENT:
            warehouse.execute(
                "insert into marts.signal_silent_exodus_accounts values (:id, :id, 'smb', 'retail', :arr, :day,"
                " 'went quiet', 0, 0, 0, null, :silent)", {"id": account, "arr": arr, "day": churned_on,
                                                           "silent": silent})
    st.cache_data.clear()
    return warehouse_url


def _ids(pages: list[pd.DataFrame], column: str) -> list[str]:
    return [str(value) for page in pages for value in page[column]]


@pytest.mark.parametrize("page_rows", [1, 3, None])
def test_every_account_in_the_page_order_unknown_revenue_last(risk_url: str, monkeypatch: pytest.MonkeyPatch,
                                                              page_rows: int | None) -> None:
    from dashboard import queries_keyset

    if page_rows is not None:
        monkeypatch.setattr(queries_keyset, "EXPORT_PAGE_ROWS", page_rows)
    pages = list(queries_risk.account_pages(risk_url, MAY))
    # by hand: A1 and A3 both 500 at risk (A1 first: churn risk 0.5 > 0.25), A5 100, A2 unknown last; A4 churned
    assert _ids(pages, "account_id") == ["A1", "A3", "A5", "A2"]
    # A1's contacts in its window within May: I1, I2, I3 (I0 is before the window)
    assert _ids(pages, "count_matching_contacts")[0] == "3"
    shown = queries_risk.accounts_at_risk(risk_url, "v1", MAY.start, MAY.end, MAY.lists, 0)
    assert shown["account_id"].tolist() == ["A1", "A3", "A5", "A2"] and set(shown["total_rows"]) == {4}


def test_a_filter_applies_to_the_export(risk_url: str) -> None:
    chat = Filters(start=MAY.start, end=MAY.end, channels=("chat",))
    # chat contacts in May: A1 (I1, I2) and A2 (I4); A3 has voice only, A5 none
    assert _ids(list(queries_risk.account_pages(risk_url, chat)), "account_id") == ["A1", "A2"]


def test_every_contact_of_an_account_newest_first(risk_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import queries_keyset

    monkeypatch.setattr(queries_keyset, "EXPORT_PAGE_ROWS", 1)
    pages = list(queries_risk.account_contact_pages(risk_url, "A1"))
    assert _ids(pages, "interaction_id") == ["I1", "I2", "I3"]  # I2 and I3 tie on the minute: by id
    assert _ids(pages, "queue_name") == ["Billing queue"] * 3


def test_every_silent_account_largest_arr_first(risk_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import queries_keyset

    monkeypatch.setattr(queries_keyset, "EXPORT_PAGE_ROWS", 2)
    pages = list(queries_risk.silent_exodus_account_pages(risk_url, MAY))
    # silent and churned in May: S1 and S3 (300 each, by id), S2 (ARR unknown, last); S4 not silent, S5 in April
    assert _ids(pages, "account_id") == ["S1", "S3", "S2"]
    shown = queries_risk.silent_exodus_accounts(risk_url, "v1", MAY.start, MAY.end, MAY.lists, 0)
    assert shown["account_id"].tolist() == ["S1", "S3", "S2"]
