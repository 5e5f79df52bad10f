"""Automation: is the bot really resolving problems, or handing them on and losing context?

Headline figures (true containment beside containment, handoffs, the wait for a person, restatement, the
change of tone across the handoff), the intents the bot hands off most (Handoff Highway) and those where
customers repeat themselves (Repetition Loop), the bot's outcomes week by week with a drill-down to one
intent, the customer's tone before and after the handoff, and what a resolution costs on each path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.app_pages.automation import charts as charts_automation
from dashboard.app_pages.automation import queries as queries_automation
from dashboard.context import PageContext, context, page_header
from dashboard.download_buttons import (
    ExportNaming,
    chart_download_buttons,
    naming_for,
    sheet_download_buttons,
    streamed_table_download_buttons,
)
from dashboard.exports import scorecard_sheet
from dashboard.filters import COMPARE_LAST_YEAR, Filters
from dashboard.formatting import direction_words, escape_markdown, format_delta, format_value, is_flat
from dashboard.scorecard import NOISE_REAL, ScorecardRow, scorecard_rows
from dashboard.widgets.chart import show_chart
from dashboard.widgets.definition_link import definition_link
from dashboard.widgets.empty_states import empty_text
from dashboard.widgets.intent_source_note import intent_source_note
from etl.catalog import Metric

PAGE = "automation"
QUESTION = "Is the bot really resolving problems, or handing them on and losing context?"
VOLUME_METRIC = "bot_sessions"
# Headline tiles in reading order: the bot's two containment figures side by side, then the handoff.
HEADLINE_ROWS = (
    ("true_containment_rate", "containment_rate", "handoff_rate"),
    ("time_to_first_human_after_handoff", "restatement_rate", "sentiment_change_across_handoff"),
)
HEADLINE_METRICS = tuple(name for row in HEADLINE_ROWS for name in row)
# The bot outcome of every session (docs/automation.md), each with its share metric in the catalog.
OUTCOME_METRICS = {
    "contained_confirmed": "bot_outcome_contained_confirmed_share",
    "contained_soft": "bot_outcome_contained_soft_share",
    "escalated_customer_request": "bot_outcome_escalated_customer_request_share",
    "escalated_bot_failure": "bot_outcome_escalated_bot_failure_share",
    "abandoned": "bot_outcome_abandoned_share",
}
OUTCOME_LABEL_PREFIX = "Bot outcome: "
INTENT_METRICS = (VOLUME_METRIC, "handoff_rate", "restatement_rate", "true_containment_rate", "containment_rate")
DRILL_METRICS = (VOLUME_METRIC, "handoff_rate", "restatement_rate", "true_containment_rate")
COST_METRIC = queries_automation.COST_METRIC
ALL_INTENTS = "All intents"
INTENT_KEY = "automation_intent"
HIGHWAY_CHART_KEY, HIGHWAY_SELECTION = "automation_highway_chart", "highway_intent"
RESTATEMENT_CHART_KEY, RESTATEMENT_SELECTION = "automation_restatement_chart", "restatement_intent"
OUTCOME_SCALE_KEY = "automation_outcome_scale"
OUTCOME_SCALES = {"share": "Share of sessions", "sessions": "Sessions"}
DELTA_COLOURS = {"higher_is_better": "normal", "lower_is_better": "inverse"}


# ---------------------------------------------------------------- pure helpers


def outcome_label(metric: Metric) -> str:
    """"Bot outcome: contained, confirmed" -> "Contained, confirmed"."""
    text = metric.label.removeprefix(OUTCOME_LABEL_PREFIX)
    return text[:1].upper() + text[1:]


def outcome_frame(weekly: pd.DataFrame, catalog: Mapping[str, Metric]) -> pd.DataFrame:
    """One row per week x bot outcome from queries.weekly_figures of the outcome share metrics: week_start,
    outcome, outcome_label, sessions (the metric's numerator), share (its value), days_in_range."""
    columns = ["week_start", "outcome", "outcome_label", "sessions", "share", "days_in_range"]
    parts = []
    for outcome, name in OUTCOME_METRICS.items():
        rows = weekly[weekly["metric"] == name] if not weekly.empty else weekly
        if rows.empty:
            continue
        parts.append(pd.DataFrame({
            "week_start": rows["week_start"].to_numpy(),
            "outcome": outcome,
            "outcome_label": outcome_label(catalog[name]),
            "sessions": rows["numerator"].fillna(0).to_numpy(),
            "share": rows["value"].to_numpy(),
            "days_in_range": (rows["days_in_range"] if "days_in_range" in rows else pd.Series(7, index=rows.index))
            .to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def intent_rates(by_intent: pd.DataFrame, metric: str, cases_metric: str | None = None) -> pd.DataFrame:
    """intent, value, cases of one rate metric in the current period, from queries.period_figures_by(...,
    "intent"); cases are the metric's denominator (or another metric's numerator)."""
    if by_intent.empty:
        return pd.DataFrame(columns=["intent", "value", "cases"])
    current = by_intent[by_intent["period"] == queries.CURRENT]
    rows = current[current["metric"] == metric]
    frame = pd.DataFrame({"intent": rows["member"].astype(str).to_numpy(), "value": rows["value"].to_numpy(),
                          "cases": rows["denominator"].fillna(0).to_numpy()})
    if cases_metric is not None:
        counts = current[current["metric"] == cases_metric].set_index("member")["numerator"]
        frame["cases"] = [float(counts.get(i, 0) or 0) for i in frame["intent"]]
    return frame.sort_values(["value", "intent"], ascending=[False, True], na_position="last", ignore_index=True)


def top_intents(rates: pd.DataFrame, min_cases: int, count: int = 3) -> str:
    """The `count` intents with the highest rate among those with at least `min_cases` cases, as
    "billing 90.4%, refund 88.7%" (pure; `rates` from intent_rates, already ranked). Intent names are escaped
    for Markdown: a taxonomy's names may come from exports or the discovery form."""
    kept = rates[(rates["cases"] >= min_cases) & rates["value"].notna()].head(count)
    return ", ".join(f"{escape_markdown(str(intent))} {format_value(float(value), 'rate')}"
                     for intent, value in zip(kept["intent"], kept["value"], strict=True))


def _month(value: Any) -> str:
    return f"{pd.Timestamp(value):%b %Y}"


def _rate(value: Any) -> str:
    return format_value(None if value is None or pd.isna(value) else float(value), "rate")


def highway_flags_table(flags: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The Handoff Highway months and intents as a reader's table, with what triggered each flag (pure)."""
    reasons = []
    for row in flags.itertuples():
        parts = []
        if row.is_above_threshold:
            parts.append(f"≥ {_rate(threshold)}")
        if row.is_rising:
            parts.append(f"rising {_rate(row.previous_handoff_rate)} → {_rate(row.handoff_rate)}")
        reasons.append("; ".join(parts))
    return pd.DataFrame({
        "Month": [_month(m) for m in flags["period_month"]],
        "Intent": flags["member"].astype(str).to_numpy(),
        "Handoff rate": [_rate(v) for v in flags["handoff_rate"]],
        "Bot sessions": flags["count_bot_sessions"].fillna(0).astype(int).to_numpy(),
        "Triggered by": reasons,
    })


def repetition_flags_table(flags: pd.DataFrame, restatement_threshold: float,
                           repeat_threshold: float) -> pd.DataFrame:
    """The Repetition Loop months and intents as a reader's table, with what triggered each flag (pure)."""
    reasons = []
    for row in flags.itertuples():
        parts = []
        if row.is_restatement_above_threshold:
            parts.append(f"restatement ≥ {_rate(restatement_threshold)}")
        if row.is_restatement_rising:
            parts.append(f"restatement rising {_rate(row.previous_restatement_rate)} → {_rate(row.restatement_rate)}")
        if row.is_repeat_above_threshold:
            parts.append(f"repeat contacts ≥ {_rate(repeat_threshold)}")
        if row.is_repeat_rising:
            parts.append(f"repeat contacts rising {_rate(row.previous_repeat_contact_rate)} → "
                         f"{_rate(row.repeat_contact_rate)}")
        reasons.append("; ".join(parts))
    return pd.DataFrame({
        "Month": [_month(m) for m in flags["period_month"]],
        "Intent": flags["member"].astype(str).to_numpy(),
        "Restatement": [_rate(v) for v in flags["restatement_rate"]],
        "Repeat contacts": [_rate(v) for v in flags["repeat_contact_rate"]],
        "Triggered by": reasons,
    })


# The flag tables' complete downloads: every flag of the filters as typed cells (the month as its first day, rates
# as shares with a percent format, counts as numbers, the triggers as true/false), not the text the page shows.
FlagExport = tuple[Callable[[], Iterator[pd.DataFrame]], Callable[[pd.DataFrame], pd.DataFrame], Mapping[str, str]]
HIGHWAY_EXPORT_UNITS = {"Handoff rate": "rate", "Handoff rate, month before": "rate", "Bot sessions": "count",
                        "Handoffs": "count"}
REPETITION_EXPORT_UNITS = {"Restatement": "rate", "Restatement, month before": "rate",
                           "Comparable handoffs": "count", "Repeat contacts": "rate",
                           "Repeat contacts, month before": "rate", "Repeat-eligible contacts": "count"}


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Float64").reset_index(drop=True)


def _booleans(values: pd.Series) -> pd.Series:
    return values.astype("boolean").reset_index(drop=True)


def _months_of(flags: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(flags["period_month"]).reset_index(drop=True)


def highway_flags_export(flags: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """A page of queries_automation.handoff_highway_flags as the typed rows of its download (pure)."""
    return pd.DataFrame({
        "Month": _months_of(flags),
        "Intent": flags["member"].astype(str).reset_index(drop=True),
        "Handoff rate": _numbers(flags["handoff_rate"]),
        "Handoff rate, month before": _numbers(flags["previous_handoff_rate"]),
        "Bot sessions": _numbers(flags["count_bot_sessions"]),
        "Handoffs": _numbers(flags["count_handoffs"]),
        f"At or above {_rate(threshold)}": _booleans(flags["is_above_threshold"]),
        "Rising": _booleans(flags["is_rising"]),
    })


def repetition_flags_export(flags: pd.DataFrame, restatement_threshold: float,
                            repeat_threshold: float) -> pd.DataFrame:
    """A page of queries_automation.repetition_loop_flags as the typed rows of its download (pure)."""
    return pd.DataFrame({
        "Month": _months_of(flags),
        "Intent": flags["member"].astype(str).reset_index(drop=True),
        "Restatement": _numbers(flags["restatement_rate"]),
        "Restatement, month before": _numbers(flags["previous_restatement_rate"]),
        "Comparable handoffs": _numbers(flags["count_handoffs_comparable"]),
        "Repeat contacts": _numbers(flags["repeat_contact_rate"]),
        "Repeat contacts, month before": _numbers(flags["previous_repeat_contact_rate"]),
        "Repeat-eligible contacts": _numbers(flags["count_repeat_eligible_contacts"]),
        f"Restatement at or above {_rate(restatement_threshold)}": _booleans(flags["is_restatement_above_threshold"]),
        "Restatement rising": _booleans(flags["is_restatement_rising"]),
        f"Repeat contacts at or above {_rate(repeat_threshold)}": _booleans(flags["is_repeat_above_threshold"]),
        "Repeat contacts rising": _booleans(flags["is_repeat_rising"]),
    })


def picked_intent(state: Any, selection: str) -> str | None:
    """The intent clicked in a chart's point selection (st.altair_chart state), None when cleared."""
    try:
        points = state["selection"][selection]
    except (KeyError, TypeError):
        return None
    if isinstance(points, Mapping):
        points = points.get("intent")
        points = [{"intent": points[0]}] if isinstance(points, list) and points else []
    for point in points or []:
        if isinstance(point, Mapping) and point.get("intent"):
            return str(point["intent"])
    return None


# ---------------------------------------------------------------- page parts


def _pick_from_chart(chart_key: str, selection: str) -> None:
    """on_select of a ranked intent chart: the clicked intent becomes the drill-down intent."""
    st.session_state[INTENT_KEY] = picked_intent(st.session_state.get(chart_key), selection) or ALL_INTENTS


def _chosen_intent() -> str | None:
    value = st.session_state.get(INTENT_KEY)
    return None if value in (None, ALL_INTENTS) else str(value)


def _downloads_expander(label: str = "Download") -> Any:
    """A small button that opens the download buttons of the element above it."""
    return st.popover(label, icon=":material/download:", type="tertiary")


def _tile(row: ScorecardRow, metric: Metric, ctx: PageContext, compare: bool) -> None:
    currency = ctx.settings.currency
    change = row.change
    delta = format_delta(change.current, change.previous, metric.unit, currency) if change and compare else None
    help_lines = [metric.description, f"{row.target_text} ({direction_words(metric.direction)})."]
    if change is not None and change.previous is not None:
        help_lines.append(f"Comparison period: {format_value(change.previous, metric.unit, currency)}.")
    st.metric(
        metric.label + (" (few cases)" if row.is_thin and row.value is not None else ""),
        row.tile_text,
        delta=delta,
        delta_color="off" if is_flat(delta) else DELTA_COLOURS.get(metric.direction, "off"),  # type: ignore[arg-type]
        delta_arrow="off" if is_flat(delta) else "auto",
        help="\n\n".join(help_lines),
    )
    status = {"met": "met", "missed": "missed"}.get(row.status or "")
    parts = [p for p in (row.reason_caption,) if p]
    parts.append(f"{row.target_text} ({status})" if status else row.target_text)
    if delta is not None:
        interval = row.change_interval_text
        noise = "**beyond noise**" if row.noise == NOISE_REAL else row.noise
        parts.append(f"{noise}" + (f" ({interval})" if interval else ""))
    parts.append(f"[How is this computed?]({definition_link(metric.name)})")
    st.caption(" · ".join(parts))


def cost_sentence(frame: pd.DataFrame, currency: str) -> str:
    """What the cost by path says, in words (pure): how a bot-then-person resolution compares with a person
    alone, and how many resolved episodes each figure stands on."""
    values = {str(p): (v, d) for p, v, d in zip(frame["episode_path"], frame["value"], frame["denominator"],
                                                 strict=True) if v is not None and not pd.isna(v)}
    if not values:
        return ""
    words = charts_automation.PATH_LABELS
    counts = ", ".join(f"{words.get(p, escape_markdown(p)).lower()} {int(d):,}" for p, (_, d) in values.items())
    text = f"Resolved episodes: {counts}."
    if "bot_then_human" in values and "human_only" in values:
        both, person = values["bot_then_human"][0], values["human_only"][0]
        relation = "more" if both > person else "less" if both < person else "as much"
        text = (f"A problem that went from the bot to a person cost **{format_value(both, 'money', currency)}** to "
                f"resolve, {relation} than one a person handled alone "
                f"(**{format_value(person, 'money', currency)}**). " + text)
    return text


def _headline(ctx: PageContext, catalog: Mapping[str, Metric], compare: bool, naming: ExportNaming) -> float:
    """The headline tiles; returns the number of bot sessions in the period (0: nothing to show)."""
    names = [VOLUME_METRIC, *HEADLINE_METRICS]
    metrics = [catalog[n] for n in names]
    periods = queries.period_figures(ctx.warehouse_url, ctx.version, names, ctx.filters)
    weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, names, ctx.filters)
    rows = {r.metric: r for r in scorecard_rows(metrics, periods, weekly, ctx.settings, compare=compare)}
    sessions = rows[VOLUME_METRIC].value or 0.0
    if not sessions:
        return 0.0
    for names_in_row in HEADLINE_ROWS:
        for column, name in zip(st.columns(len(names_in_row), gap="medium"), names_in_row, strict=True):
            with column, st.container(border=True):
                _tile(rows[name], catalog[name], ctx, compare)
    true_row, soft_row = rows["true_containment_rate"], rows["containment_rate"]
    window = ctx.settings.metrics.repeat_window_days
    summary = f"**{format_value(sessions, 'count')} bot sessions** in the period. "
    if true_row.value is not None and soft_row.value is not None:
        summary += (f"The bot kept **{soft_row.value_text}** of them (containment), but only **{true_row.value_text}"
                    f"** were kept *and* the customer did not come back about the same thing within {window} days "
                    "(true containment). The gap is customers the bot seemed to serve who came back; sessions too "
                    "recent to know are left out of true containment.")
    st.markdown(summary)
    with _downloads_expander("Download the headline figures"):
        sheet_download_buttons(scorecard_sheet([rows[n] for n in names], directions=[m.direction for m in metrics]),
                               subject="headline figures", naming=naming, currency=ctx.settings.currency)
    return float(sessions)


def _at_a_glance(ctx: PageContext, by_intent: pd.DataFrame) -> None:
    """The two questions of the page answered in one line each, before the charts that show them."""
    min_cases = ctx.settings.signals.min_cases
    lines = []
    handed = top_intents(intent_rates(by_intent, "handoff_rate"), min_cases)
    if handed:
        lines.append(f"**Handed off most:** {handed}")
    repeated = top_intents(intent_rates(by_intent, "restatement_rate"), min_cases)
    if repeated:
        lines.append(f"**Customers repeated themselves most after a handoff in:** {repeated}")
    if lines:
        st.markdown("  \n".join(lines) + f"  \n*Intents with at least {min_cases} cases in the period.*")


def _intent_chart(frame: pd.DataFrame, *, rate_label: str, cases_label: str, threshold: float,
                  threshold_label: str, ctx: PageContext, chart_key: str, selection: str, subject: str,
                  caption: str, naming: ExportNaming) -> bool:
    """A ranked intent chart, clickable (the click sets the drill-down intent); False when empty."""
    try:
        chart = charts_automation.intent_rate_chart(
            frame, rate_label=rate_label, cases_label=cases_label, threshold=threshold,
            threshold_label=threshold_label, min_cases=ctx.settings.signals.min_cases, selected=_chosen_intent(),
            selection_name=selection)
    except ValueError:
        return False
    show_chart(chart, width="stretch", theme=None, key=chart_key, on_select=lambda: _pick_from_chart(
        chart_key, selection), selection_mode=selection)
    st.caption(caption)
    with _downloads_expander():
        chart_download_buttons(chart, subject=subject, naming=naming)
    return True


def rising_note(rising_relative_change: float) -> str:
    """What "rising" means in the flag tables."""
    return (f"Rising: up {rising_relative_change:.0%} or more on the month before (relative). Months with fewer "
            "cases than [signals] min_cases are never flagged. Flags are monthly over all channels, queues, teams "
            "and segments; only the intent filter applies.")


def _flag_table(table: pd.DataFrame, total: int, subject: str, naming: ExportNaming, empty_text: str,
                note: str, export: FlagExport, currency: str) -> None:
    if table.empty:
        st.caption(empty_text)
        return
    st.dataframe(table, hide_index=True, width="stretch", height=min(35 * (len(table) + 1) + 3, 316),
                 column_config={"Month": st.column_config.Column("Month", width="small")})
    footer = f"{total} flag{'s' if total != 1 else ''} (an intent in a calendar month), newest first"
    if total > queries_automation.ROWS_PER_PAGE:
        footer += f", {queries_automation.ROWS_PER_PAGE} a page"
    st.caption(f"{footer}. {note} The download holds every flag, not only this page.")
    pages, to_export, units = export
    with _downloads_expander():
        streamed_table_download_buttons(lambda: (to_export(page) for page in pages()), subject=subject,
                                        naming=naming, units=units, currency=currency)


def _page_number(total_key: str, total: int) -> int:
    pages = max(1, -(-total // queries_automation.ROWS_PER_PAGE))
    if pages == 1:
        return 0
    return int(st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, key=total_key)) - 1


def _handoff_highway(ctx: PageContext, catalog: Mapping[str, Metric], by_intent: pd.DataFrame,
                     naming: ExportNaming) -> None:
    signals = ctx.settings.signals
    metric = catalog["handoff_rate"]
    st.subheader("Which intents does the bot hand off most?")
    frame = intent_rates(by_intent, "handoff_rate")
    threshold_label = f"Handoff Highway: {format_value(signals.handoff_highway_rate, 'rate')} ([signals])"
    caption = (f"Share of each intent's bot sessions handed to a person in the period. Vermillion: at or above the "
               f"Handoff Highway threshold of {format_value(signals.handoff_highway_rate, 'rate')} (dashed line). "
               f"Click a bar to follow that intent below. [How is this computed?]({definition_link(metric.name)})")
    if not _intent_chart(frame, rate_label=metric.label, cases_label="bot sessions",
                         threshold=signals.handoff_highway_rate, threshold_label=threshold_label, ctx=ctx,
                         chart_key=HIGHWAY_CHART_KEY, selection=HIGHWAY_SELECTION, subject="handoff rate by intent",
                         caption=caption, naming=naming):
        st.info("No intent has bot sessions for these filters.")
        return
    intent_source_note(ctx, "bot_sessions")


def _repetition(ctx: PageContext, catalog: Mapping[str, Metric], by_intent: pd.DataFrame,
                naming: ExportNaming) -> None:
    signals = ctx.settings.signals
    metric = catalog["restatement_rate"]
    st.subheader("Did customers have to repeat themselves?")
    frame = intent_rates(by_intent, "restatement_rate")
    threshold_label = f"Repetition Loop: {format_value(signals.restatement_rate, 'rate')} ([signals])"
    caption = (f"Share of each intent's handed-off conversations in which the customer told the person what they "
               f"had already told the bot. Vermillion: at or above the Repetition Loop threshold of "
               f"{format_value(signals.restatement_rate, 'rate')} (dashed line). Click a bar to follow that intent "
               f"below. [How is this computed?]({definition_link(metric.name)})")
    if not _intent_chart(frame, rate_label=metric.label, cases_label="comparable handoffs",
                         threshold=signals.restatement_rate, threshold_label=threshold_label, ctx=ctx,
                         chart_key=RESTATEMENT_CHART_KEY, selection=RESTATEMENT_SELECTION,
                         subject="restatement rate by intent", caption=caption, naming=naming):
        st.info("No handed-off conversation has customer turns on both sides for these filters.")


def _flags(ctx: PageContext, naming: ExportNaming) -> None:
    """The months and intents the Handoff Highway and Repetition Loop signals flagged, with their triggers."""
    signals = ctx.settings.signals
    highway_total = _flag_total(ctx, queries_automation.handoff_highway_flags)
    loop_total = _flag_total(ctx, queries_automation.repetition_loop_flags)
    st.markdown(f"**Flagged months** in {_month(ctx.filters.start)} – {_month(ctx.filters.end)}")
    flag_query = (ctx.warehouse_url, ctx.filters.start, ctx.filters.end, ctx.filters.intents, ctx.filters.scope)
    highway_tab, loop_tab = st.tabs([f"Handoff Highway ({highway_total})", f"Repetition Loop ({loop_total})"])
    with highway_tab:
        page = _page_number("automation_highway_page", highway_total)
        flags = queries_automation.handoff_highway_flags(ctx.warehouse_url, ctx.version, ctx.filters.start,
                                                         ctx.filters.end, ctx.filters.intents, ctx.filters.scope,
                                                         page)
        _flag_table(highway_flags_table(flags, signals.handoff_highway_rate), highway_total,
                    "handoff highway flags", naming, "No intent was flagged in the months of this period.",
                    rising_note(signals.rising_relative_change),
                    (lambda: queries_automation.handoff_highway_flag_pages(*flag_query),
                     lambda page: highway_flags_export(page, signals.handoff_highway_rate), HIGHWAY_EXPORT_UNITS),
                    ctx.settings.currency)
    with loop_tab:
        page = _page_number("automation_repetition_page", loop_total)
        flags = queries_automation.repetition_loop_flags(ctx.warehouse_url, ctx.version, ctx.filters.start,
                                                         ctx.filters.end, ctx.filters.intents, ctx.filters.scope,
                                                         page)
        _flag_table(repetition_flags_table(flags, signals.restatement_rate, signals.repetition_loop_rate),
                    loop_total, "repetition loop flags", naming, "No intent was flagged in the months of this period.",
                    rising_note(signals.rising_relative_change),
                    (lambda: queries_automation.repetition_loop_flag_pages(*flag_query),
                     lambda page: repetition_flags_export(page, signals.restatement_rate,
                                                          signals.repetition_loop_rate), REPETITION_EXPORT_UNITS),
                    ctx.settings.currency)


def _flag_total(ctx: PageContext, query: Any) -> int:
    first = query(ctx.warehouse_url, ctx.version, ctx.filters.start, ctx.filters.end, ctx.filters.intents,
                  ctx.filters.scope, 0)
    return 0 if first.empty else int(first["total_rows"].iloc[0])


def _intent_figures(ctx: PageContext, catalog: Mapping[str, Metric], intent: str, filters: Filters,
                    compare: bool) -> None:
    metrics = [catalog[n] for n in DRILL_METRICS]
    periods = queries.period_figures(ctx.warehouse_url, ctx.version, DRILL_METRICS, filters)
    weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, DRILL_METRICS, filters)
    rows = scorecard_rows(metrics, periods, weekly, ctx.settings, compare=compare)
    for column, row, metric in zip(st.columns(len(rows), gap="medium"), rows, metrics, strict=True):
        with column, st.container(border=True):
            _tile(row, metric, ctx, compare)
    flags = queries_automation.handoff_highway_flags(ctx.warehouse_url, ctx.version, ctx.filters.start,
                                                     ctx.filters.end, (intent,), ctx.filters.scope)
    loops = queries_automation.repetition_loop_flags(ctx.warehouse_url, ctx.version, ctx.filters.start,
                                                     ctx.filters.end, (intent,), ctx.filters.scope)
    notes = []
    if not flags.empty:
        notes.append("Handoff Highway in " + ", ".join(_month(m) for m in flags["period_month"]))
    if not loops.empty:
        notes.append("Repetition Loop in " + ", ".join(_month(m) for m in loops["period_month"]))
    st.caption(f"**{escape_markdown(str(intent))}**: " + ("; ".join(f"flagged by the {n}" for n in notes) if notes
                                    else "not flagged by the Handoff Highway or Repetition Loop in this period") + ".")


def _outcomes(ctx: PageContext, catalog: Mapping[str, Metric], intents: list[str], compare: bool,
              naming: ExportNaming) -> None:
    st.subheader("What did the bot do with each session?")
    if st.session_state.get(INTENT_KEY) not in [ALL_INTENTS, *intents]:
        st.session_state[INTENT_KEY] = ALL_INTENTS
    left, right = st.columns([2, 1])
    with left:
        st.selectbox("Intent", [ALL_INTENTS, *intents], key=INTENT_KEY,
                     help="Or click an intent's bar in the charts above.")
    with right:
        scale = st.segmented_control("Show", list(OUTCOME_SCALES), format_func=OUTCOME_SCALES.get, default="share",
                                     key=OUTCOME_SCALE_KEY) or "share"
    intent = _chosen_intent()
    filters = dataclasses.replace(ctx.filters, intents=(intent,)) if intent else ctx.filters
    if intent:
        _intent_figures(ctx, catalog, intent, filters, compare)
    weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, tuple(OUTCOME_METRICS.values()), filters)
    frame = outcome_frame(weekly, catalog)
    try:
        chart = charts_automation.outcome_chart(frame, as_share=scale == "share")
    except ValueError:
        st.info("No bot sessions for this intent and these filters.")
        return
    show_chart(chart, width="stretch", theme=None)
    st.caption(
        "Every bot session has one outcome, the first that applies: abandoned (the customer left, in the bot or in "
        "the queue after the handoff), handed off on the customer's request, handed off by the bot (no request: "
        "the bot failed or its flow sends the topic to people), contained with the customer confirming it was "
        "solved, or contained unconfirmed (the bot answered and the customer left without asking for more). "
        "Weeks run Monday to Sunday; the first and last may be partial (see the tooltip). "
        + " · ".join(f"[{outcome_label(catalog[n])}]({definition_link(n)})" for n in OUTCOME_METRICS.values())
    )
    with _downloads_expander():
        chart_download_buttons(chart, subject=f"bot outcomes by week{' - ' + intent if intent else ''}", naming=naming)


def _sentiment(ctx: PageContext, catalog: Mapping[str, Metric], naming: ExportNaming) -> None:
    metric = catalog["sentiment_change_across_handoff"]
    st.subheader("Did the customer's mood change at the handoff?")
    frame = queries_automation.sentiment_before_after_by_intent(ctx.warehouse_url, ctx.version, ctx.filters)
    try:
        chart = charts_automation.sentiment_handoff_chart(frame, selected=_chosen_intent())
    except ValueError:
        st.info("No handed-off conversation has scored customer messages for these filters.")
        return
    show_chart(chart, width="stretch", theme=None)
    st.caption("Per intent, the mean tone (VADER compound, -1 very negative to +1 very positive) of what customers "
               "wrote to the bot before the handoff (orange) and to the person after it (blue); intents whose tone "
               "rose most are on top. Each side counts the handed-off sessions with customer messages on that side. "
               f"[How is this computed?]({definition_link(metric.name)})")
    with _downloads_expander():
        chart_download_buttons(chart, subject="sentiment across the handoff by intent", naming=naming)


def _cost(ctx: PageContext, catalog: Mapping[str, Metric], naming: ExportNaming) -> None:
    metric = catalog[COST_METRIC]
    currency = ctx.settings.currency
    st.subheader("What does a resolution cost on each path?")
    frame = queries_automation.cost_per_resolution_by_path(ctx.warehouse_url, ctx.version, ctx.filters)
    try:
        chart = charts_automation.cost_by_path_chart(frame, label=metric.label, currency=currency)
    except ValueError:
        st.info("No resolved episode for these filters.")
        return
    show_chart(chart, width="stretch", theme=None)
    sentence = cost_sentence(frame, currency)
    if sentence:
        st.markdown(sentence)
    if pd.to_numeric(frame["numerator"], errors="coerce").fillna(0).sum() == 0:
        st.warning("Every contact costs nothing: no unit costs are configured ([unit_costs] in cxpulse.toml).")
    st.caption(
        f"{metric.label} in {currency.upper()}: the configured unit costs of every contact of a resolved episode "
        "(one customer's contacts about one intent within the repeat window, on any channel) summed, averaged "
        "over resolved episodes. **Bot only**: the bot handled every contact alone. **Bot, then a person**: a bot "
        "took part and a person too (a handoff, or a return to another channel). **Person only**: no bot took "
        "part. Episodes count on the day and attributes of their first contact. "
        f"[How is this computed?]({definition_link(metric.name)})"
    )
    with _downloads_expander():
        chart_download_buttons(chart, subject="cost per resolved episode by path", naming=naming)


def render() -> None:
    ctx = context()
    page_header("Automation", QUESTION, ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    catalog = queries.catalog_in_use()
    naming = naming_for(PAGE, ctx)
    compare_start, compare_end = ctx.filters.comparison
    compare = ctx.first_day is not None and compare_start >= ctx.first_day
    mode = "same period last year" if ctx.filters.compare == COMPARE_LAST_YEAR else "previous period"
    st.caption(f"Changes are against {compare_start:%d %b %Y} – {compare_end:%d %b %Y} ({mode}), with their "
               f"{ctx.settings.metrics.confidence_level:.0%} confidence interval; *within noise*: the interval "
               "includes no change at all." if compare else
               f"No comparison: the {mode} ({compare_start:%d %b %Y} – {compare_end:%d %b %Y}) is not all in the data.")
    try:
        sessions = _headline(ctx, catalog, compare, naming)
        if not sessions:
            st.info(empty_text(ctx, "bot_sessions", "No bot sessions match these filters. Widen the dates or clear a "
                               "filter in the sidebar."))
            return
        by_intent = queries.period_figures_by(ctx.warehouse_url, ctx.version, INTENT_METRICS, ctx.filters, "intent")
        _at_a_glance(ctx, by_intent)
        left, right = st.columns(2, gap="large")
        with left:
            _handoff_highway(ctx, catalog, by_intent, naming)
        with right:
            _repetition(ctx, catalog, by_intent, naming)
        _flags(ctx, naming)
        volumes = intent_rates(by_intent, VOLUME_METRIC)
        intents = sorted(volumes.loc[volumes["value"].fillna(0) > 0, "intent"].tolist())
        _outcomes(ctx, catalog, intents, compare, naming)
        left, right = st.columns(2, gap="large")
        with left:
            _sentiment(ctx, catalog, naming)
        with right:
            _cost(ctx, catalog, naming)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
