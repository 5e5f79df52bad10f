"""The audit log through the app (AppTest, DuckDB and PostgreSQL): a page visit with its filters, a conversation
opened, an export, a manager refused the Audit log page, and the admin's page listing the events."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import audit_events
from tests.dashboard.conftest import open_page

# The low-confidence toggle is pinned off through the URL: AppTest's reruns send a toggle whose value comes from the
# session state as off, which would make every rerun a changed filter.
MAY = {"start": "2026-05-01", "end": "2026-05-31", "low_confidence": "exclude"}
MAY_FILTERS = {"start": "2026-05-01", "end": "2026-05-31", "compare": "previous", "include_low_confidence": False,
               "channels": [], "intents": [], "queues": [], "segments": [], "sources": [], "teams": []}
OPEN_MODE = ["local user (open mode)", "admin", False]
WHO_WHAT = ["identity", "role", "signed_in", "event_kind", "page"]
AUDIT_CSV_HEADERS = ["When (UTC)", "Person", "Role", "Signed in", "What", "Page", "Filters", "Conversation", "File",
                     "Format", "Rows", "Columns", "Session", "Event id"]


def _rows(url: str, columns: list[str]) -> list[list[Any]]:
    """The events' values of `columns`, oldest first, as plain Python values (a missing one as None)."""
    frame = audit_events(url)[columns].astype(object)
    return [[None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row] for row in frame.values]


def test_a_page_visit_is_recorded_once_with_its_filters_and_again_when_they_change(
        monkeypatch: pytest.MonkeyPatch, audited_small_url: str) -> None:
    at = open_page(monkeypatch, audited_small_url, "executive", MAY)
    assert not at.exception
    at.run()  # a rerun of the same view is not a visit
    assert _rows(audited_small_url, WHO_WHAT) == [[*OPEN_MODE, "page_view", "executive"]]
    assert json.loads(audit_events(audited_small_url).at[0, "filters"]) == MAY_FILTERS

    at.sidebar.multiselect(key="filter_channel").select("chat").run()
    events = audit_events(audited_small_url)
    assert _rows(audited_small_url, WHO_WHAT) == [[*OPEN_MODE, "page_view", "executive"]] * 2
    assert json.loads(events.at[1, "filters"]) == {**MAY_FILTERS, "channels": ["chat"]}
    assert events["session_id"].nunique() == 1


def test_an_opened_conversation_and_its_export_are_recorded(monkeypatch: pytest.MonkeyPatch,
                                                            audited_small_url: str,
                                                            offered_downloads: dict[str, Any]) -> None:
    at = open_page(monkeypatch, audited_small_url, "escalations", {**MAY, "conversation": "I5"})
    assert not at.exception
    at.run()
    assert _rows(audited_small_url, [*WHO_WHAT, "conversation_id"]) == [
        [*OPEN_MODE, "page_view", "executive", None],
        [*OPEN_MODE, "page_view", "escalations", None],
        [*OPEN_MODE, "conversation_opened", "escalations", "I5"],
    ]

    # the conversations export of May: I5 is the fixture's one escalated conversation
    name, download = next((name, d) for name, d in offered_downloads.items()
                          if "escalated-conversations" in name and name.endswith(".csv"))
    lines = list(csv.reader(io.StringIO(download.make().decode("utf-8-sig"))))
    assert len(lines) == 2 and "I5" in lines[1] and lines[1][0] == "2026-05-05 13:00:00"
    export = audit_events(audited_small_url).iloc[-1]
    assert [export["event_kind"], export["page"], export["export_name"], export["export_format"]] == [
        "export", "escalations", name, "csv"]
    assert int(export["export_rows"]) == 1
    assert json.loads(export["export_columns"]) == lines[0]


def _manager_visits_the_audit_log() -> None:
    """The router's visit of /audit-log by a Billing manager (AppTest cannot open a page by its URL, and for a
    manager that URL is the router's denial page, dashboard/navigation.py, which the browser suite checks)."""
    import datetime as dt

    from dashboard import audit_session
    from dashboard.context import PageContext
    from dashboard.filters import Filters
    from etl.access import MANAGER, Scope, Viewer
    from etl.config import load_settings

    settings = load_settings()
    viewer = Viewer(identity="mia@example.com", role=MANAGER, scope=Scope(teams=("Billing",)), signed_in=True)
    ctx = PageContext(settings=settings, warehouse_url=settings.warehouse_url, version="test",
                      filters=Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31)), first_day=None,
                      last_day=None, as_of=None, viewer=viewer)
    audit_session.visit(ctx, "executive")
    audit_session.visit(ctx, "audit-log")


def test_a_manager_opening_the_audit_log_is_denied_and_the_denial_is_recorded(
        monkeypatch: pytest.MonkeyPatch, audited_small_url: str) -> None:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", audited_small_url)
    at = AppTest.from_function(_manager_visits_the_audit_log, default_timeout=60).run()
    assert not at.exception
    manager = ["mia@example.com", "manager", True]
    assert _rows(audited_small_url, WHO_WHAT) == [[*manager, "page_view", "executive"],
                                                  [*manager, "denied", "audit-log"]]


def test_the_admin_page_lists_the_events_newest_first_and_its_export_is_recorded(
        monkeypatch: pytest.MonkeyPatch, audited_small_url: str, offered_downloads: dict[str, Any]) -> None:
    at = open_page(monkeypatch, audited_small_url, "audit_log", MAY)
    assert not at.exception
    assert not at.error
    table = at.dataframe[0].value
    assert table[["Person", "What", "Page"]].values.tolist() == [
        ["local user (open mode)", "Page view", "audit-log"],
        ["local user (open mode)", "Page view", "executive"],
    ]
    assert list(table.columns) == AUDIT_CSV_HEADERS

    name, download = next((name, d) for name, d in offered_downloads.items() if name.endswith(".csv"))
    lines = list(csv.reader(io.StringIO(download.make().decode("utf-8-sig"))))
    assert lines[0] == AUDIT_CSV_HEADERS
    assert [row[5] for row in lines[1:]] == ["audit-log", "executive"]
    export = audit_events(audited_small_url).iloc[-1]
    assert [export["identity"], export["event_kind"], export["page"], export["export_name"],
            export["export_format"], int(export["export_rows"])] == [
        "local user (open mode)", "export", "audit-log", name, "csv", 2]
    assert json.loads(export["export_columns"]) == AUDIT_CSV_HEADERS

    # only exports: the one just made; filtering the page's own table is no new visit
    at.multiselect(key="audit_log_kinds").select("export").run()
    assert at.dataframe[0].value[["What", "Page", "File"]].values.tolist() == [["Export", "audit-log", name]]
    assert len(audit_events(audited_small_url)) == 3


def test_the_audit_log_of_a_warehouse_never_built_lists_the_visits(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'never_built.duckdb'}"
    at = open_page(monkeypatch, url, "audit_log")
    assert not at.exception and not at.error
    assert at.dataframe[0].value[["What", "Page"]].values.tolist() == [["Page view", "audit-log"],
                                                                       ["Page view", "executive"]]
