"""Journeys and repeat contact: do customers get their problem solved the first time, or do they have to come
back, and where?

Headline figures (scorecard rows), the weekly trend of repeat contact and first-contact resolution, the worst
members of a breakdown by repeat-contact rate (thin figures ranked last), then, for all episodes or for the
member picked on the chart, the channel paths of episodes and the confidence-in-resolution ladder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.app_pages.journeys import charts as charts_journeys
from dashboard.app_pages.journeys import queries as queries_journeys
from dashboard.context import PageContext, context, page_header
from dashboard.download_buttons import chart_download_buttons, naming_for, streamed_table_download_buttons
from dashboard.filters import COMPARE_LAST_YEAR, Filters
from dashboard.formatting import escape_markdown, format_count, format_delta, is_flat
from dashboard.scorecard import NOISE_REAL, ScorecardRow, interval_text, scorecard_rows
from dashboard.widgets.chart import show_chart
from dashboard.widgets.definition_link import definition_link
from dashboard.widgets.empty_states import empty_text
from dashboard.widgets.intent_source_note import intent_source_note
from etl.catalog import Metric, target_for

PAGE = "journeys"
TITLE = "Journeys and repeat contact"
QUESTION = "Do customers get their problem solved the first time, or do they have to come back — and where?"
HEADLINE_METRICS = ("first_contact_resolution", "repeat_contact_rate", "channel_switch_rate",
                    "touches_per_resolved_episode", "episode_resolution_rate")
TREND_METRICS = ("repeat_contact_rate", "first_contact_resolution")
# measures that look forward from a contact (a return within the window after it): unsettled weeks are left out
FORWARD_METRICS = ("first_contact_resolution",)
COUNT_METRICS = ("fcr_censored_contacts", "fcr_undetermined_contacts", "episodes", "censored_episodes")
RANK_METRIC = "repeat_contact_rate"
LADDER_METRICS = {"confirmed": "resolution_confirmed_share", "no_return": "resolution_no_return_share",
                  "tone_not_negative": "resolution_tone_not_negative_share",
                  "unconfirmed": "resolution_unconfirmed_share"}
# breakdown (queries.BREAKDOWNS) -> its words and the Filters field that narrows to one member
BREAKDOWN_LABELS = {"intent": "Intent", "channel": "Channel", "queue": "Queue", "team": "Team"}
BREAKDOWN_FIELDS = {"intent": "intents", "channel": "channels", "queue": "queues", "team": "teams"}
BREAKDOWN_KEY = "journeys_breakdown"
FOCUS_KEY = "journeys_focus"
LAST_PICK_KEY = "journeys_last_pick"
PATHS_PAGE_KEY = "journeys_paths_page"
ALL = "__all__"
TOP_MEMBERS = 15
TOP_PATHS = 12
DELTA_COLOURS = {"higher_is_better": "normal", "lower_is_better": "inverse", "neutral": "off"}


def focus_filters(filters: Filters, breakdown: str, member: str | None) -> Filters:
    """The global filters narrowed to one member of the breakdown (unchanged when no member is chosen)."""
    if member is None:
        return filters
    return dataclasses.replace(filters, **{BREAKDOWN_FIELDS[breakdown]: (member,)})


def picked_member(event: object) -> str | None:
    """The member a click on the ranked chart picked, from st.altair_chart's selection event (None if none)."""
    selection = getattr(event, "selection", None)
    if selection is None and isinstance(event, dict):
        selection = event.get("selection")
    if not selection:
        return None
    points = selection.get(charts_journeys.SELECTION) or []
    if isinstance(points, dict):  # some versions return {"member": [...]}
        members = points.get("member") or []
        return str(members[0]) if members else None
    for point in points:
        if isinstance(point, dict) and point.get("member") is not None:
            return str(point["member"])
    return None


def settled_weeks(series: pd.DataFrame, last_day: dt.date | None, window_days: int) -> pd.DataFrame:
    """The weeks whose every contact's return window had closed by the last day with data (pure).

    A return is seen at once but "no return" only once the window is over: in a week whose windows are still
    open the known contacts are mostly returns, and first-contact resolution would plunge for no real reason."""
    if series.empty or last_day is None:
        return series
    last_contact_day = pd.to_datetime(series["week_start"]) + pd.Timedelta(days=6)
    return series[last_contact_day + pd.Timedelta(days=window_days) <= pd.Timestamp(last_day)]


def _count(periods: pd.DataFrame, metric: str) -> int | None:
    rows = periods[(periods["metric"] == metric) & (periods["period"] == queries.CURRENT)] if not periods.empty \
        else periods
    if rows.empty or pd.isna(rows["numerator"].iloc[0]):
        return None
    return int(rows["numerator"].iloc[0])


def _headline(row: ScorecardRow, metric: Metric, ctx: PageContext) -> None:
    currency = ctx.settings.currency
    delta = format_delta(row.change.current, row.change.previous, row.unit, currency) if row.change else None
    help_lines = [metric.description]
    if row.change is not None:
        help_lines.append(f"Change: {row.change_text} ({row.noise}).")
    st.metric(
        row.label + (" (thin)" if row.is_thin else ""), row.tile_text, delta=delta,
        delta_color="off" if is_flat(delta) else DELTA_COLOURS.get(metric.direction, "off"),
        delta_arrow="off" if is_flat(delta) else "auto", help="\n\n".join(help_lines), border=True,
    )
    status = {"met": "met", "missed": "missed"}.get(row.status or "")
    target = row.target_text + (f" ({status})" if status else "")
    interval = interval_text(row.change, row.unit, currency) if row.change else ""
    noise = ("**real change**" if row.noise == NOISE_REAL else row.noise) if row.change else "no comparison"
    parts = [p for p in (row.reason_caption,) if p] + [target, f"{noise}" + (f" · {interval}" if interval else ""),
             f"{format_count(row.cases)} cases · [how?]({definition_link(row.metric)})"]
    st.caption("  \n".join(parts))


def _headlines(ctx: PageContext, catalog: dict[str, Metric], periods: pd.DataFrame, weekly: pd.DataFrame,
               compare: bool) -> list[ScorecardRow]:
    metrics = [catalog[name] for name in HEADLINE_METRICS]
    rows = scorecard_rows(metrics, periods, weekly, ctx.settings, compare=compare)
    for column, row, metric in zip(st.columns(len(rows)), rows, metrics, strict=True):
        with column:
            _headline(row, metric, ctx)
    return rows


def _trends(ctx: PageContext, catalog: dict[str, Metric], weekly: pd.DataFrame) -> None:
    st.subheader("Week by week")
    naming = naming_for(PAGE, ctx)
    window = ctx.settings.metrics.repeat_window_days
    for column, name in zip(st.columns(len(TREND_METRICS), gap="medium"), TREND_METRICS, strict=True):
        metric = catalog[name]
        series = weekly[weekly["metric"] == name] if not weekly.empty else weekly
        if name in FORWARD_METRICS:
            series = settled_weeks(series, ctx.last_day, window)
        with column:
            try:
                chart = charts.trend_chart(series, label=metric.label, unit=metric.unit,
                                           target=target_for(metric, ctx.settings.targets),
                                           direction=metric.direction, currency=ctx.settings.currency)
            except ValueError:
                st.info(f"{metric.label}: no weekly figures for these filters.")
                continue
            show_chart(chart, width="stretch", theme=None)
            with st.expander("Download"):
                chart_download_buttons(chart, subject=f"{metric.label} by week", naming=naming)
    last_text = f" ({ctx.last_day:%d %b %Y})" if ctx.last_day else ""
    st.caption(f"Weeks run Monday to Sunday; a hollow point is a week only partly inside the dates. A contact counts "
               f"in the week it was made; its return is looked for in the {window} days after it, so first-contact "
               f"resolution shows only weeks whose {window}-day windows had all closed by the last day with data"
               f"{last_text}. How are these computed? [{catalog['repeat_contact_rate'].label}]"
               f"({definition_link('repeat_contact_rate')}) · [{catalog['first_contact_resolution'].label}]"
               f"({definition_link('first_contact_resolution')})")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _ranked(ctx: PageContext, catalog: dict[str, Metric], overall: float | None) -> tuple[str, str | None]:
    """The ranked chart and the drill-down choice; returns (breakdown, chosen member or None)."""
    metric = catalog[RANK_METRIC]
    st.subheader("Where customers come back")
    breakdown = st.segmented_control("Break down by", list(BREAKDOWN_LABELS), format_func=BREAKDOWN_LABELS.get,
                                     default="intent", key=BREAKDOWN_KEY) or "intent"
    label = BREAKDOWN_LABELS[breakdown]
    figures = queries.period_figures_by(ctx.warehouse_url, ctx.version, [RANK_METRIC], ctx.filters, breakdown)
    min_cases = ctx.settings.metrics.min_cases
    ranked_all = charts_journeys.ranked_frame(figures, metric, min_cases, top=10_000)
    if ranked_all.empty:
        st.info(f"No {label.lower()} has repeat-contact figures for these filters.")
        return breakdown, None
    members = ranked_all["member"].tolist()
    if st.session_state.get(FOCUS_KEY) not in (ALL, *members):
        st.session_state[FOCUS_KEY] = ALL
    ranked = ranked_all.head(TOP_MEMBERS)
    chart_key = f"journeys_ranked_{breakdown}"
    # a click on a bar reruns the script with the selection in the chart's state: it moves the focus (the
    # selectbox below) before anything is drawn; clearing the selection leaves the focus where it is
    picked = picked_member(st.session_state.get(chart_key))
    if picked != st.session_state.get(LAST_PICK_KEY):
        st.session_state[LAST_PICK_KEY] = picked
        if picked in members:
            st.session_state[FOCUS_KEY] = picked
    focus = st.session_state.get(FOCUS_KEY, ALL)
    chart = charts_journeys.ranked_rate_chart(ranked, member_title=label, metric_label=metric.label, overall=overall,
                                              selected=None if focus == ALL else focus)
    show_chart(chart, width="stretch", theme=None, on_select="rerun", selection_mode=charts_journeys.SELECTION,
                    key=chart_key)
    shown = "" if len(ranked_all) <= TOP_MEMBERS else f" The {TOP_MEMBERS} highest of {len(ranked_all)} are shown."
    st.caption(
        f"Share of contacts that were a repeat, per {label.lower()} (worst first), with the contacts judged at the "
        f"right. {_article(label).capitalize()} {label.lower()} with fewer than {min_cases} contacts judged is thin "
        f"(pale, ranked last): its rate could be chance. The dashed line is the figure for all contacts.{shown} "
        f"Click a bar, or choose below, to see its journeys. [How is this computed?]({definition_link(RANK_METRIC)})"
    )
    if breakdown == "intent":
        intent_source_note(ctx, "journeys")
    naming = naming_for(PAGE, ctx)
    with st.expander("Download"):
        chart_download_buttons(chart, subject=f"Repeat contact rate by {breakdown}", naming=naming)
    names = {ALL: f"All {label.lower()}s", **{m: m for m in members}}
    focus = st.selectbox(f"Look closer at one {label.lower()}", [ALL, *members], format_func=names.get,
                         key=FOCUS_KEY)
    return breakdown, None if focus in (None, ALL) else str(focus)


PATHS_HEADERS = {"path_text": "Channel path", "kind": "Kind", "episodes": "Episodes", "resolved_episodes": "Resolved",
                 "determined_episodes": "Outcome known", "resolution_rate": "Resolution rate"}
PATHS_UNITS = {"Episodes": "count", "Resolved": "count", "Outcome known": "count", "Resolution rate": "rate"}


def paths_table(rows: pd.DataFrame) -> pd.DataFrame:
    """A page of channel paths as the table (and its download) shows them (pure)."""
    return charts_journeys.paths_frame(rows)[list(PATHS_HEADERS)].rename(columns=PATHS_HEADERS)


def _paths(ctx: PageContext, filters: Filters, scope: str) -> pd.DataFrame:
    st.subheader(f"Channel paths of episodes · {escape_markdown(scope)}")  # the scope names a data value
    naming = naming_for(PAGE, ctx)
    first = queries_journeys.episode_paths(ctx.warehouse_url, ctx.version, filters, 0)
    frame = charts_journeys.paths_frame(first)
    if frame.empty:
        st.info(empty_text(ctx, "episodes", "No episode starts within these filters."))
        return first
    chart = charts_journeys.paths_chart(frame, top=TOP_PATHS)
    show_chart(chart, width="stretch", theme=None)
    path_count = int(first["path_count"].iloc[0])
    st.caption(
        f"An episode is one customer's contacts about one intent within {ctx.settings.metrics.repeat_window_days} "
        "days of the first, on any channel; its path is the channels in contact order. Resolved: the last contact "
        "was solved or closed and the customer did not come back (share of episodes whose outcome is known). "
        "Episodes are counted on the day and attributes of their first contact: every filter in the sidebar "
        f"applies to that first contact. {min(TOP_PATHS, path_count)} most frequent of {path_count} paths shown. "
        f"[How is this computed?]({definition_link('episode_resolution_rate')})"
    )
    with st.expander(f"All {path_count} paths (table)"):
        pages = max(1, -(-path_count // queries_journeys.PAGE_SIZE))
        page = 0
        if pages > 1:
            page = int(st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1,
                                       key=PATHS_PAGE_KEY)) - 1
        rows = first if page == 0 else queries_journeys.episode_paths(ctx.warehouse_url, ctx.version, filters, page)
        table = paths_table(rows)
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Episodes": st.column_config.NumberColumn(format="localized"),
            "Resolved": st.column_config.NumberColumn(format="localized"),
            "Outcome known": st.column_config.NumberColumn(format="localized"),
            "Resolution rate": st.column_config.NumberColumn(format="percent"),
        })
        st.caption(f"The download holds all {path_count} paths, not only this page.")
        streamed_table_download_buttons(
            lambda: (paths_table(rows) for rows in queries_journeys.episode_path_pages(ctx.warehouse_url, filters)),
            subject="Channel paths", naming=naming, units=PATHS_UNITS, currency=ctx.settings.currency)
    with st.expander("Download the chart"):
        chart_download_buttons(chart, subject="Channel paths", naming=naming)
    return first


def _ladder(ctx: PageContext, catalog: dict[str, Metric], everyone: pd.DataFrame, filters: Filters | None,
            scope: str) -> None:
    st.subheader("How sure are we the problem was solved?")
    rungs = {rung: catalog[name] for rung, name in LADDER_METRICS.items()}
    groups = {"All episodes": everyone}
    if filters is not None:
        groups[scope] = queries.period_figures(ctx.warehouse_url, ctx.version, list(LADDER_METRICS.values()), filters)
    frame = charts_journeys.ladder_frame(groups, rungs)
    try:
        chart = charts_journeys.ladder_chart(frame, {rung: metric.label for rung, metric in rungs.items()})
    except ValueError:
        st.info(empty_text(ctx, "episode_resolution_rate", "No episode whose outcome is known within these filters."))
        return
    show_chart(chart, width="stretch", theme=None)
    links = " · ".join(f"[{m.label}]({definition_link(m.name)})" for m in rungs.values())
    st.caption(
        "Each episode whose outcome is known takes the first rung that holds: the customer confirmed it (CSAT 4-5 "
        "or a message saying it works), else did not come back, else their last message was not negative, else "
        f"no evidence at all. Definitions: {links}"
    )
    with st.expander("Download"):
        chart_download_buttons(chart, subject="Confidence in resolution", naming=naming_for(PAGE, ctx))


def _kept_apart(ctx: PageContext, periods: pd.DataFrame, paths: pd.DataFrame) -> None:
    censored_contacts = _count(periods, "fcr_censored_contacts") or 0
    undetermined_contacts = _count(periods, "fcr_undetermined_contacts") or 0
    episodes = _count(periods, "episodes") or 0
    censored_episodes = _count(periods, "censored_episodes") or 0
    undetermined_episodes = 0
    if not paths.empty and pd.notna(paths["total_undetermined_episodes"].iloc[0]):
        undetermined_episodes = int(paths["total_undetermined_episodes"].iloc[0])
    window = ctx.settings.metrics.repeat_window_days
    st.caption(
        f"**Kept apart.** {format_count(censored_contacts)} contacts are not known yet (their {window}-day window "
        f"runs past the last contact in the data) and {format_count(undetermined_contacts)} cannot be judged "
        "(unclassified intent or unknown customer): both are out of first-contact resolution; the second also "
        f"out of repeat contact. Of {format_count(episodes)} episodes, {format_count(censored_episodes)} are still "
        f"open (censored) and {format_count(undetermined_episodes)} undetermined: both are out of the resolution rates "
        f"and the ladder. [Not yet known]({definition_link('fcr_censored_contacts')}) · "
        f"[Cannot be judged]({definition_link('fcr_undetermined_contacts')}) · "
        f"[Episodes not yet known]({definition_link('censored_episodes')})"
    )


def render() -> None:
    ctx = context()
    page_header(TITLE, QUESTION, ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    catalog = queries.catalog_in_use()
    compare_start, compare_end = ctx.filters.comparison
    compare = ctx.first_day is not None and compare_start >= ctx.first_day
    try:
        names = [*HEADLINE_METRICS, *COUNT_METRICS, *LADDER_METRICS.values()]
        periods = queries.period_figures(ctx.warehouse_url, ctx.version, names, ctx.filters)
        weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, TREND_METRICS, ctx.filters)
        if periods.empty or not (periods["period"] == queries.CURRENT).any() or not _count(periods, "episodes"):
            st.info(f"No contacts match these filters between {ctx.filters.start:%d %b %Y} and "
                    f"{ctx.filters.end:%d %b %Y}. Widen the dates or clear a filter in the sidebar.")
            return
        mode = "same period last year" if ctx.filters.compare == COMPARE_LAST_YEAR else "previous period"
        if compare:
            st.caption(f"Changes against {compare_start:%d %b %Y} – {compare_end:%d %b %Y} ({mode}), with their "
                       f"{ctx.settings.metrics.confidence_level:.0%} confidence interval.")
        else:
            st.caption(f"No comparison: the {mode} ({compare_start:%d %b %Y} – {compare_end:%d %b %Y}) is not all "
                       "in the data.")
        rows = _headlines(ctx, catalog, periods, weekly, compare)
        _trends(ctx, catalog, weekly)
        overall = next((r.value for r in rows if r.metric == RANK_METRIC), None)
        breakdown, member = _ranked(ctx, catalog, overall)
        scope = "all episodes" if member is None else f"{BREAKDOWN_LABELS[breakdown].lower()} {member}"
        narrowed = focus_filters(ctx.filters, breakdown, member)
        paths = _paths(ctx, narrowed, scope)
        _ladder(ctx, catalog, periods, narrowed if member is not None else None, scope.capitalize())
        everyone_paths = paths if member is None else queries_journeys.episode_paths(ctx.warehouse_url, ctx.version,
                                                                                     ctx.filters, 0)
        _kept_apart(ctx, periods, everyone_paths)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
