"""Time per source: each source system and channel keeps its own data time, and the default period follows it.

The rule (README, "Dates per source"): the dates default to the last DEFAULT_DAYS days ending at the newest day
with data among the sources and channels the sidebar keeps (all of them when none is chosen). A source system x
channel whose data lies wholly outside the dates is listed in a notice with its own first and last day, its
contacts and a link to its own last DEFAULT_DAYS days, so an older export is never hidden behind a newer one.

Queries read marts.service_daily (one cheap group-by) and the pipeline's own stream state (the newest record
time each configured source sent, and when it was loaded). The rest is pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.filters import DEFAULT_DAYS, default_filters
from etl.config import Settings

SERIES_COLUMNS = ["source_system", "channel", "first_day", "last_day", "count_interactions"]
REPORT_COLUMNS = ["source_system", "channel", "first_day", "last_day", "count_intervals", "count_dated_intervals"]
SOURCE_TIME_COLUMNS = ["source_name", "newest_record_at", "last_loaded_at", "streams", "rows_loaded"]


# ---------------------------------------------------------------- queries


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def series_bounds(url: str, version: str) -> pd.DataFrame:
    """One row per source system x channel of marts.service_daily: first and last day with contacts, and the
    contacts counted (the catalog's `interactions` numerator)."""
    frame = queries._query(
        url,
        "select cast(source_system as varchar) as source_system, cast(channel as varchar) as channel,"
        " min(date_day) as first_day, max(date_day) as last_day,"
        " cast(sum(count_interactions) as bigint) as count_interactions"
        f" from {queries.SERVICE_MART} group by 1, 2 order by 4 desc, 1, 2",
    )
    frame = frame.reindex(columns=SERIES_COLUMNS)
    for column in ("first_day", "last_day"):
        frame[column] = [pd.Timestamp(v).date() if pd.notna(v) else None for v in frame[column]]
    return frame


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def report_bounds(url: str, version: str) -> pd.DataFrame:
    """One row per source system x channel of the queue interval reports (marts.service_queue_intervals): their
    first and last day (None when no interval carries a start time), intervals and intervals with a date.
    Empty when the warehouse predates the mart."""
    try:
        frame = queries._query(
            url,
            "select cast(source_system as varchar) as source_system, cast(channel as varchar) as channel,"
            " min(date_day) as first_day, max(date_day) as last_day,"
            " cast(count(*) as bigint) as count_intervals, cast(count(date_day) as bigint) as count_dated_intervals"
            " from marts.service_queue_intervals group by 1, 2 order by 1, 2",
        )
    except queries.DataUnavailable:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    frame = frame.reindex(columns=REPORT_COLUMNS)
    for column in ("first_day", "last_day"):
        frame[column] = [pd.Timestamp(v).date() if pd.notna(v) else None for v in frame[column]]
    return frame


@st.cache_data(ttl=queries.RUNS_TTL_SECONDS, show_spinner=False)
def source_data_times(url: str, version: str) -> pd.DataFrame:
    """One row per configured source (ops.stream_state): the newest record time it sent (its streams' newest
    watermark: data time, naive UTC; None when no record carries a time), when it last loaded a file (naive UTC),
    its streams and rows loaded."""
    frame = queries._query(
        url,
        "select source_name, max(watermark) as newest_record_at, max(updated_at) as last_loaded_at,"
        " string_agg(stream, ', ' order by stream) as streams, cast(sum(rows_loaded) as bigint) as rows_loaded"
        " from ops.stream_state group by source_name order by source_name",
    )
    return frame.reindex(columns=SOURCE_TIME_COLUMNS)


# ---------------------------------------------------------------- the rule (pure)

_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$")


def plain_label(text: str) -> str:
    """A text from the data made safe for Streamlit text that reads Markdown (labels, captions): every special
    character backslash-escaped, line breaks flattened (pure)."""
    flat = " ".join(str(text).split())
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in flat)



def _kept(series: pd.DataFrame, sources: Iterable[str], channels: Iterable[str]) -> pd.DataFrame:
    sources, channels = tuple(sources), tuple(channels)
    kept = series
    if sources:
        kept = kept[kept["source_system"].isin(sources)]
    if channels:
        kept = kept[kept["channel"].isin(channels)]
    return kept


def newest_day(series: pd.DataFrame, sources: Iterable[str] = (), channels: Iterable[str] = ()) -> dt.date | None:
    """The newest day with data among the series the source and channel filters keep; when they keep none, the
    newest day of all series; None without data."""
    if series.empty:
        return None
    kept = _kept(series, sources, channels)
    days = [d for d in (kept if not kept.empty else series)["last_day"] if d is not None]
    return max(days) if days else None


def oldest_day(series: pd.DataFrame, sources: Iterable[str] = (), channels: Iterable[str] = ()) -> dt.date | None:
    """The first day with data among the series the source and channel filters keep (all when they keep none)."""
    if series.empty:
        return None
    kept = _kept(series, sources, channels)
    days = [d for d in (kept if not kept.empty else series)["first_day"] if d is not None]
    return min(days) if days else None


def own_period(last_day: dt.date, days: int = DEFAULT_DAYS) -> tuple[dt.date, dt.date]:
    """A series' own default period: its last `days` days."""
    own = default_filters(last_day, last_day, days)
    return own.start, own.end


def series_outside(series: pd.DataFrame, start: dt.date, end: dt.date, sources: Iterable[str] = (),
                   channels: Iterable[str] = ()) -> pd.DataFrame:
    """The series the source and channel filters keep that have no day within start..end (their data lies wholly
    before or after), newest first, with their own last-DEFAULT_DAYS period."""
    kept = _kept(series, sources, channels)
    outside = kept[[(last is not None and last < start) or (first is not None and first > end)
                    for first, last in zip(kept["first_day"], kept["last_day"], strict=True)]].copy()
    periods = [own_period(day) for day in outside["last_day"]]
    outside["own_start"] = [p[0] for p in periods]
    outside["own_end"] = [p[1] for p in periods]
    return outside.sort_values(["last_day", "source_system", "channel"], ascending=[False, True, True],
                               ignore_index=True)


def own_period_link(source_system: str, channel: str, start: dt.date, end: dt.date) -> str:
    """The query string that opens one series' own period on the current page (values URL-encoded)."""
    return "?" + urlencode({"source": source_system, "channel": channel, "start": start.isoformat(),
                            "end": end.isoformat()})


def source_words(source_system: str, settings: Settings) -> str:
    """A source system in words, with the configured sources of that format: "mapped (helpdesk, twitter)"."""
    names = [source.name for source in settings.sources if source.format == source_system]
    return f"{source_system} ({', '.join(names)})" if names else source_system


def data_time_rows(times: pd.DataFrame) -> pd.DataFrame:
    """Per configured source: the newest record time (data time) and the last load time, as a reader sees them
    (pure)."""
    return pd.DataFrame({
        "Source": times["source_name"].astype(str),
        "Data up to (UTC)": pd.to_datetime(times["newest_record_at"]),
        "Loaded (UTC)": pd.to_datetime(times["last_loaded_at"]),
    })
