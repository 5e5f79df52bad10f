"""The Audit log page's queries (dashboard/app_pages/audit_log/queries.py) on DuckDB and PostgreSQL: newest first,
page by page by keyset, by person, kind and days."""

from __future__ import annotations

import datetime as dt

from dashboard.app_pages.audit_log import queries as audit_queries
from etl.audit_log import AuditStore, open_audit_store

DAY = dt.datetime(2026, 5, 4, 9, 0)
# (event_id, minutes after DAY, identity, kind): ev3 and ev4 at the same instant, ev5 the day after
EVENTS = [("ev1", 0, "ann@example.com", "page_view"), ("ev2", 5, "bob@example.com", "export"),
          ("ev3", 10, "ann@example.com", "page_view"), ("ev4", 10, "ann@example.com", "denied"),
          ("ev5", 24 * 60, "ann@example.com", "page_view")]


def _store(url: str) -> AuditStore:
    store = open_audit_store(url)
    for event_id, minutes, identity, kind in EVENTS:
        store.append({"event_id": event_id, "occurred_at": DAY + dt.timedelta(minutes=minutes), "identity": identity,
                      "role": "analyst", "signed_in": True, "event_kind": kind, "page": "executive",
                      "session_id": "s1"})
    return store


def test_pages_newest_first_by_keyset_with_ties_broken_by_event_id(warehouse_url: str) -> None:
    store = _store(warehouse_url)
    try:
        may = audit_queries.EventFilter(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))
        first = audit_queries.event_page(store, may, None, rows=2)
        assert first["event_id"].tolist() == ["ev5", "ev4"]
        second = audit_queries.event_page(store, may, audit_queries.page_key(first), rows=2)
        assert second["event_id"].tolist() == ["ev3", "ev2"]
        third = audit_queries.event_page(store, may, audit_queries.page_key(second), rows=2)
        assert third["event_id"].tolist() == ["ev1"]
        assert [p["event_id"].tolist() for p in audit_queries.event_pages(store, may)] == [
            ["ev5", "ev4", "ev3", "ev2", "ev1"]]
        assert audit_queries.identities(store) == ["ann@example.com", "bob@example.com"]
    finally:
        store.close()


def test_a_person_kinds_and_days_narrow_the_events(warehouse_url: str) -> None:
    store = _store(warehouse_url)
    try:
        ann_views_on_the_4th = audit_queries.EventFilter(start=dt.date(2026, 5, 4), end=dt.date(2026, 5, 4),
                                                         identity="ann@example.com", kinds=("page_view", "denied"))
        assert audit_queries.event_page(store, ann_views_on_the_4th, None)["event_id"].tolist() == [
            "ev4", "ev3", "ev1"]
        bob_exports = audit_queries.EventFilter(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31),
                                                identity="bob@example.com", kinds=("export",))
        assert audit_queries.event_page(store, bob_exports, None)["event_id"].tolist() == ["ev2"]
        nobody = audit_queries.EventFilter(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31), identity="eve")
        assert audit_queries.event_page(store, nobody, None).empty
    finally:
        store.close()
