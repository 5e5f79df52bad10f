"""What the chosen dates leave out, and each source's data time: the notice under every page's header and the
"data up to" list in the sidebar (dashboard.source_time holds the rule and the queries)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import queries, source_time
from dashboard.formatting import format_count

NOTICE_KEY = "source_notice"


def _day(value: object) -> str:
    day = pd.Timestamp(value)
    return f"{day.day} {day:%b %Y}"


def render(ctx: object) -> None:
    """The sources and channels the sidebar keeps whose data lies wholly outside the dates: each with its first
    and last day, its contacts and a link to its own last days. Nothing when every one has data in the dates."""
    series = getattr(ctx, "series", None)
    filters = getattr(ctx, "filters", None)
    settings = getattr(ctx, "settings", None)
    if series is None or filters is None or settings is None or series.empty:
        return
    outside = source_time.series_outside(series, filters.start, filters.end, filters.sources, filters.channels)
    if outside.empty:
        return
    inside = len(source_time._kept(series, filters.sources, filters.channels)) - len(outside)
    lead = (f"{len(outside)} of the sources and channels chosen have no data between {_day(filters.start)} and "
            f"{_day(filters.end)}" if inside else
            f"None of the sources and channels chosen has data between {_day(filters.start)} and {_day(filters.end)}")
    with st.container(border=True, key=NOTICE_KEY):
        st.markdown(f":material/history: **{lead}.** Each keeps its own time: the dates follow the newest data "
                    f"of what is chosen, so older exports are not in this view. Open one at its own last "
                    f"{source_time.DEFAULT_DAYS} days:")
        for row in outside.itertuples(index=False):
            words = source_time.source_words(str(row.source_system), settings)
            label = (f"{words} · {row.channel}: {_day(row.first_day)} – {_day(row.last_day)}, "
                     f"{format_count(float(row.count_interactions or 0))} contacts")
            link = source_time.own_period_link(str(row.source_system), str(row.channel), row.own_start, row.own_end)
            st.link_button(source_time.plain_label(label), link, icon=":material/open_in_new:", type="tertiary",
                           help=f"Opens {_day(row.own_start)} – {_day(row.own_end)} with this source and channel "
                                "chosen, in a new tab.")


def sidebar_data_times(url: str, version: str) -> None:
    """Per configured source, the newest record it sent (data time) and when it was loaded: "as of" per source."""
    try:
        times = source_time.source_data_times(url, version)
    except queries.DataUnavailable:
        return
    if times.empty:
        return
    lines = []
    for row in source_time.data_time_rows(times).itertuples(index=False):
        data_to = "no data time" if pd.isna(row[1]) else f"data to {_day(row[1])}"
        loaded = "" if pd.isna(row[2]) else f", loaded {_day(row[2])}"
        lines.append(f"{source_time.plain_label(row[0])}: {data_to}{loaded}")
    st.sidebar.caption("**As of, per source** (newest record it sent, UTC)  \n" + "  \n".join(lines))
