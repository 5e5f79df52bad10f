"""Queries of the operational measures on Service trends and Capacity: the evidence each figure needs, the backlog
read at a day's end, and the queue interval reports (marts.service_queue_intervals).

Same rules as dashboard.queries: values are bound parameters; identifiers are catalog columns or constants of
this module, checked with `check_identifier`; results are cached with the data version as an argument; every
result is bounded. Figures are the catalog's ratios of sums (`queries._long_form` / `queries.metric_value`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.filters import Filters
from dashboard.measure_evidence import EVIDENCE, Evidence
from etl.warehouse import check_identifier

BACKLOG_MART = check_identifier("marts.service_backlog_daily")
REPORT_MART = check_identifier("marts.service_queue_intervals")
BACKLOG_METRICS = ("backlog", "backlog_age", "backlog_under_1_day", "backlog_1_to_3_days", "backlog_3_to_7_days",
                   "backlog_over_7_days")
REPORT_METRICS = ("queue_report_offered", "queue_report_answered", "queue_report_abandonment_rate",
                  "queue_report_speed_of_answer", "queue_report_service_level")
# the most intervals one chart draws (Altair's row limit is 5,000; a day of 15-minute intervals is 96)
MAX_REPORT_INTERVALS = 4_000
# the raw streams that carry queue interval reports (the mapped format's `shape: intervals`), by format
INTERVAL_STREAMS = {"mapped": "interval_rows"}
REPORT_SUMMARY_COLUMNS = ["source_system", "channel", "queue_name", "count_intervals", "count_dated_intervals",
                          "first_day", "last_day", "min_threshold_seconds", "max_threshold_seconds",
                          "min_interval_minutes", "max_interval_minutes", "count_offered"]


# ---------------------------------------------------------------- evidence


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def _evidence(url: str, version: str, mart: str, columns: tuple[str, ...], lists: queries.Lists) -> pd.DataFrame:
    parts = []
    for column in columns:
        name = check_identifier(column)
        parts.append(f"sum({name}) as {name}__sum, min(case when {name} > 0 then date_day end) as {name}__first,"
                     f" max(case when {name} > 0 then date_day end) as {name}__last")
    sql = f"select {', '.join(parts)} from {check_identifier(mart)} where {queries._filter_sql()}"
    return queries._query(url, sql, queries._filter_params(lists))


def _day(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def evidence_for(url: str, version: str, metrics: Iterable[str], filters: Filters) -> Evidence:
    """The evidence columns of the metrics (measure_evidence.EVIDENCE), summed over every day under the filters
    other than the dates, with the first and last day where each is above 0."""
    catalog = queries.catalog_in_use()
    by_mart: dict[str, list[str]] = defaultdict(list)
    for metric in metrics:
        for column, _ in EVIDENCE.get(metric, ()):
            mart = catalog[metric].mart
            if column not in by_mart[mart]:
                by_mart[mart].append(column)
    sums: dict[str, float] = {}
    first: dict[str, dt.date | None] = {}
    last: dict[str, dt.date | None] = {}
    for mart, columns in by_mart.items():
        frame = _evidence(url, version, mart, tuple(columns), filters.lists)
        row = frame.iloc[0] if not frame.empty else None
        for column in columns:
            total = None if row is None else row[f"{column}__sum"]
            sums[column] = 0.0 if total is None or pd.isna(total) else float(total)
            first[column] = None if row is None else _day(row[f"{column}__first"])
            last[column] = None if row is None else _day(row[f"{column}__last"])
    return Evidence(sums, first, last)


# ---------------------------------------------------------------- backlog


def backlog_reading_days(start: dt.date, end: dt.date, newest: dt.date | None,
                         oldest: dt.date | None = None) -> list[tuple[dt.date, dt.date]]:
    """(week_start, reading day) of every week of start..end within the data (oldest..newest day): a stock is read
    on the week's last day within the dates and the data; none when the dates hold no day of data (pure)."""
    last = min(end, newest) if newest is not None else end
    if last < start or (oldest is not None and last < oldest):
        return []
    start = max(start, oldest) if oldest is not None else start
    weeks = []
    week = start - dt.timedelta(days=start.weekday())
    while week <= last:
        weeks.append((week, min(week + dt.timedelta(days=6), last)))
        week += dt.timedelta(days=7)
    return weeks


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def _backlog_at(url: str, version: str, days: tuple[dt.date, ...], lists: queries.Lists,
                variants: queries.Variants) -> pd.DataFrame:
    catalog = queries.catalog_in_use(variants)
    metrics = [catalog[name] for name in BACKLOG_METRICS]
    sql = (
        f"select date_day, {queries._sum_columns(metrics)} from {BACKLOG_MART}"
        f" where date_day = any(:days) and {queries._filter_sql()} group by date_day order by date_day"
    )
    frame = queries._query(url, sql, {"days": list(days), **queries._filter_params(lists)})
    found = {pd.Timestamp(d).date() for d in frame["date_day"]}
    missing = [d for d in days if d not in found]
    if missing:  # no open work at those days' end: the backlog was 0 (the mart keeps rows only where work is open)
        zeros = pd.DataFrame({"date_day": missing})
        for column in frame.columns:
            if column != "date_day":
                zeros[column] = 0
        frame = pd.concat([frame, zeros], ignore_index=True) if not frame.empty else zeros
    long = queries._long_form(frame, metrics, ["date_day"])
    long["date_day"] = [pd.Timestamp(d).date() for d in long["date_day"]]
    return long.sort_values(["metric", "date_day"], ignore_index=True)


def backlog_at(url: str, version: str, days: Iterable[dt.date], filters: Filters) -> pd.DataFrame:
    """Per reading day and backlog metric (the catalog's backlog, backlog_age and age-bucket shares, each read on
    that one day): numerator, denominator, value. A day without open work reads 0 open, its shares undefined."""
    return _backlog_at(url, version, tuple(sorted(set(days))), filters.lists, queries.variants_in_use())


# ---------------------------------------------------------------- queue interval reports


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def report_summary(url: str, version: str, lists: queries.Lists) -> pd.DataFrame:
    """One row per source system x channel x queue of the interval reports the filters keep: intervals, intervals
    with a date, first and last day, the service-level thresholds and interval lengths stated, offered contacts."""
    sql = (
        "select cast(source_system as varchar) as source_system, cast(channel as varchar) as channel,"
        " cast(queue_name as varchar) as queue_name, cast(count(*) as bigint) as count_intervals,"
        " cast(count(date_day) as bigint) as count_dated_intervals, min(date_day) as first_day,"
        " max(date_day) as last_day, min(service_level_threshold_seconds) as min_threshold_seconds,"
        " max(service_level_threshold_seconds) as max_threshold_seconds,"
        " min(interval_minutes) as min_interval_minutes, max(interval_minutes) as max_interval_minutes,"
        " cast(sum(count_offered) as bigint) as count_offered"
        f" from {REPORT_MART} where {queries._filter_sql()} group by 1, 2, 3 order by 1, 2, 3 limit 200"
    )
    try:
        frame = queries._query(url, sql, queries._filter_params(lists))
    except queries.DataUnavailable:
        return pd.DataFrame(columns=REPORT_SUMMARY_COLUMNS)
    return frame.reindex(columns=REPORT_SUMMARY_COLUMNS)


@st.cache_data(ttl=queries.RUNS_TTL_SECONDS, show_spinner=False)
def report_source_names(url: str, version: str) -> dict[str, tuple[str, ...]]:
    """Format -> the configured sources that loaded an interval report (ops.stream_state), in name order."""
    frame = queries._query(
        url, "select source_name, stream from ops.stream_state where stream = any(:streams) order by source_name",
        {"streams": sorted(set(INTERVAL_STREAMS.values()))})
    names: dict[str, list[str]] = defaultdict(list)
    for source_name, stream in zip(frame["source_name"], frame["stream"], strict=True):
        for format_name, interval_stream in INTERVAL_STREAMS.items():
            if stream == interval_stream:
                names[format_name].append(str(source_name))
    return {format_name: tuple(found) for format_name, found in names.items()}


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def _undated_report_sums(url: str, version: str, lists: queries.Lists, variants: queries.Variants) -> pd.DataFrame:
    catalog = queries.catalog_in_use(variants)
    metrics = [catalog[name] for name in REPORT_METRICS]
    sql = (f"select count(*) as row_count, {queries._sum_columns(metrics)} from {REPORT_MART}"
           f" where date_day is null and {queries._filter_sql()}")
    return queries._long_form(queries._query(url, sql, queries._filter_params(lists)), metrics, ["row_count"])


def undated_report_figures(url: str, version: str, filters: Filters) -> pd.DataFrame:
    """The interval reports' figures over their intervals without a date (which no period can hold): per
    metric, numerator, denominator and value (the catalog's ratios of sums)."""
    return _undated_report_sums(url, version, filters.lists, queries.variants_in_use())


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def report_intervals(url: str, version: str, lists: queries.Lists, start: dt.date, end: dt.date,
                     undated: bool) -> pd.DataFrame:
    """The intervals themselves (the dated ones between start and end, or the undated ones), at most
    MAX_REPORT_INTERVALS, in time order (undated: in the report's own label order, numbers as numbers): label,
    local start, offered, answered, abandoned, stated speed of answer and service level."""
    when = "date_day is null" if undated else "date_day between :start and :end"
    sql = (
        "select interval_label, interval_start_local, cast(count_offered as bigint) as count_offered,"
        " cast(count_answered as bigint) as count_answered, cast(count_abandoned as bigint) as count_abandoned,"
        " case when count_answered_with_speed_of_answer > 0"
        " then sum_speed_of_answer_seconds / count_answered_with_speed_of_answer end as speed_of_answer_seconds,"
        " case when count_offered_with_service_level > 0"
        " then sum_answered_within_stated_threshold / count_offered_with_service_level end as service_level_rate"
        f" from {REPORT_MART} where {when} and {queries._filter_sql()}"
        " order by interval_start_local desc, interval_label limit :limit"
    )
    params = {"limit": MAX_REPORT_INTERVALS, **queries._filter_params(lists)}
    if not undated:
        params |= {"start": start, "end": end}
    frame = queries._query(url, sql, params)
    if undated:
        frame["order"] = [_label_order(label) for label in frame["interval_label"]]
        frame = frame.sort_values("order", ignore_index=True).drop(columns="order")
    else:
        frame = frame.sort_values("interval_start_local", ignore_index=True)
    return frame


def _label_order(label: object) -> tuple[int, float, str]:
    """Report labels in their natural order: numbers by value, then text."""
    text = "" if label is None or (isinstance(label, float) and pd.isna(label)) else str(label)
    try:
        return (0, float(text), text)
    except ValueError:
        return (1, 0.0, text)


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def report_profile(url: str, version: str, lists: queries.Lists, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Weekday (ISO) x time of day of the dated intervals between start and end: days seen and offered contacts
    summed (the mean per day is offered / days)."""
    sql = (
        "select iso_day_of_week, minute_of_day, cast(count(distinct date_day) as bigint) as days,"
        " cast(sum(count_offered) as bigint) as count_offered"
        f" from {REPORT_MART} where date_day between :start and :end and {queries._filter_sql()}"
        " group by 1, 2 order by 1, 2 limit 700"
    )
    return queries._query(url, sql, {"start": start, "end": end, **queries._filter_params(lists)})
