"""The one-row-per-conversation export for the current filters: every contact of the period and filters,
read from core in pages (keyset on interaction_id), never all at once."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from dashboard.filters import Filters
from dashboard.queries import _filter_params, _filter_sql
from dashboard.queries_keyset import EXPORT_PAGE_ROWS as EXPORT_PAGE_ROWS  # the export's page, re-exported
from dashboard.queries_keyset import SortKey, keyset_pages

# column -> header of the export
COLUMNS = {
    "interaction_id": "Interaction", "created_at": "Created (UTC)", "date_day": "Day", "source_system": "Source",
    "channel": "Channel",
    "service_path": "Service path", "intent": "Intent", "intent_basis": "Intent from", "queue_name": "Queue",
    "team_name": "Team",
    "segment": "Segment", "priority": "Priority", "status": "Status", "customer_key": "Customer",
    "account_id": "Account", "queue_wait_seconds": "Queue wait (s)",
    "first_reply_calendar_seconds": "First reply (s)", "first_reply_business_seconds": "First reply, business (s)",
    "resolution_calendar_seconds": "Time to resolution (s)", "handle_seconds": "Handle time (s)",
    "count_transfers": "Transfers", "count_reopens": "Reopens", "is_abandoned": "Abandoned",
    "is_escalated": "Escalated", "escalation_reason": "Escalation reason",
}
# the export's cells: counts as counts (the "(s)" columns stay plain numbers of seconds, as their headers say)
UNITS = {"count_transfers": "count", "count_reopens": "count"}
_LISTED = (
    "select * from (select i.interaction_id, i.created_at, i.date_day, i.source_system, i.channel, i.service_path,"
    " i.intent, i.intent_basis,"
    " coalesce(q.queue_name, i.queue_id) as queue_name, i.team_name, i.segment, i.priority, i.status,"
    " i.customer_key, i.account_id, i.queue_wait_seconds, i.first_reply_calendar_seconds,"
    " i.first_reply_business_seconds, i.resolution_calendar_seconds, i.handle_seconds, i.count_transfers,"
    " i.count_reopens, i.is_abandoned, i.is_escalated, i.escalation_reason"
    " from core.fct_interactions i left join core.dim_queues q on q.queue_id = i.queue_id) c"
    " where c.date_day between :start and :end and {filters}"
)
KEYS = (SortKey("interaction_id"),)


def conversation_pages(url: str, filters: Filters, page_rows: int | None = None) -> Iterator[pd.DataFrame]:
    """Pages of the export, in interaction-id order, by keyset (a fresh pass each call: the export runs on click)."""
    return keyset_pages(url, _LISTED.format(filters=_filter_sql()),
                        {"start": filters.start, "end": filters.end, **_filter_params(filters.lists)}, KEYS, page_rows)
