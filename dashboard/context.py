"""Pages: one module per question, each with a `render()` that only orchestrates (no SQL, no metric maths).

The router (dashboard/app.py) reads the global filters and the run information once per script run and
hands them to pages as a PageContext kept in the session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.filters import Filters
from dashboard.formatting import format_as_of
from dashboard.widgets import source_notice
from etl.access import OPEN_MODE_VIEWER, Viewer
from etl.config import Settings

CONTEXT_KEY = "cxpulse_page_context"


@dataclass(frozen=True)
class PageContext:
    settings: Settings
    warehouse_url: str
    version: str
    filters: Filters
    first_day: dt.date | None
    last_day: dt.date | None
    as_of: pd.Timestamp | None
    unavailable: str | None = None
    # per source system x channel: first and last day with contacts (dashboard.source_time.series_bounds)
    series: pd.DataFrame | None = None
    viewer: Viewer = OPEN_MODE_VIEWER
    """Who is looking (dashboard.sign_in): every query of the page is scoped to them."""

    @property
    def timezone(self) -> str:
        return self.settings.metrics.reporting_timezone


def set_context(context: PageContext) -> None:
    st.session_state[CONTEXT_KEY] = context


def context() -> PageContext:
    value = st.session_state.get(CONTEXT_KEY)
    if not isinstance(value, PageContext):
        raise RuntimeError("pages run under dashboard/app.py, which sets the page context first")
    return value


def page_header(title: str, question: str, ctx: PageContext) -> None:
    """Title, the question the page answers, and the data's freshness."""
    st.title(title)
    as_of = format_as_of(ctx.as_of.to_pydatetime() if ctx.as_of is not None else None, ctx.timezone)
    period = f"{ctx.filters.start:%d %b %Y} – {ctx.filters.end:%d %b %Y}"
    st.caption(f"{question}  \n{period} · {as_of} · days counted in {ctx.timezone}")
    if not ctx.unavailable:
        source_notice.render(ctx)
