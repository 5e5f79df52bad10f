"""Overview: how is service doing, and is it getting better or worse?

Six measures from the catalog, each as a tile (the figure for the chosen period, the change against the
period of the same length before it, the target) and a weekly trend.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard import queries_conversations as conversation_queries
from dashboard.download_buttons import chart_download_buttons, conversation_download_buttons, naming_for
from dashboard.formatting import (
    columns_in_words,
    direction_words,
    format_delta,
    format_value,
    is_flat,
    target_status,
    target_text,
)
from dashboard.views import PageContext, context, page_header
from etl.catalog import Metric, target_for

METRICS = (
    "interactions",
    "first_reply_time",
    "service_level",
    "abandonment_rate",
    "csat",
    "customer_sentiment",
)
COLUMNS_PER_ROW = 3
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


def _metric_block(
    metric: Metric, periods: pd.DataFrame, weekly: pd.DataFrame, ctx: PageContext, compare: bool
) -> None:
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
        st.info(f"{metric.label}: no figures for these filters.")
    else:
        chart = charts.trend_chart(
            series, label=metric.label, unit=metric.unit, target=target, direction=metric.direction,
            currency=currency,
        )
        st.altair_chart(chart, width="stretch", theme=None)
        with st.expander("Download"):
            chart_download_buttons(chart, subject=metric.label, naming=naming_for("Service trends", ctx))
    _explain(metric, target, currency)


def render() -> None:
    ctx = context()
    page_header("Service trends", "How is service doing, and is it getting better or worse?", ctx)
    if ctx.unavailable:
        st.warning(ctx.unavailable)
        return
    catalog = queries.catalog_in_use()
    try:
        periods = queries.period_figures(ctx.warehouse_url, ctx.version, METRICS, ctx.filters)
        weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, METRICS, ctx.filters)
    except queries.DataUnavailable as error:
        st.warning(str(error))
        return
    if periods.empty or not (periods["period"] == queries.CURRENT).any():
        span = ""
        if ctx.first_day and ctx.last_day:
            span = f" The data covers {ctx.first_day:%d %b %Y} – {ctx.last_day:%d %b %Y}."
        else:
            span = " The warehouse holds no interactions yet."
        st.info(
            f"No interactions match these filters between {ctx.filters.start:%d %b %Y} and "
            f"{ctx.filters.end:%d %b %Y}.{span} Widen the date range or clear a filter in the sidebar."
        )
        return
    previous_start, _ = ctx.filters.comparison
    compare = ctx.first_day is not None and previous_start >= ctx.first_day
    for row_start in range(0, len(METRICS), COLUMNS_PER_ROW):
        columns = st.columns(COLUMNS_PER_ROW, gap="medium")
        for column, name in zip(columns, METRICS[row_start:row_start + COLUMNS_PER_ROW], strict=False):
            with column, st.container(border=True):
                _metric_block(catalog[name], periods, weekly, ctx, compare)
    st.subheader("Every conversation of these filters")
    st.caption("One row per contact of the period and filters (channel, intent, queue, team, segment), with its "
               "service measures: made page by page from the warehouse when you click.")
    conversation_download_buttons(
        lambda: conversation_queries.conversation_pages(ctx.warehouse_url, ctx.filters),
        subject="Conversations", naming=naming_for("Service trends", ctx), columns=conversation_queries.COLUMNS,
        currency=ctx.settings.currency)
    if not weekly.empty and (weekly["days_in_range"] < 7).any():
        st.caption("Trends are weekly (Monday to Sunday); a hollow point is a week only partly inside the dates "
                   "chosen. Hover a point for its figure.")
