"""Overview: how is service doing, and is it getting better or worse?

Six contact measures and four handling measures from the catalog, each as a tile (the figure for the chosen
period, the change against the comparison period, the target) and a weekly trend; then the backlog with its age
and the queue interval reports (dashboard.widgets.service_operations). A figure the sources cannot support reads
"not measured" with the reason (dashboard.measure_evidence); "widen the dates" is said only when the sources do
hold such records outside them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, queries, queries_service_ops
from dashboard import queries_conversations as conversation_queries
from dashboard.context import PageContext, context, page_header
from dashboard.data_access import masked_pages
from dashboard.download_buttons import chart_download_buttons, conversation_download_buttons, naming_for
from dashboard.formatting import (
    columns_in_words,
    direction_words,
    escape_markdown,
    format_delta,
    format_value,
    is_flat,
    target_status,
    target_text,
)
from dashboard.measure_evidence import NOT_MEASURED, Evidence, FigureState, figure_state
from dashboard.scorecard import reason_of
from dashboard.widgets import access_notices, service_operations
from dashboard.widgets.chart import show_chart
from etl.catalog import Metric, target_for

METRICS = (
    "interactions",
    "first_reply_time",
    "service_level",
    "abandonment_rate",
    "csat",
    "customer_sentiment",
)
# handle time (talk + hold + after-contact work), hold, transfers and reopens: computed in marts.service_daily
HANDLING_METRICS = ("handle_time", "hold_time", "transfers_per_contact", "reopen_rate")
COLUMNS_PER_ROW = 3
HANDLING_COLUMNS_PER_ROW = 2
DELTA_COLOURS = {"higher_is_better": "normal", "lower_is_better": "inverse", "neutral": "off"}


def _figure(periods: pd.DataFrame, metric: str, period: str) -> float | None:
    rows = periods[(periods["metric"] == metric) & (periods["period"] == period)]
    if rows.empty or pd.isna(rows["value"].iloc[0]):
        return None
    return float(rows["value"].iloc[0])


def _formula_words(metric: Metric) -> str:
    if metric.denominator is None:
        return f"the sum of {columns_in_words(metric.numerator)} (`{metric.numerator}`)"
    return (
        f"{columns_in_words(metric.numerator)} (`{metric.numerator}`) divided by "
        f"{columns_in_words(metric.denominator)} (`{metric.denominator}`), each summed over the filtered rows"
    )


def _explain(metric: Metric, target: float | None, currency: str) -> None:
    with st.expander("How is this computed?"):
        st.markdown(metric.description)
        st.markdown(f"**Formula:** {_formula_words(metric)}.")
        st.markdown(f"**Direction:** {direction_words(metric.direction)}.")
        if target is not None:
            st.markdown(f"**Target:** {format_value(target, metric.unit, currency)}.")
        st.markdown(f"**Source:** {metric.source}")
        st.caption(f"Read from `{metric.mart}` · catalog version {metric.version} · `{metric.name}`")


def _not_measured_block(metric: Metric, state: FigureState, ctx: PageContext) -> None:
    """A tile the sources cannot support: "not measured" and the reason, or no records in the dates."""
    words = state.words(metric.label, ctx.filters.start, ctx.filters.end)
    if state.state == "not_measured":
        st.metric(metric.label, NOT_MEASURED, border=False, help=words)
        st.caption(f"{state.reason[0].upper()}{state.reason[1:]}.")
    else:
        st.metric(metric.label, "—", border=False, help=words)
        st.caption(words)


def _metric_block(
    metric: Metric, periods: pd.DataFrame, weekly: pd.DataFrame, ctx: PageContext, compare: bool,
    evidence: Evidence | None = None,
) -> None:
    if evidence is not None:
        state = figure_state(metric.name, evidence, _figure(periods, metric.name, queries.CURRENT) is not None,
                             reason_of(periods, metric.name))
        if not state.is_measured:
            _not_measured_block(metric, state, ctx)
            _explain(metric, target_for(metric, ctx.settings.targets), ctx.settings.currency)
            return
    currency = ctx.settings.currency
    target = target_for(metric, ctx.settings.targets)
    current = _figure(periods, metric.name, queries.CURRENT)
    previous = _figure(periods, metric.name, queries.PREVIOUS) if compare else None
    previous_start, previous_end = ctx.filters.comparison
    words = target_text(target, metric.unit, metric.direction, currency)
    help_lines = [metric.description]
    if words:
        help_lines.append(f"{words} ({direction_words(metric.direction)}).")
    if previous is not None:
        help_lines.append(
            f"Previous period {previous_start:%d %b %Y} – {previous_end:%d %b %Y}: "
            f"{format_value(previous, metric.unit, currency)}."
        )
    delta = format_delta(current, previous, metric.unit, currency)
    st.metric(
        metric.label,
        format_value(current, metric.unit, currency),
        delta=delta,
        delta_color="off" if is_flat(delta) else DELTA_COLOURS.get(metric.direction, "off"),
        delta_arrow="off" if is_flat(delta) else "auto",
        help="\n\n".join(help_lines),
        border=False,
    )
    if current is None:
        comparison = None
    elif not compare:
        comparison = "no comparison: the comparison period is not all in the data"
    elif previous is None:
        comparison = "no figure for the prior period"
    else:
        comparison = f"vs {previous_start:%d %b %Y} – {previous_end:%d %b %Y}"
    status = target_status(current, target, metric.direction)
    target_part = f"{words} ({status})" if words and status else words
    st.caption(" · ".join(part for part in (target_part, comparison) if part))

    series = weekly[weekly["metric"] == metric.name] if not weekly.empty else weekly
    if current is None or series.empty or series["value"].notna().sum() == 0:
        st.info(f"{metric.label}: no weekly figures between {ctx.filters.start:%d %b %Y} and "
                f"{ctx.filters.end:%d %b %Y}.")
    else:
        chart = charts.trend_chart(
            series, label=metric.label, unit=metric.unit, target=target, direction=metric.direction,
            currency=currency,
        )
        show_chart(chart, width="stretch", theme=None)
        with st.expander("Download"):
            chart_download_buttons(chart, subject=metric.label, naming=naming_for("Service trends", ctx))
    _explain(metric, target, currency)


def _tiles(names: tuple[str, ...], per_row: int, periods: pd.DataFrame, weekly: pd.DataFrame, ctx: PageContext,
           compare: bool, evidence: Evidence) -> None:
    catalog = queries.catalog_in_use()
    for row_start in range(0, len(names), per_row):
        columns = st.columns(per_row, gap="medium")
        for column, name in zip(columns, names[row_start:row_start + per_row], strict=False):
            with column, st.container(border=True):
                _metric_block(catalog[name], periods, weekly, ctx, compare, evidence)


def _no_contacts(ctx: PageContext, evidence: Evidence) -> None:
    """No contact in the dates: say whether the filters hold contacts elsewhere (then widen the dates) or none."""
    state = figure_state("interactions", evidence, has_value=False)
    if state.state == "not_measured":
        st.info("The data holds no contact for these filters (source, channel, intent, queue, team, segment): "
                "clear a filter in the sidebar to see contacts.")
        return
    st.info(f"No contacts between {ctx.filters.start:%d %b %Y} and {ctx.filters.end:%d %b %Y}. These filters have "
            f"contacts from {state.first_day:%d %b %Y} to {state.last_day:%d %b %Y}: widen the dates.")


def render() -> None:
    ctx = context()
    page_header("Service trends", "How is service doing, and is it getting better or worse?", ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    names = METRICS + HANDLING_METRICS
    try:
        periods = queries.period_figures(ctx.warehouse_url, ctx.version, names, ctx.filters)
        weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, names, ctx.filters)
        evidence = queries_service_ops.evidence_for(ctx.warehouse_url, ctx.version, names, ctx.filters)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
        return
    previous_start, _ = ctx.filters.comparison
    compare = ctx.first_day is not None and previous_start >= ctx.first_day
    if periods.empty or not (periods["period"] == queries.CURRENT).any():
        _no_contacts(ctx, evidence)
    else:
        _tiles(METRICS, COLUMNS_PER_ROW, periods, weekly, ctx, compare, evidence)
        st.subheader("Handling: time, hold, transfers and reopens")
        st.caption("Per contact handled by a person: talk (or chat) time + hold + after-contact work; hold over "
                   "handled contacts; transfers over every contact; reopens over solved contacts.")
        _tiles(HANDLING_METRICS, HANDLING_COLUMNS_PER_ROW, periods, weekly, ctx, compare, evidence)
    try:
        service_operations.render_backlog(ctx)
        service_operations.render_interval_report(ctx)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
    if periods.empty or not (periods["period"] == queries.CURRENT).any():
        return
    st.subheader("Every conversation of these filters")
    if access_notices.may_export_rows(ctx.viewer):
        st.caption("One row per contact of the period and filters (source, channel, intent, queue, team, segment), "
                   "with its service measures: made page by page from the warehouse when you click.")
        conversation_download_buttons(
            lambda: masked_pages(conversation_queries.conversation_pages(ctx.warehouse_url, ctx.filters), ctx.viewer),
            subject="Conversations", naming=naming_for("Service trends", ctx), columns=conversation_queries.COLUMNS,
            units=conversation_queries.UNITS, currency=ctx.settings.currency)
    else:
        access_notices.row_exports_withheld()
    if not weekly.empty and (weekly["days_in_range"] < 7).any():
        st.caption("Trends are weekly (Monday to Sunday); a hollow point is a week only partly inside the dates "
                   "chosen. Hover a point for its figure.")
