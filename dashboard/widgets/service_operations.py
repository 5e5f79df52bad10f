"""The operational sections of Service trends and Capacity: the backlog with its age, and the queue interval
reports (the contact-centre platform's own offered, answered, abandoned, speed of answer and service level).

Orchestration only: figures come from dashboard.queries_service_ops (catalog metrics, ratios of sums), charts from
dashboard.charts_service_ops, the not-measured reasons from dashboard.measure_evidence.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, charts_service_ops, queries, queries_service_ops, source_time
from dashboard.context import PageContext
from dashboard.download_buttons import chart_download_buttons, naming_for
from dashboard.filters import Filters
from dashboard.formatting import format_count, format_value
from dashboard.measure_evidence import NO_INTERVAL_TIMES, NOT_MEASURED, Evidence, figure_state
from dashboard.widgets.chart import show_chart
from dashboard.widgets.definition_link import definition_link

BACKLOG_TILES = ("backlog", "backlog_age", "backlog_under_1_day", "backlog_1_to_3_days", "backlog_3_to_7_days",
                 "backlog_over_7_days")
REPORT_TILES = queries_service_ops.REPORT_METRICS
TILES_PER_ROW = 3
REPORT_TRENDS = ("queue_report_offered", "queue_report_abandonment_rate", "queue_report_speed_of_answer",
                 "queue_report_service_level")


def _day(day: object) -> str:
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp:%b %Y}"


def _value(figures: pd.DataFrame, metric: str, day: object | None = None) -> tuple[float | None, float | None]:
    """(value, numerator) of one metric (on one reading day when given) from a long-form frame."""
    rows = figures[figures["metric"] == metric]
    if day is not None and "date_day" in rows:
        rows = rows[rows["date_day"] == day]
    if rows.empty:
        return None, None
    value, numerator = rows["value"].iloc[0], rows["numerator"].iloc[0]
    return (None if pd.isna(value) else float(value)), (None if pd.isna(numerator) else float(numerator))


def _tile_columns(count: int) -> list:
    """Columns for `count` tiles, TILES_PER_ROW to a row (long catalog labels stay readable)."""
    columns: list = []
    for _ in range(0, count, TILES_PER_ROW):
        columns.extend(st.columns(TILES_PER_ROW, gap="small"))
    return columns[:count]


# ---------------------------------------------------------------- backlog


def render_backlog(ctx: PageContext) -> None:
    """Open work at the last day of the dates (and of the data), its age and age buckets; weekly, the contacts
    open at each week's end by age."""
    st.subheader("Backlog: work open at the day's end, and its age")
    catalog = queries.catalog_in_use()
    url, version, filters = ctx.warehouse_url, ctx.version, ctx.filters
    evidence = queries_service_ops.evidence_for(url, version, ("backlog",), filters)
    if ctx.series is not None:
        newest = source_time.newest_day(ctx.series, filters.sources, filters.channels)
        oldest = source_time.oldest_day(ctx.series, filters.sources, filters.channels)
    else:
        newest, oldest = ctx.last_day, ctx.first_day
    weeks = queries_service_ops.backlog_reading_days(filters.start, filters.end, newest, oldest)
    state = figure_state("backlog", evidence, has_value=bool(weeks))
    if not state.is_measured:
        st.info(state.words("Backlog", filters.start, filters.end))
        return
    figures = queries_service_ops.backlog_at(url, version, [day for _, day in weeks], filters)
    reading_day = weeks[-1][1]
    open_now, _ = _value(figures, "backlog", reading_day)
    for column, name in zip(_tile_columns(len(BACKLOG_TILES)), BACKLOG_TILES, strict=True):
        metric = catalog[name]
        value, numerator = _value(figures, name, reading_day)
        with column:
            st.metric(metric.label, format_value(value, metric.unit, ctx.settings.currency), border=True,
                      help=f"{metric.description}\n\nRead at the end of {_day(reading_day)}.")
            if metric.unit == "rate" and metric.denominator == "count_open":
                share = (f"{format_count(numerator or 0)} of {format_count(open_now)} open" if open_now
                         else "no contact open")
                st.caption(f"{share} · [how?]({definition_link(name)})")
            else:
                st.caption(f"end of {_day(reading_day)} · [how?]({definition_link(name)})")
    if reading_day < filters.end:
        st.caption(f"Read on {_day(reading_day)}, the last day of data among the sources chosen: after it their "
                   "exports say nothing about what is open.")
    frame = charts_service_ops.backlog_age_frame(figures, weeks)
    try:
        chart = charts_service_ops.backlog_age_chart(frame)
    except ValueError:
        st.info(f"No contact was open at the end of any week between {_day(filters.start)} and "
                f"{_day(reading_day)}.")
        return
    show_chart(chart, width="stretch", theme=None)
    st.caption("Each bar: the contacts open at the end of the week's last day within the dates, by how long "
               "they had been open. Calls, abandoned and bot-only contacts are not backlog. "
               f"[Backlog]({definition_link('backlog')}) · [age buckets]({definition_link('backlog_over_7_days')})")
    with st.expander("Download the backlog chart"):
        chart_download_buttons(chart, subject="Backlog by age", naming=naming_for("Service trends", ctx))


# ---------------------------------------------------------------- queue interval reports


def _report_source(source_system: str, ctx: PageContext) -> str:
    """The source system of a report with the configured sources that loaded one: "mapped (callcenter)"."""
    names = queries_service_ops.report_source_names(ctx.warehouse_url, ctx.version).get(source_system, ())
    return f"{source_system} ({', '.join(names)})" if names else source_system


def _report_scope(summary: pd.DataFrame, ctx: PageContext) -> str:
    """The reports in words, safe to render (values from the data are escaped)."""
    parts = []
    for row in summary.itertuples(index=False):
        dated = int(row.count_dated_intervals)
        span = (f"{_day(row.first_day)} – {_day(row.last_day)}" if dated else "no dates")
        threshold = ("" if pd.isna(row.min_threshold_seconds) else
                     f", service level stated at {row.min_threshold_seconds:.0f} s"
                     if row.min_threshold_seconds == row.max_threshold_seconds else
                     f", service level stated at {row.min_threshold_seconds:.0f}–{row.max_threshold_seconds:.0f} s")
        parts.append(source_time.plain_label(
            f"{_report_source(str(row.source_system), ctx)} · {row.channel} · queue {row.queue_name}: "
            f"{format_count(float(row.count_intervals))} intervals ({span}){threshold}"))
    return "; ".join(parts)


def _report_tiles(figures: pd.DataFrame, ctx: PageContext, evidence: Evidence) -> None:
    catalog = queries.catalog_in_use()
    for column, name in zip(_tile_columns(len(REPORT_TILES)), REPORT_TILES, strict=True):
        metric = catalog[name]
        value, _ = _value(figures, name)
        state = figure_state(name, evidence, value is not None)
        with column:
            if state.state == "not_measured":
                st.metric(metric.label, NOT_MEASURED, border=True, help=state.reason)
                st.caption(state.reason)
                continue
            st.metric(metric.label, format_value(value, metric.unit, ctx.settings.currency), border=True,
                      help=metric.description)
            st.caption(f"[how?]({definition_link(name)})")


def _current(figures: pd.DataFrame) -> pd.DataFrame:
    return figures[figures["period"] == queries.CURRENT] if "period" in figures else figures


def render_interval_report(ctx: PageContext, *, lists_only_source_and_channel: bool = False,
                           page: str = "Service trends") -> None:
    """The queue interval reports the filters keep: where they come from, their five figures over the dates (or
    over the whole report when its intervals carry no date), and weekly trends or the intervals themselves."""
    url, version = ctx.warehouse_url, ctx.version
    filters = _source_and_channel(ctx.filters) if lists_only_source_and_channel else ctx.filters
    summary = queries_service_ops.report_summary(url, version, filters.lists)
    st.subheader("Queue interval report")
    if summary.empty:
        evidence = queries_service_ops.evidence_for(url, version, ("queue_report_offered",), filters)
        st.info(figure_state("queue_report_offered", evidence, False).words("Interval report", filters.start,
                                                                            filters.end))
        return
    st.caption(f"The contact-centre platform's own counts and averages per interval, as its report states them. "
               f"Source: {_report_scope(summary, ctx)}.")
    evidence = queries_service_ops.evidence_for(url, version, REPORT_TILES, filters)
    dated = int(summary["count_dated_intervals"].sum())
    undated = int(summary["count_intervals"].sum()) - dated
    if dated:
        periods = queries.period_figures(url, version, REPORT_TILES, filters)
        current = _current(periods)
        if current.empty:
            first = min(d for d in summary["first_day"] if d is not None and not pd.isna(d))
            last = max(d for d in summary["last_day"] if d is not None and not pd.isna(d))
            st.info(f"No dated interval between {_day(filters.start)} and {_day(filters.end)}: the report covers "
                    f"{_day(first)} – {_day(last)}. Widen the dates to see it.")
        else:
            st.markdown(f"**{_day(filters.start)} – {_day(filters.end)}**")
            _report_tiles(current, ctx, evidence)
            _report_trends(ctx, filters, page)
    if undated:
        figures = queries_service_ops.undated_report_figures(url, version, filters)
        st.markdown(f"**The whole report: {format_count(undated)} intervals without a date**")
        st.caption(f"{NO_INTERVAL_TIMES[0].upper()}{NO_INTERVAL_TIMES[1:]}: no period can hold them, so these "
                   "figures cover every such interval, whatever the dates in the sidebar.")
        _report_tiles(figures, ctx, evidence)
        _report_intervals_chart(ctx, filters, undated=True, page=page)


def _report_trends(ctx: PageContext, filters: Filters, page: str) -> None:
    weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, REPORT_TRENDS, filters)
    if weekly.empty:
        return
    catalog = queries.catalog_in_use()
    columns = st.columns(2, gap="medium")
    for index, name in enumerate(REPORT_TRENDS):
        series = weekly[weekly["metric"] == name]
        metric = catalog[name]
        with columns[index % 2]:
            try:
                chart = charts.trend_chart(series, label=metric.label, unit=metric.unit, direction=metric.direction,
                                           currency=ctx.settings.currency)
            except ValueError:
                st.info(f"{metric.label}: no weekly figures in the dates.")
                continue
            show_chart(chart, width="stretch", theme=None)


def _report_intervals_chart(ctx: PageContext, filters: Filters, *, undated: bool, page: str) -> None:
    intervals = queries_service_ops.report_intervals(ctx.warehouse_url, ctx.version, filters.lists, filters.start,
                                                     filters.end, undated)
    frame = charts_service_ops.report_frame(intervals)
    try:
        chart = charts_service_ops.report_chart(frame, x_title="Interval, in the report's order" if undated
                                                else "Interval, in time order")
    except ValueError:
        return
    show_chart(chart, width="stretch", theme=None)
    shown = ("" if len(intervals) < queries_service_ops.MAX_REPORT_INTERVALS else
             f" Only {queries_service_ops.MAX_REPORT_INTERVALS:,} intervals are drawn.")
    st.caption(f"Offered, answered and abandoned contacts per interval as the report states them.{shown}")
    with st.expander("Download the interval chart"):
        chart_download_buttons(chart, subject="Interval report undated" if undated else "Interval report dated",
                               naming=naming_for(page, ctx))


def _source_and_channel(filters: Filters) -> Filters:
    """The filters with only the source and channel lists (and the viewer's scope) kept (Capacity plans per
    channel)."""
    return Filters(start=filters.start, end=filters.end, channels=filters.channels, sources=filters.sources,
                   compare=filters.compare, scope=filters.scope)


def render_capacity_history(ctx: PageContext) -> None:
    """The interval report as capacity history: offered, answered, abandoned per interval, its speed of answer
    and service level, and the weekday x time-of-day profile of offered contacts (or why there is none)."""
    url, version = ctx.warehouse_url, ctx.version
    filters = _source_and_channel(ctx.filters)
    summary = queries_service_ops.report_summary(url, version, filters.lists)
    st.subheader("Capacity history from the interval report")
    if summary.empty:
        evidence = queries_service_ops.evidence_for(url, version, ("queue_report_offered",), filters)
        st.info(figure_state("queue_report_offered", evidence, False).words("Interval report", filters.start,
                                                                            filters.end))
        return
    st.caption(f"What the queues received and answered, per interval, as the contact-centre platform reports it. "
               f"Source: {_report_scope(summary, ctx)}.")
    evidence = queries_service_ops.evidence_for(url, version, REPORT_TILES, filters)
    dated = int(summary["count_dated_intervals"].sum())
    if dated:
        periods = _current(queries.period_figures(url, version, REPORT_TILES, filters))
        st.markdown(f"**{_day(filters.start)} – {_day(filters.end)}**")
        _report_tiles(periods, ctx, evidence)
        _report_intervals_chart(ctx, filters, undated=False, page="capacity")
        profile = charts_service_ops.profile_frame(queries_service_ops.report_profile(
            url, version, filters.lists, filters.start, filters.end))
        if profile.empty:
            st.info(f"No dated interval between {_day(filters.start)} and {_day(filters.end)} to build the weekday "
                    "and time-of-day profile from.")
        else:
            st.markdown("**Offered contacts by weekday and time of day** (mean per interval)")
            show_chart(charts_service_ops.profile_heatmap(profile), width="stretch", theme=None)
    if int(summary["count_intervals"].sum()) > dated:
        figures = queries_service_ops.undated_report_figures(url, version, filters)
        undated = float(summary["count_intervals"].sum() - dated)
        st.markdown(f"**The whole report: {format_count(undated)} intervals without a date**")
        _report_tiles(figures, ctx, evidence)
        _report_intervals_chart(ctx, filters, undated=True, page="capacity")
        st.info(f"Weekday and time-of-day profile: {NOT_MEASURED} — {NO_INTERVAL_TIMES}.")
