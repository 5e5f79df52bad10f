"""The app's one connection to the warehouse, shared by every session as a cached resource.

Nothing here connects at import time: the Reader opens the warehouse on its first query.
"""

from __future__ import annotations

import streamlit as st

from etl.config import Settings, load_settings
from etl.warehouse import Reader, open_reader


def settings() -> Settings:
    """The settings of this run (cheap: one small file read, so a changed file is seen at once)."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def reader_for(url: str) -> Reader:
    """One Reader per warehouse URL, shared by all sessions (thread-safe; reopens a replaced file)."""
    return open_reader(url)
