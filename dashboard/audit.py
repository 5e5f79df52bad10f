"""The audit log's events (docs/audit.md): pure builders, and `record`, the one function that stores one.

An event names who (the viewer's identity and role, whether they signed in, the browser session), when (UTC) and
what: a page viewed with the bound values of its filters, a conversation opened, a file exported (its name,
format, data rows and column headers), or a page or conversation refused. No other personal data, never a secret.

Fail open: a failure to store an event is logged (logger cxpulse.dashboard, with the event's fields) and the page
goes on. The audit log records what people did; it does not guard the data (the sign-in, the role gate and the
data-access layer do), so an unavailable log store must not take the dashboard down with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dashboard.filters import Filters
from dashboard.page_errors import logger
from etl.access import Viewer
from etl.audit_log import AuditStore, open_audit_store

PAGE_VIEW = "page_view"
CONVERSATION_OPENED = "conversation_opened"
EXPORT = "export"
DENIED = "denied"
EVENT_KINDS: tuple[str, ...] = (PAGE_VIEW, CONVERSATION_OPENED, EXPORT, DENIED)


@dataclass(frozen=True)
class Actor:
    """Who does something: the viewer of one browser session."""

    identity: str
    role: str
    signed_in: bool
    session_id: str

    @classmethod
    def of(cls, viewer: Viewer, session_id: str) -> Actor:
        return cls(viewer.identity, viewer.role, viewer.signed_in, session_id)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def filters_json(filters: Filters) -> str:
    """The bound values of the global filters as JSON (pure): dates as ISO days, lists as lists, keys sorted."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(filters):
        value = getattr(filters, field.name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        values[field.name] = value
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


def _event(actor: Actor, kind: str, at: dt.datetime | None, **what: Any) -> dict[str, Any]:
    return {
        "event_id": uuid.uuid4().hex, "occurred_at": at or utc_now(), "identity": actor.identity,
        "role": actor.role, "signed_in": actor.signed_in, "event_kind": kind, "session_id": actor.session_id,
        "page": None, "filters": None, "conversation_id": None, "export_name": None, "export_format": None,
        "export_rows": None, "export_columns": None, **what,
    }


def page_view_event(actor: Actor, page: str, filters: Filters, at: dt.datetime | None = None) -> dict[str, Any]:
    return _event(actor, PAGE_VIEW, at, page=page, filters=filters_json(filters))


def conversation_event(actor: Actor, page: str, conversation_id: str,
                       at: dt.datetime | None = None) -> dict[str, Any]:
    return _event(actor, CONVERSATION_OPENED, at, page=page, conversation_id=conversation_id)


def export_event(actor: Actor, page: str, export_name: str, export_format: str, rows: int | None,
                 columns: Sequence[str] | None, at: dt.datetime | None = None) -> dict[str, Any]:
    """A file built for a download: `rows` data rows (None: not a table, e.g. the PDF pack), its column headers."""
    return _event(actor, EXPORT, at, page=page, export_name=export_name, export_format=export_format,
                  export_rows=rows, export_columns=None if columns is None else json.dumps([str(c) for c in columns],
                                                                                         ensure_ascii=False))


def denied_event(actor: Actor, page: str, conversation_id: str | None = None,
                 at: dt.datetime | None = None) -> dict[str, Any]:
    """A page (or a conversation on it) refused to this actor."""
    return _event(actor, DENIED, at, page=page, conversation_id=conversation_id)


_stores: dict[str, AuditStore] = {}
_stores_lock = threading.Lock()


def store_for(warehouse_url: str) -> AuditStore:
    """One store per warehouse URL in this process (thread-safe: downloads record from their own thread)."""
    with _stores_lock:
        if warehouse_url not in _stores:
            _stores[warehouse_url] = open_audit_store(warehouse_url)
        return _stores[warehouse_url]


def record(warehouse_url: str, event: dict[str, Any]) -> bool:
    """Store one event; False (logged, the page goes on) when it could not be stored: fail open."""
    try:
        store_for(warehouse_url).append(event)
    except Exception as error:  # any failure of the store: logged, never shown, never raised into a page
        unstored = {key: (value.isoformat() if isinstance(value, dt.datetime) else value)
                    for key, value in event.items()}
        logger().error("audit event not stored (%s: %s): %s", type(error).__name__, error,
                       json.dumps(unstored, ensure_ascii=False))
        return False
    return True


@dataclass(frozen=True)
class ExportAudit:
    """What a page's download buttons need to record the files they make: the store, who, and the page."""

    warehouse_url: str
    actor: Actor
    page: str

    def exported(self, export_name: str, export_format: str, rows: int | None,
                 columns: Sequence[str] | None) -> bool:
        return record(self.warehouse_url, export_event(self.actor, self.page, export_name, export_format, rows,
                                                       columns))
