"""Executive review: are we meeting our service and experience targets, is the change real, and where is
service efficient but the experience poor (watermelons)?"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.app_pages.executive import queries as signals_queries
from dashboard.charts import OKABE_ITO
from dashboard.context import PageContext, context, page_header
from dashboard.download_buttons import MIME, Download, chart_download_buttons, naming_for, render_downloads
from dashboard.exports import (
    DefinitionUsed,
    KpiPack,
    PackChart,
    Sheet,
    chart_png,
    filters_in_words,
    kpi_pack_pdf,
    scorecard_sheet,
    tables_xlsx,
)
from dashboard.exports import ScorecardRow as PackRow
from dashboard.filters import COMPARE_LAST_YEAR
from dashboard.formatting import escape_markdown, format_as_of, format_value
from dashboard.scorecard import (
    NOISE_REAL,
    NOISE_WITHIN,
    NOT_MEASURED,
    SNAPSHOT_KINDS,
    ScorecardRow,
    attainment_by_member,
    scorecard_rows,
)
from dashboard.widgets.chart import show_chart
from dashboard.widgets.definition_link import definition_link
from dashboard.widgets.empty_states import empty_text
from dashboard.widgets.intent_source_note import intent_source_note
from etl.catalog import Metric, target_for

# The measures a KPI review opens with, in reading order; names absent from the catalog are skipped.
SCORECARD_METRICS = (
    "interactions", "service_level", "abandonment_rate", "first_reply_time", "speed_of_answer",
    "time_to_resolution", "sla_resolution_achievement", "first_contact_resolution", "escalation_rate",
    "handoff_rate", "csat", "customer_sentiment", "negative_start_recovery_rate", "ces", "inferred_effort_score",
    "true_containment_rate", "restatement_rate", "repeat_contact_rate", "resolution_confirmed_share",
    "cost_per_contact", "cost_per_resolved_episode", "revenue_at_risk", "accounts_at_high_risk",
)
BREAKDOWN_LABELS = {"segment": "Segment", "intent": "Intent", "team": "Team", "queue": "Queue", "channel": "Channel"}
TEXT_MUTED = "#52606D"
KIND_TITLES = {"sla": "Efficiency (SLA)", "xla": "Experience (XLA)", "volume": "Volume", "cost": "Cost",
               "risk": "Risk"}


# Risk rows are figures over accounts (revenue at risk is money): their cases are the active accounts scored,
# the denominator of this metric (queried with the scorecard, shown in no row of its own).
ACCOUNTS_METRIC = "churn_risk"
# The table's columns size themselves to their text (a fixed "small" width cut "beyond noise" to "beyond nois"):
# only the sparkline has a width. Texts are kept short so that the table fits 1440 pixels wide without scrolling:
# the headers say "Target" and the interval's level, so the cells do not repeat them.
TREND_WIDTH_PX = 96
NOT_MEASURED_BECAUSE = "Not measured because"
SNAPSHOT_CHANGE = "none (snapshot)"
_TARGET_PREFIX = re.compile(r"^Target\s+")
_INTERVAL_PREFIX = re.compile(r"^\d+(?:\.\d+)?% CI\s+")


def cases_text(row: ScorecardRow, accounts: float | None) -> str:
    """What a figure is counted over (pure): contacts, answers or surveys as a number; for a risk row, the
    active accounts scored ("812 accounts"), never its own numerator (money for revenue at risk)."""
    if row.status == NOT_MEASURED:
        return "—"
    if row.kind in SNAPSHOT_KINDS:
        return "—" if accounts is None else f"{format_value(accounts, 'count')} accounts"
    return format_value(row.cases, "count")


def scorecard_frame(rows: list[ScorecardRow], accounts: float | None = None) -> pd.DataFrame:
    """The scorecard as a table a person reads (pure). `accounts`: the active accounts behind the risk rows."""
    return pd.DataFrame({
        "Measure": [r.label + (" (thin)" if r.is_thin else "") for r in rows],
        # "not measured" stays short here; the reason goes in the last column so no other column is pushed out
        "Now": [r.tile_text for r in rows],
        "Target": [_TARGET_PREFIX.sub("", r.target_text) for r in rows],
        "Status": [r.status_words for r in rows],
        "Change": [SNAPSHOT_CHANGE if r.kind in SNAPSHOT_KINDS else r.delta_text for r in rows],
        "Interval": [_INTERVAL_PREFIX.sub("", r.change_interval_text) or "—" for r in rows],
        "Real or noise": [r.noise for r in rows],
        # weeks without a figure (e.g. not yet known at the end of the data) are left out of the sparkline
        "Weekly trend": [[v for v in r.trend if v is not None and v == v] for r in rows],
        "Cases": [cases_text(r, accounts) for r in rows],
        "Definition": [definition_link(r.metric) for r in rows],
        NOT_MEASURED_BECAUSE: [r.not_measured_reason or "" for r in rows],
    })


def _accounts(periods: pd.DataFrame) -> float | None:
    """The active accounts scored in the period: the denominator of ACCOUNTS_METRIC, None when not there."""
    if periods.empty:
        return None
    rows = periods[(periods["metric"] == ACCOUNTS_METRIC) & (periods["period"] == "current")]
    if rows.empty or pd.isna(rows["denominator"].iloc[0]):
        return None
    return float(rows["denominator"].iloc[0])


def _status_colour(text: str) -> str:
    return {"Met": f"color: {OKABE_ITO['green']}; font-weight: 600",
            "Missed": f"color: {OKABE_ITO['vermillion']}; font-weight: 600"}.get(text, "")


def _noise_colour(text: str) -> str:
    return "font-weight: 600" if text == NOISE_REAL else f"color: {TEXT_MUTED}"


def _scorecard(ctx: PageContext, metrics: list[Metric], compare: bool) -> tuple[list[ScorecardRow], float | None]:
    """The scorecard tables; returns the rows and the accounts behind the risk rows."""
    names = [m.name for m in metrics]
    with_accounts = [*names, ACCOUNTS_METRIC] if ACCOUNTS_METRIC in queries.catalog_in_use() else names
    periods = queries.period_figures(ctx.warehouse_url, ctx.version, with_accounts, ctx.filters, unmeasured_rows=True)
    weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, names, ctx.filters)
    rows = scorecard_rows(metrics, periods, weekly, ctx.settings, compare=compare)
    accounts = _accounts(periods)
    for kind in ("volume", "sla", "xla", "cost", "risk"):
        group = [r for r in rows if r.kind == kind]
        if not group:
            continue
        measured = [r for r in group if r.status in {"met", "missed"} and not r.is_thin]
        met = sum(r.status == "met" for r in measured)
        title = KIND_TITLES[kind]
        if measured:
            title += f" · {met} of {len(measured)} targets met"
        st.subheader(title)
        frame = scorecard_frame(group, accounts)
        styled = frame.style.map(_status_colour, subset=["Status"]).map(_noise_colour, subset=["Real or noise"])
        level = f"{ctx.settings.metrics.confidence_level:.0%}"
        st.dataframe(styled, hide_index=True, width="stretch", column_config={
            "Target": st.column_config.TextColumn("Target"),
            "Change": st.column_config.TextColumn("Change", help="Against the comparison period (above)"),
            "Interval": st.column_config.TextColumn(f"Interval ({level})",
                                                    help=f"The {level} confidence interval of the change"),
            "Real or noise": st.column_config.TextColumn(
                "Real?", help="Beyond noise: the interval excludes no change at all"),
            "Weekly trend": st.column_config.LineChartColumn("Weekly trend", width=TREND_WIDTH_PX),
            "Cases": st.column_config.TextColumn(
                "Cases", help="Contacts, answers or surveys behind the figure; for risk figures, the active accounts "
                              "scored"),
            "Definition": st.column_config.LinkColumn("Defined", display_text="how?"),
            NOT_MEASURED_BECAUSE: st.column_config.TextColumn(
                NOT_MEASURED_BECAUSE, help="What the data of the sources chosen lacks for this figure"),
        })
        if kind in SNAPSHOT_KINDS:
            st.caption("Risk figures are a snapshot of the latest fit of the churn model, spread over the contacts "
                       "of the period: comparing two periods would compare two slices of one set of scores, so no "
                       "change is shown.")
    return rows, accounts


def _verdict(rows: list[ScorecardRow]) -> None:
    real = [r for r in rows if r.noise == NOISE_REAL and r.change is not None and r.change.improved is not None]
    within = [r for r in rows if r.noise == NOISE_WITHIN]
    if not real and not within:
        return
    better = [r.label for r in real if r.change and r.change.improved]
    worse = [r.label for r in real if r.change and not r.change.improved]
    parts = []
    if better:
        parts.append("**Really better:** " + ", ".join(better))
    if worse:
        parts.append("**Really worse:** " + ", ".join(worse))
    if within:
        parts.append("**Within noise** (the change could be chance): " + ", ".join(r.label for r in within))
    st.markdown("  \n".join(parts))


def _unmeasured_note(attainment: pd.DataFrame) -> None:
    """Name the figures each member cannot have (member names come from the data: plain text only)."""
    unmeasured = attainment[attainment["not_measured"] != ""] if not attainment.empty else attainment
    if not unmeasured.empty:
        st.text("Not measured for these sources, so left out of attainment (a member with such a figure is never "
                "called a watermelon): " + "; ".join(f"{m.member}: {m.not_measured}" for m in unmeasured.itertuples()))


def _quadrant(ctx: PageContext, metrics: list[Metric]) -> tuple[pd.DataFrame, object]:
    st.subheader("Efficiency × Empathy")
    breakdown = st.segmented_control("Compare", list(BREAKDOWN_LABELS), format_func=BREAKDOWN_LABELS.get,
                                     default="segment", key="executive_breakdown") or "segment"
    figures = queries.period_figures_by(ctx.warehouse_url, ctx.version, [m.name for m in metrics], ctx.filters,
                                        breakdown)
    attainment = attainment_by_member(figures, metrics, ctx.settings)
    _unmeasured_note(attainment)
    signals = ctx.settings.signals
    try:
        chart = charts.quadrant_chart(attainment, breakdown_label=BREAKDOWN_LABELS[breakdown],
                                      sla_threshold=signals.watermelon_sla_attainment,
                                      xla_threshold=signals.watermelon_xla_attainment)
    except ValueError:
        st.info(f"No {BREAKDOWN_LABELS[breakdown].lower()} has both SLA and XLA figures with enough cases for these "
                "filters.")
        return attainment, None
    show_chart(chart, width="stretch", theme=None)
    if breakdown == "intent":
        intent_source_note(ctx, "contacts")
    melons = attainment[attainment["is_watermelon"]]
    st.caption(
        f"Each point is a {BREAKDOWN_LABELS[breakdown].lower()}: the share of its SLA targets met (across) and of its "
        f"XLA targets met (up), counting figures with at least {ctx.settings.metrics.min_cases} cases. Bottom right, "
        f"in vermillion, are watermelons: at least {signals.watermelon_sla_attainment:.0%} of SLA targets met but "
        f"under {signals.watermelon_xla_attainment:.0%} of XLA targets: green on the dashboard, red for customers."
    )
    if not melons.empty:
        named = (f"{escape_markdown(str(m.member))} (missed: {escape_markdown(str(m.missed))})"
                 for m in melons.itertuples())
        st.warning("Watermelons: " + "; ".join(named))

    with st.expander("Download"):
        chart_download_buttons(chart, subject="Efficiency x Empathy", naming=naming_for("Executive review", ctx))
    return attainment, chart


def _rate(value: object) -> str:
    return format_value(None if value is None or pd.isna(value) else float(value), "rate")


def handoff_lines(frame: pd.DataFrame) -> list[str]:
    """One sentence per flagged intent and month (pure; plain text: intent names come from exports)."""
    lines = []
    for row in frame.itertuples():
        why = []
        if row.is_above_threshold:
            why.append("above the threshold")
        if row.is_rising:
            why.append(f"up from {_rate(row.previous_handoff_rate)}")
        lines.append(f"{row.member} ({pd.Timestamp(row.period_month):%b %Y}): the bot handed off "
                     f"{_rate(row.handoff_rate)} of {int(row.count_bot_sessions):,} sessions, {' and '.join(why)}")
    return lines


def repetition_lines(frame: pd.DataFrame) -> list[str]:
    lines = []
    for row in frame.itertuples():
        why = []
        if row.is_repeat_above_threshold or row.is_repeat_rising:
            why.append(f"repeat contacts {_rate(row.repeat_contact_rate)}"
                       + (f" (up from {_rate(row.previous_repeat_contact_rate)})" if row.is_repeat_rising else ""))
        if row.is_restatement_above_threshold or row.is_restatement_rising:
            why.append(f"customers repeated themselves after a hand-off in {_rate(row.restatement_rate)}"
                       + (f" (up from {_rate(row.previous_restatement_rate)})" if row.is_restatement_rising else ""))
        lines.append(f"{row.member} ({pd.Timestamp(row.period_month):%b %Y}): " + "; ".join(why))
    return lines


def _signals(ctx: PageContext) -> None:
    st.subheader("Signals of the empathy gap")
    start, end = ctx.filters.start, ctx.filters.end
    signals = ctx.settings.signals
    st.caption(f"Monthly signals for the months this period touches ({start:%b %Y} – {end:%b %Y}), per intent, "
               f"with at least {signals.min_cases} cases a month. Thresholds are in the configuration ([signals]).")
    scope = ctx.filters.scope
    if not scope.everything:  # the monthly signals are not kept per team, queue or source
        st.text("Handoff Highway and Repetition Loop: not available for your scope (the signals are kept for the "
                "whole organisation only).")
    highway, loop, exodus = st.columns(3, gap="medium")
    with highway, st.container(border=True):
        st.markdown("**Handoff Highway**")
        st.caption(f"The bot hands off {signals.handoff_highway_rate:.0%} or more of an intent's sessions, or "
                   f"the rate rose {signals.rising_relative_change:.0%} on the month before.")
        lines = handoff_lines(signals_queries.handoff_highway(ctx.warehouse_url, ctx.version, start, end, scope))
        st.text("\n".join(f"• {line}" for line in lines[:6]) if lines
                else empty_text(ctx, "bot_sessions", "No intent flagged."))
        if len(lines) > 6:
            st.caption(f"and {len(lines) - 6} more: see Automation.")
    with loop, st.container(border=True):
        st.markdown("**Repetition Loop**")
        st.caption(f"Repeat contacts reach {signals.repetition_loop_rate:.0%} or restatements after a hand-off "
                   f"{signals.restatement_rate:.0%}, or either is rising.")
        lines = repetition_lines(signals_queries.repetition_loop(ctx.warehouse_url, ctx.version, start, end, scope))
        st.text("\n".join(f"• {line}" for line in lines[:6]) if lines
                else empty_text(ctx, "repeat_contact_rate", "No intent flagged."))
        if len(lines) > 6:
            st.caption(f"and {len(lines) - 6} more: see Journeys.")
    with exodus, st.container(border=True):
        st.markdown("**Silent Exodus**")
        st.caption(f"Accounts that churned with no complaint and no survey in their last {signals.silent_exodus_days}"
                   " days, or after contacting bots only.")
        silent = signals_queries.silent_exodus(ctx.warehouse_url, ctx.version, start, end, scope)
        churned = signals_queries.churned_accounts_count(ctx.warehouse_url, ctx.version, start, end, scope)
        if silent.empty:
            st.markdown(f"None of the {churned} accounts that churned in the period left in silence."
                        if churned else "No account churned in the period inside the contact history.")
        else:
            arr = format_value(float(silent["arr_amount"].fillna(0).sum()), "money", ctx.settings.currency)
            st.markdown(f"**{len(silent)} of {churned}** accounts that churned left in silence, {arr} of ARR.")
            kinds = silent["silence_kind"].value_counts()
            st.markdown("\n".join(f"- {escape_markdown(str(kind))}: {count:,}" for kind, count in kinds.items()))


PACK_TRENDS = ("service_level", "first_contact_resolution", "csat", "true_containment_rate")


def pack_scorecard(rows: list[ScorecardRow]) -> list[PackRow]:
    """The scorecard as the PDF pack prints it (pure)."""
    out = []
    for row in rows:
        change = row.change
        out.append(PackRow(label=row.label + (" (thin)" if row.is_thin else ""), current=row.value_text,
                           target=row.target_text, change=row.delta_text, interval=row.change_interval_text,
                           within_noise=bool(change is not None and change.within_noise),
                           status=row.status))
    return out


def _pack_bytes(ctx: PageContext, rows: list[ScorecardRow], metrics: list[Metric], quadrant: object) -> bytes:
    """The KPI-review pack for the current filters: scorecard, the quadrant and key weekly trends, stamped with
    the filters, the as-of time and the definition versions. Made only when the button is clicked."""
    by_name = {m.name: m for m in metrics}
    weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, [n for n in PACK_TRENDS if n in by_name],
                                    ctx.filters)
    pictures = []
    if quadrant is not None:
        pictures.append(PackChart("Efficiency × Empathy", chart_png(quadrant)))
    for name in PACK_TRENDS:
        metric = by_name.get(name)
        series = weekly[weekly["metric"] == name] if not weekly.empty else weekly
        if metric is None or series.empty or series["value"].notna().sum() == 0:
            continue
        chart = charts.trend_chart(series, label=metric.label, unit=metric.unit,
                                   target=target_for(metric, ctx.settings.targets), direction=metric.direction,
                                   currency=ctx.settings.currency)
        pictures.append(PackChart(f"{metric.label}, weekly", chart_png(chart, title=metric.label)))
    as_of = format_as_of(ctx.as_of.to_pydatetime() if ctx.as_of is not None else None, ctx.timezone)
    shown = {r.metric for r in rows}
    pack = KpiPack(
        title="KPI review", filters=filters_in_words(ctx.filters), as_of=as_of, scorecard=pack_scorecard(rows),
        charts=pictures,
        definitions=[DefinitionUsed(m.name, m.version, m.variant) for m in metrics if m.name in shown],
    )
    return kpi_pack_pdf(pack)


ATTAINMENT_HEADERS = {
    "member": "Member", "sla_measured": "SLA targets measured", "sla_met": "SLA targets met",
    "xla_measured": "XLA targets measured", "xla_met": "XLA targets met", "sla_attainment": "SLA targets met (share)",
    "xla_attainment": "XLA targets met (share)", "is_watermelon": "Watermelon", "missed": "Targets missed",
    "cases": "Contacts", "not_measured": "Not measured (left out of attainment)",
}
ATTAINMENT_UNITS = {"SLA targets measured": "count", "SLA targets met": "count", "XLA targets measured": "count",
                    "XLA targets met": "count", "SLA targets met (share)": "rate", "XLA targets met (share)": "rate",
                    "Contacts": "count"}


def tables_sheets(rows: list[ScorecardRow], metrics: list[Metric], accounts: float | None,
                  attainment: pd.DataFrame) -> list[Sheet]:
    """The workbook of the page: the scorecard as typed figures, and the Efficiency x Empathy table (pure)."""
    directions = {m.name: m.direction for m in metrics}
    sheets = [scorecard_sheet(
        rows, cases=[accounts if r.kind in SNAPSHOT_KINDS else r.cases for r in rows],
        cases_of=["accounts" if r.kind in SNAPSHOT_KINDS else "cases" for r in rows],
        directions=[directions.get(r.metric, "") for r in rows])]
    if not attainment.empty:
        table = attainment.rename(columns=ATTAINMENT_HEADERS)
        sheets.append(Sheet("Efficiency x Empathy", table, ATTAINMENT_UNITS))
    return sheets


def _page_downloads(ctx: PageContext, rows: list[ScorecardRow], metrics: list[Metric], accounts: float | None,
                    attainment: pd.DataFrame, quadrant: object) -> None:
    naming = naming_for("Executive review", ctx)
    sheets = tables_sheets(rows, metrics, accounts, attainment)
    render_downloads([
        Download("KPI pack (PDF)", naming.file_name("KPI review", "pdf"), MIME["pdf"],
                 "download-executive-pack-pdf", lambda: _pack_bytes(ctx, rows, metrics, quadrant)),
        Download("All tables (Excel)", naming.file_name("tables", "xlsx"), MIME["xlsx"],
                 "download-executive-tables-xlsx", lambda: tables_xlsx(sheets, currency=ctx.settings.currency)),
    ])


def render() -> None:
    ctx = context()
    page_header("Executive review", "Are we meeting our service and experience targets, and is the change real?",
                ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    catalog = queries.catalog_in_use()
    metrics = [catalog[name] for name in SCORECARD_METRICS if name in catalog]
    compare_start, compare_end = ctx.filters.comparison
    compare = ctx.first_day is not None and compare_start >= ctx.first_day
    mode = "same period last year" if ctx.filters.compare == COMPARE_LAST_YEAR else "previous period"
    if compare:
        st.caption(f"Changes are against {compare_start:%d %b %Y} – {compare_end:%d %b %Y} ({mode}), with their "
                   f"{ctx.settings.metrics.confidence_level:.0%} confidence interval. *Within noise* means the "
                   "interval includes no change at all.")
    else:
        st.caption(f"No comparison: the {mode} ({compare_start:%d %b %Y} – {compare_end:%d %b %Y}) is not all in "
                   "the data.")
    try:
        rows, accounts = _scorecard(ctx, metrics, compare)
        if all(r.value is None for r in rows):
            st.info("No figures for these filters. Widen the dates or clear a filter in the sidebar.")
            return
        _verdict(rows)
        attainment, quadrant = _quadrant(ctx, metrics)
        _signals(ctx)
        st.subheader("Take it to the meeting")
        st.caption("The PDF pack holds the scorecard, the Efficiency × Empathy view and key weekly trends for the "
                   "filters shown, stamped with the filters, the as-of time and the definition versions.")
        _page_downloads(ctx, rows, metrics, accounts, attainment, quadrant)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
