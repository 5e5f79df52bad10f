"""What a page says where the viewer's role or scope withholds something (plain text, never Markdown).

The wording is fixed here so that every page says the same, and so that an out-of-scope conversation and one that
does not exist read alike (whether a conversation exists is not leaked).
"""

from __future__ import annotations

import streamlit as st

from etl.access import Viewer

NOT_FOUND_OR_OUT_OF_SCOPE = "This conversation was not found or is not in your scope."
AGGREGATES_ONLY = ("Your role sees aggregate figures only: conversation lists, transcripts and customers' journeys "
                   "are not shown.")
ROW_EXPORTS_WITHHELD = "Row-level downloads (one row per conversation) are not available for your role."
NO_DATA_IN_SCOPE = "No data in your scope."
NOT_AVAILABLE_FOR_SCOPE = "Not available for your scope."
PAYLOAD_HIDDEN = "payload hidden (admin only)"


def may_open_conversations(viewer: Viewer) -> bool:
    return viewer.capabilities.conversations


def may_export_rows(viewer: Viewer) -> bool:
    return viewer.capabilities.row_exports


def conversation_not_found() -> None:
    st.info(NOT_FOUND_OR_OUT_OF_SCOPE, icon=":material/search_off:")


def aggregates_only() -> None:
    st.info(AGGREGATES_ONLY, icon=":material/lock:")


def row_exports_withheld() -> None:
    st.caption(ROW_EXPORTS_WITHHELD)


def no_data_in_scope() -> None:
    st.info(NO_DATA_IN_SCOPE, icon=":material/lock:")


def not_available_for_scope() -> None:
    st.info(NOT_AVAILABLE_FOR_SCOPE, icon=":material/lock:")
