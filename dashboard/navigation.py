"""The menu a viewer gets: the pages they may open (etl.access.Viewer.may_open_page, keyed by url_path), and at the
URL of every other page a plain "no access" message instead of the page, so a shared link to a page the viewer may
not open says so (not Streamlit's "Page not found", not a silent redirect) and runs none of its queries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from etl.access import Viewer

DENIED_TITLE = "No access"
DENIED_MESSAGE = "You don't have access to this page."


def denied_page() -> None:
    """What a page the viewer may not open shows at its URL: a heading and one plain sentence, no data."""
    st.title(DENIED_TITLE)
    st.text(DENIED_MESSAGE)


def _denied(page: StreamlitPage) -> StreamlitPage:
    return st.Page(denied_page, title=DENIED_TITLE, url_path=page.url_path, visibility="hidden")


def pages_for(pages: Mapping[str, Sequence[StreamlitPage]], viewer: Viewer) -> dict[str, list[StreamlitPage]]:
    """The navigation of `viewer`: the pages they may open as they are; every other page hidden from the menu and
    answering its URL with `denied_page`. Sections left with no visible page drop out of the menu by themselves."""
    return {section: [page if viewer.may_open_page(page.url_path) else _denied(page) for page in section_pages]
            for section, section_pages in pages.items()}


def identity_line(viewer: Viewer) -> str:
    """The sidebar's plain-text line naming who is signed in and with which role."""
    return f"Signed in as {viewer.identity} · {viewer.role}"
