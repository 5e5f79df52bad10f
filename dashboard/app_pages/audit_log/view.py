"""Audit log (administrators only): who viewed which page with which filters, who opened which conversation, who
exported what, and who was refused; by person, kind and days, newest first, a page at a time, with the whole
selection as CSV (an export that is itself recorded). Values come from the store as data: shown in a table, never
as Markdown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import audit, audit_session
from dashboard.app_pages.audit_log import queries as audit_queries
from dashboard.context import PageContext, context
from dashboard.download_buttons import naming_for, streamed_table_download_buttons

PAGE = "audit_log"
URL_PATH = "audit-log"
TITLE = "Audit log"
QUESTION = "Who viewed which page with which filters, opened which conversation, exported what, and was refused?"
DEFAULT_DAYS = 30
EVERYONE = "Everyone"
KIND_WORDS = {audit.PAGE_VIEW: "Page view", audit.CONVERSATION_OPENED: "Conversation opened",
              audit.EXPORT: "Export", audit.DENIED: "Denied"}
POSITIONS_KEY = "audit_log_positions"
"""The keyset position of each page shown before the current one, and the filter they belong to."""
HEADERS = {
    "occurred_at": "When (UTC)", "identity": "Person", "role": "Role", "signed_in": "Signed in",
    "event_kind": "What", "page": "Page", "filters": "Filters", "conversation_id": "Conversation",
    "export_name": "File", "export_format": "Format", "export_rows": "Rows", "export_columns": "Columns",
    "session_id": "Session", "event_id": "Event id",
}
DENIAL = "The audit log is for administrators. Your role does not include it; ask an administrator if you need it."


def table_frame(events: pd.DataFrame) -> pd.DataFrame:
    """Events as the table and the CSV show them (pure): kinds in words, readable headers, in HEADERS' order."""
    shown = events.assign(event_kind=events["event_kind"].map(lambda kind: KIND_WORDS.get(kind, kind)))
    return shown[list(HEADERS)].rename(columns=HEADERS)


def _chosen_filter(people: list[str]) -> audit_queries.EventFilter:
    today = dt.datetime.now(dt.UTC).date()
    person, kinds, days = st.columns([2, 3, 2])
    with person:
        identity = st.selectbox("Person", [EVERYONE, *people], key="audit_log_person")
    with kinds:
        chosen_kinds = st.multiselect("What", list(KIND_WORDS), format_func=KIND_WORDS.get, key="audit_log_kinds",
                                      placeholder="Everything")
    with days:
        picked = st.date_input("Days (UTC)", (today - dt.timedelta(days=DEFAULT_DAYS - 1), today),
                               key="audit_log_days", format="YYYY-MM-DD")
    start, end = (picked[0], picked[-1]) if isinstance(picked, tuple | list) and picked else (today, today)
    return audit_queries.EventFilter(start=start, end=end, identity=None if identity == EVERYONE else identity,
                                     kinds=tuple(chosen_kinds))


def _positions(chosen: audit_queries.EventFilter) -> list[Any]:
    """The positions of the pages before this one; a changed filter starts again at the newest page."""
    kept = st.session_state.get(POSITIONS_KEY)
    if not kept or kept[0] != chosen:
        kept = (chosen, [])
        st.session_state[POSITIONS_KEY] = kept
    return kept[1]


def _table(ctx: PageContext, chosen: audit_queries.EventFilter) -> None:
    store = audit.store_for(audit_session.store_url(ctx))
    positions = _positions(chosen)
    frame = audit_queries.event_page(store, chosen, positions[-1] if positions else None)
    if frame.empty:
        st.info("No event in this selection." if not positions else "No older event in this selection.")
    else:
        st.caption(f"Page {len(positions) + 1}, newest first, {audit_queries.PAGE_ROWS} events a page.")
        st.dataframe(table_frame(frame), hide_index=True, width="stretch", column_config={
            "When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
            "Rows": st.column_config.NumberColumn(format="%d"),
        })
    newer, older = st.columns(2)
    with newer:
        if st.button("Newer events", disabled=not positions, key="audit_log_newer"):
            positions.pop()
            st.rerun()
    with older:
        if st.button("Older events", disabled=len(frame) < audit_queries.PAGE_ROWS, key="audit_log_older"):
            positions.append(audit_queries.page_key(frame))
            st.rerun()
    with st.expander("Download the selection"):
        st.caption("Every event of the selection, newest first. The download is itself recorded in the log.")
        streamed_table_download_buttons(
            lambda: (table_frame(page) for page in audit_queries.event_pages(store, chosen)),
            subject="Audit log", naming=naming_for(PAGE, ctx))


def render() -> None:
    ctx = context()
    st.title(TITLE)
    st.caption(QUESTION)
    if not ctx.viewer.capabilities.audit_log:
        audit_session.denied(ctx, URL_PATH)
        st.error(DENIAL, icon=":material/block:")
        return
    store = audit.store_for(audit_session.store_url(ctx))
    chosen = _chosen_filter(audit_queries.identities(store))
    _table(ctx, chosen)
