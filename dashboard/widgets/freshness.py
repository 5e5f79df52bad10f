"""Freshness per source, judged on data time: the newest record each source sent, beside when it was loaded.

A source is **fresh** when its newest record is at most `[freshness] stale_after_hours` old (default 48 h),
**stale** otherwise, whatever the load time: an export of 2017 loaded this morning is stale. A source whose records
carry no time at all (an interval report that numbers its intervals) has **no data time**, said as such. The gap
between the newest record and the load shows how late an export arrives. Called from the Data health page.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import source_time
from dashboard.measure_evidence import NO_DATA_TIME
from etl.config import Settings

FRESH, STALE, NO_TIME = "fresh", "stale", "no data time"
COLUMNS = ["source_name", "state", "newest_record_at", "last_loaded_at", "data_age_hours", "load_gap_hours",
           "streams", "rows_loaded"]


def freshness_by_data_time(times: pd.DataFrame, now_utc: dt.datetime, stale_after_hours: float) -> pd.DataFrame:
    """Per source (source_time.source_data_times): its state on data time, the age of its newest record and the
    gap between that record and the last load, in hours (pure)."""
    if times.empty:
        return pd.DataFrame(columns=COLUMNS)
    now = pd.Timestamp(now_utc).tz_convert("UTC").tz_localize(None) if pd.Timestamp(now_utc).tzinfo \
        else pd.Timestamp(now_utc)
    newest = pd.to_datetime(times["newest_record_at"])
    loaded = pd.to_datetime(times["last_loaded_at"])
    out = times.copy()
    out["newest_record_at"], out["last_loaded_at"] = newest, loaded
    out["data_age_hours"] = ((now - newest).dt.total_seconds() / 3600).round(1)
    out["load_gap_hours"] = ((loaded - newest).dt.total_seconds() / 3600).round(1)
    out["state"] = [NO_TIME if pd.isna(age) else (STALE if age > stale_after_hours else FRESH)
                    for age in out["data_age_hours"]]
    return out[COLUMNS].reset_index(drop=True)


def age_words(hours: float) -> str:
    """"3.2 h", "5.1 days", "8.8 years" (pure)."""
    if hours < 48:
        return f"{hours:,.1f} h"
    days = hours / 24
    return f"{days:,.1f} days" if days < 730 else f"{days / 365.25:,.1f} years"


def render(url: str, version: str, settings: Settings, now_utc: dt.datetime | None = None) -> None:
    """The freshness section of Data health."""
    threshold = settings.freshness.stale_after_hours
    st.subheader("Freshness per source: how old is the newest record?")
    times = source_time.source_data_times(url, version)
    if times.empty:
        st.info("No source has loaded a file yet.")
        return
    table = freshness_by_data_time(times, now_utc or dt.datetime.now(dt.UTC), threshold)
    st.caption(f"A source is fresh when its newest record is at most {age_words(threshold)} old "
               "([freshness] stale_after_hours): judged on the time the data itself carries, not on when the file "
               "was loaded.")
    stale = table[table["state"] == STALE]
    undated = table[table["state"] == NO_TIME]
    if stale.empty and undated.empty:
        st.success(f"Every source sent a record within the last {age_words(threshold)}.")
    if not stale.empty:
        st.warning(f"{len(stale)} of {len(table)} sources are stale: their newest record is older than "
                   f"{age_words(threshold)}.")
        st.text("\n".join(f"{row.source_name}: newest record {row.newest_record_at:%d %b %Y %H:%M} UTC, "
                          f"{age_words(float(row.data_age_hours))} old (loaded {row.last_loaded_at:%d %b %Y %H:%M})"
                          for row in stale.itertuples(index=False)))
    if not undated.empty:
        names = ", ".join(source_time.plain_label(str(name)) for name in undated["source_name"])
        st.info(f"No data time for {names}: {NO_DATA_TIME}. Freshness cannot be judged; the load time is shown.")
    shown = table.assign(
        data_age=[None if pd.isna(h) else age_words(float(h)) for h in table["data_age_hours"]],
        load_gap=[None if pd.isna(h) else age_words(float(h)) for h in table["load_gap_hours"]],
    )
    st.dataframe(shown[["source_name", "state", "newest_record_at", "data_age", "last_loaded_at", "load_gap",
                        "streams", "rows_loaded"]], hide_index=True, width="stretch", column_config={
        "source_name": "Source", "state": "State",
        "newest_record_at": st.column_config.DatetimeColumn("Newest record (data time, UTC)",
                                                            format="D MMM YYYY, HH:mm"),
        "data_age": "Its age",
        "last_loaded_at": st.column_config.DatetimeColumn("Last file loaded (UTC)", format="D MMM YYYY, HH:mm"),
        "load_gap": "Loaded after its newest record",
        "streams": "Streams", "rows_loaded": st.column_config.NumberColumn("Rows", format="%d"),
    })
