"""The note under a by-intent figure: how its intents were found (one plain-text line), and per intent the
"found by" column in a small table. Intent names come from exports: st.text and st.dataframe only."""

from __future__ import annotations

import streamlit as st

from dashboard import intent_sources, queries_intent_sources
from dashboard.context import PageContext


def intent_source_note(ctx: PageContext, view: str, *, table: bool = True) -> str:
    """Draw the line (and, when `table`, the per-intent table in an expander) for a view of
    queries_intent_sources.SOURCES; returns the line."""
    line = intent_sources.source_line(
        queries_intent_sources.intent_sources(ctx.warehouse_url, ctx.version, view, ctx.filters))
    st.text(line)
    if table:
        by_intent = queries_intent_sources.intent_sources_by_intent(ctx.warehouse_url, ctx.version, view, ctx.filters)
        found = intent_sources.found_by(by_intent)
        if found:
            with st.expander("How each intent was found"):
                frame = by_intent.groupby("intent", as_index=False)["contacts"].sum()
                frame = intent_sources.with_found_by(frame.sort_values(["contacts", "intent"],
                                                                       ascending=[False, True]), found)
                st.dataframe(frame.rename(columns={"intent": "Intent", "found by": "Found by",
                                                   "contacts": "Contacts"}),
                             hide_index=True, width="stretch")
    return line
