"""The audit log's events (dashboard/audit.py): what each kind holds, and a store that fails leaves the page be."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from dashboard import audit
from dashboard.filters import Filters
from etl.access import ALL_ROWS, Viewer

ANN = audit.Actor.of(Viewer(identity="ann@example.com", role="analyst", scope=ALL_ROWS, signed_in=True), "s1")
AT = dt.datetime(2026, 5, 4, 9, 30)


def test_a_page_view_holds_the_bound_filter_values_as_json() -> None:
    filters = Filters(dt.date(2026, 5, 1), dt.date(2026, 5, 31), channels=("chat", "voice"), teams=("Billing",),
                      compare="last_year", include_low_confidence=False)
    event = audit.page_view_event(ANN, "overview", filters, at=AT)
    assert json.loads(str(event["filters"])) == {
        "start": "2026-05-01", "end": "2026-05-31", "channels": ["chat", "voice"], "intents": [], "teams": ["Billing"],
        "queues": [], "segments": [], "sources": [], "compare": "last_year", "include_low_confidence": False}
    assert {k: event[k] for k in ("identity", "role", "signed_in", "event_kind", "page", "session_id")} == {
        "identity": "ann@example.com", "role": "analyst", "signed_in": True, "event_kind": "page_view",
        "page": "overview", "session_id": "s1"}
    assert event["occurred_at"] == AT and len(str(event["event_id"])) == 32


def test_an_export_holds_its_file_format_rows_and_columns() -> None:
    event = audit.export_event(ANN, "escalations", "cxpulse_escalations.xlsx", "xlsx", 130, ("Created (UTC)", "Intent"),
                               at=AT)
    assert [event["export_name"], event["export_format"], event["export_rows"]] == [
        "cxpulse_escalations.xlsx", "xlsx", 130]
    assert json.loads(str(event["export_columns"])) == ["Created (UTC)", "Intent"]
    assert event["filters"] is None and event["conversation_id"] is None
    pdf = audit.export_event(ANN, "executive", "pack.pdf", "pdf", None, None, at=AT)
    assert pdf["export_rows"] is None and pdf["export_columns"] is None


def test_a_denial_names_the_page_and_the_conversation() -> None:
    event = audit.denied_event(ANN, "escalations", "I5", at=AT)
    assert [event["event_kind"], event["page"], event["conversation_id"]] == ["denied", "escalations", "I5"]


def test_a_store_that_fails_is_logged_and_the_page_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    # nothing listens on port 1: the connection is refused
    unreachable = "postgresql+psycopg://auditor:s3cret-pw@127.0.0.1:1/nowhere"
    event = audit.denied_event(ANN, "audit-log", at=AT)
    with caplog.at_level(logging.ERROR, logger="cxpulse.dashboard"):
        assert audit.record(unreachable, event) is False
    assert "audit event not stored" in caplog.text and str(event["event_id"]) in caplog.text
    assert "s3cret-pw" not in caplog.text
