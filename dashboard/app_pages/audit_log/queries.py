"""Queries of the Audit log page over the audit store (etl.audit_log: ops.audit_events on PostgreSQL, the app's
sidecar on DuckDB): events of the chosen person, kinds and days, newest first, a page at a time by keyset.

Not cached: an event recorded a second ago must show. Column and table names are constants; values are bound.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.queries_keyset import SortKey, bound_value, keyset_pages, keyset_sql
from etl.audit_log import COLUMN_LIST, AuditStore

PAGE_ROWS = 100
NEWEST_FIRST = (SortKey("occurred_at", descending=True), SortKey("event_id", descending=True))


@dataclass(frozen=True)
class EventFilter:
    """Which events: one person (None: everyone), some kinds (empty: all), the days from `start` to `end` (UTC)."""

    start: dt.date
    end: dt.date
    identity: str | None = None
    kinds: tuple[str, ...] = ()


def listed_sql(chosen: EventFilter) -> tuple[str, dict[str, Any]]:
    """The events of the filter as a select over `{events}`, with its bound values (pure)."""
    conditions = ["occurred_at >= :start_at", "occurred_at < :end_before"]
    params: dict[str, Any] = {
        "start_at": dt.datetime.combine(chosen.start, dt.time()),
        "end_before": dt.datetime.combine(chosen.end + dt.timedelta(days=1), dt.time()),
    }
    if chosen.identity is not None:
        conditions.append("identity = :identity")
        params["identity"] = chosen.identity
    if chosen.kinds:
        conditions.append("event_kind in (" + ", ".join(f":kind_{i}" for i in range(len(chosen.kinds))) + ")")
        params.update({f"kind_{i}": kind for i, kind in enumerate(chosen.kinds)})
    return f"select {COLUMN_LIST} from {{events}} as events where {' and '.join(conditions)}", params


def page_key(frame: pd.DataFrame) -> tuple[Any, ...]:
    """The keyset position after the frame's last row (the next page starts after it)."""
    last = frame.iloc[-1]
    return tuple(bound_value(last[key.column]) for key in NEWEST_FIRST)


def event_page(store: AuditStore, chosen: EventFilter, after: Sequence[Any] | None,
               rows: int = PAGE_ROWS) -> pd.DataFrame:
    """One page of events, newest first: the first, or the one after the keyset position `after`."""
    listed, params = listed_sql(chosen)
    bound = {**params, "limit": rows}
    if after is not None:
        bound.update({f"key_{i}": value for i, value in enumerate(after)})
    return store.query_df(keyset_sql(listed, NEWEST_FIRST, after=after is not None), bound)


def event_pages(store: AuditStore, chosen: EventFilter) -> Iterator[pd.DataFrame]:
    """Every event of the filter, newest first, page by page (the CSV export)."""
    listed, params = listed_sql(chosen)
    return keyset_pages("", listed, params, NEWEST_FIRST, run=store.query_df)


def identities(store: AuditStore) -> list[str]:
    """Everyone with an event, for the person filter."""
    return [str(v) for v in store.query_df("select distinct identity from {events} order by identity")["identity"]]
