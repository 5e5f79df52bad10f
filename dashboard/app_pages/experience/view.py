"""Experience: how do customers feel, how hard was it for them, and can we be confident we solved it?

Headline figures (catalog metrics with target and change), the customers' end tone and its weekly mix,
recovery from a negative start by team and by agent (a team selection shows its agents), survey CES against
the inferred effort index per intent with the stored model's error, and the confidence-in-resolution ladder.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import charts, queries
from dashboard.app_pages.experience import charts as charts_experience
from dashboard.app_pages.experience import queries as queries_experience
from dashboard.context import PageContext, context, page_header
from dashboard.download_buttons import (
    ExportNaming,
    chart_download_buttons,
    naming_for,
    sheet_download_buttons,
    streamed_table_download_buttons,
    table_download_buttons,
)
from dashboard.exports import scorecard_sheet
from dashboard.formatting import escape_markdown, format_delta, format_value, is_flat, target_text
from dashboard.scorecard import NOISE_REAL, NOISE_WITHIN, ScorecardRow, scorecard_rows
from dashboard.widgets.chart import show_chart
from dashboard.widgets.definition_link import definition_link
from dashboard.widgets.empty_states import empty_text
from dashboard.widgets.intent_source_note import intent_source_note
from etl.catalog import Metric, target_for
from etl.change import PeriodSums, is_thin
from etl.enrich.effort import MIN_CES_ANSWERS

PAGE = "experience"
HEADLINE_METRICS = ("csat", "customer_sentiment", "negative_start_recovery_rate", "customer_sentiment_trend", "ces",
                    "inferred_effort_score")
RECOVERY = "negative_start_recovery_rate"
SENTIMENT_END = "customer_sentiment_end"
EFFORT_METRICS = ("ces", "inferred_effort_score")
TILES_PER_ROW = 3
DELTA_COLOURS = {"higher_is_better": "normal", "lower_is_better": "inverse", "neutral": "off"}
NO_DATA = "No contacts for these filters. Widen the dates or clear a filter in the sidebar."


def _downloads(naming: ExportNaming) -> DeltaGenerator:
    """The small "Download" row under a chart or table (the naming is the caller's, for its buttons)."""
    return st.expander("Download", icon=":material/download:")


# ---------------------------------------------------------------- pure helpers


LEXICON_NAME = "the customer-service lexicon (VADER with support-desk words)"


def scorer_sentence(scorer: pd.DataFrame) -> str:
    """One plain sentence: which scorer the customer sentiment figures use and why (pure; one row or none)."""
    if scorer.empty or pd.isna(scorer.iloc[0]["latest_model_version"]):
        return f"Customer sentiment figures use {LEXICON_NAME}: no supervised scorer has been trained yet."
    row = scorer.iloc[0]
    if row["customer_sentiment_scorer"] == "supervised":
        return (f"Customer sentiment figures use the supervised scorer {row['customer_sentiment_version']}: on "
                f"{int(row['count_heldout_labels'])} held-out labelled messages its macro-F1 is "
                f"{float(row['heldout_macro_f1']):.2f}, against {float(row['heldout_macro_f1_lexicon']):.2f} for "
                "the customer-service lexicon.")
    if not bool(row["is_latest_model_fitted"]):
        return (f"Customer sentiment figures use {LEXICON_NAME}: the supervised scorer was not trained "
                f"({row['fallback_reason']}).")
    return (f"Customer sentiment figures use {LEXICON_NAME}: the supervised scorer measured no better on "
            f"{int(row['count_heldout_labels'])} held-out labelled messages (macro-F1 "
            f"{float(row['heldout_macro_f1']):.2f} against {float(row['heldout_macro_f1_lexicon']):.2f}).")



def member_rates(figures: pd.DataFrame, metric: Metric, min_cases: int) -> pd.DataFrame:
    """Per member (current period of queries.period_figures_by): value, cases (the denominator) and whether the
    figure is thin (pure)."""
    current = figures[(figures["metric"] == metric.name) & (figures["period"] == queries.CURRENT)]
    out = pd.DataFrame({
        "member": current["member"].astype(str),
        "value": pd.to_numeric(current["value"], errors="coerce"),
        "cases": pd.to_numeric(current["denominator"], errors="coerce").fillna(0),
    })
    out["is_thin"] = [is_thin(metric, PeriodSums(0.0, float(c)), min_cases) for c in out["cases"]]
    return out.reset_index(drop=True)


def agents_table(frame: pd.DataFrame, metric: Metric, min_cases: int) -> pd.DataFrame:
    """Agents as a person reads them: recovery rate from the counts (queries.metric_value), thin marked (pure)."""
    rates = [queries.metric_value(r, n, True) for r, n in zip(frame["count_recovered"], frame["count_negative_start"],
                                                              strict=True)]
    thin = [is_thin(metric, PeriodSums(float(r), float(n)), min_cases)
            for r, n in zip(frame["count_recovered"], frame["count_negative_start"], strict=True)]
    return pd.DataFrame({
        "Agent": [f"{a} (thin)" if t else str(a) for a, t in zip(frame["agent_name"], thin, strict=True)],
        "Team": frame["team_name"].astype(str).tolist(),
        "Recovered (%)": [None if r is None else r * 100 for r in rates],
        "Started negative": frame["count_negative_start"].astype(int).tolist(),
        "Contacts": frame["count_contacts"].astype(int).tolist(),
    })


# The agents' downloads: typed cells (the recovery as a share with a percent format, counts as numbers, thin as
# true/false), not the 0-100 progress the page draws.
AGENTS_EXPORT_UNITS = {"Recovered": "rate", "Started negative": "count", "Recovered contacts": "count",
                       "Contacts": "count"}


def agents_export(frame: pd.DataFrame, metric: Metric, min_cases: int) -> pd.DataFrame:
    """Agents (rows of queries_experience.team_agents or agent_ranking) as the typed rows of a download (pure)."""
    recovered, negative = frame["count_recovered"].tolist(), frame["count_negative_start"].tolist()
    return pd.DataFrame({
        "Agent": frame["agent_name"].astype(str).tolist(),
        "Team": frame["team_name"].astype(str).tolist(),
        "Recovered": pd.array([queries.metric_value(r, n, True) for r, n in zip(recovered, negative, strict=True)],
                              dtype="Float64"),
        "Started negative": pd.array(negative, dtype="Int64"),
        "Recovered contacts": pd.array(recovered, dtype="Int64"),
        "Contacts": pd.array(frame["count_contacts"].tolist(), dtype="Int64"),
        "Thin": [is_thin(metric, PeriodSums(float(r), float(n)), min_cases)
                 for r, n in zip(recovered, negative, strict=True)],
    })


def effort_frame(figures: pd.DataFrame, ces: Metric, min_cases: int) -> pd.DataFrame:
    """Survey CES and inferred effort per intent side by side, from period_figures_by on 'intent' (pure)."""
    current = figures[figures["period"] == queries.CURRENT]
    survey = current[current["metric"] == "ces"].set_index("member")
    inferred = current[current["metric"] == "inferred_effort_score"].set_index("member")
    intents = sorted(set(survey.index) | set(inferred.index), key=str)
    rows = []
    for intent in intents:
        answers = float(survey["denominator"].get(intent, 0) or 0)
        rows.append({
            "intent": str(intent),
            "survey": survey["value"].get(intent) if intent in survey.index else None,
            "survey_answers": answers,
            "survey_thin": is_thin(ces, PeriodSums(0.0, answers), min_cases),
            "inferred": inferred["value"].get(intent) if intent in inferred.index else None,
            "inferred_contacts": float(inferred["denominator"].get(intent, 0) or 0),
        })
    frame = pd.DataFrame(rows, columns=["intent", "survey", "survey_answers", "survey_thin", "inferred",
                                        "inferred_contacts"])
    for column in ("survey", "inferred"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def model_summary(model: pd.DataFrame) -> dict[str, object] | None:
    """The fit's figures (one row's worth) of queries_experience.effort_model; None when never fitted (pure)."""
    if model.empty:
        return None
    first = model.iloc[0]
    return {key: (None if pd.isna(first[key]) else first[key]) for key in (
        "status", "reason", "fitted_at", "n_ces_contacts", "n_train", "n_heldout", "r_squared", "heldout_mae",
        "heldout_rmse", "baseline_heldout_mae")}


# ---------------------------------------------------------------- sections


def _headline(ctx: PageContext, metrics: list[Metric], compare: bool) -> list[ScorecardRow]:
    names = [m.name for m in metrics]
    periods = queries.period_figures(ctx.warehouse_url, ctx.version, names, ctx.filters, unmeasured_rows=True)
    weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, names, ctx.filters)
    rows = scorecard_rows(metrics, periods, weekly, ctx.settings, compare=compare)
    if all(r.value is None and not r.not_measured_reason for r in rows):
        return rows
    by_name = {m.name: m for m in metrics}
    columns = [column for _ in range(-(-len(rows) // TILES_PER_ROW)) for column in st.columns(TILES_PER_ROW)]
    for column, row in zip(columns, rows, strict=False):
        metric = by_name[row.metric]
        delta = (format_delta(row.change.current, row.change.previous, row.unit, ctx.settings.currency)
                 if row.change else None)
        help_text = metric.description
        if row.target_text != "no target":
            help_text += f"\n\n{row.target_text}."
        with column:
            st.metric(row.label + (" (thin)" if row.is_thin and row.value is not None else ""), row.tile_text,
                      delta=delta, delta_color="off" if is_flat(delta) else DELTA_COLOURS.get(metric.direction, "off"),
                      help=help_text, border=True, chart_data=[v for v in row.trend if v is not None] or None,
                      chart_type="line")
            status = {"met": ":green[**met**]", "missed": ":red[**missed**]"}.get(row.status or "", "")
            noise = {NOISE_REAL: "beyond noise", NOISE_WITHIN: "within noise"}.get(row.noise, "")
            parts = [p for p in (row.reason_caption, row.target_text if row.target_text != "no target" else "",
                                 status, noise) if p]
            st.caption(" · ".join(parts) + f"  \n[How is this computed?]({definition_link(row.metric)})")
    with st.expander("The figures in a table: change, interval and cases"):
        table = pd.DataFrame({
            "Measure": [r.label + (" (thin)" if r.is_thin else "") for r in rows],
            "Now": [r.value_text for r in rows], "Target": [r.target_text for r in rows],
            "Change vs comparison": [r.change_text for r in rows], "Real?": [r.noise for r in rows],
            "Cases": [None if r.not_measured_reason else int(r.cases) for r in rows],
            "Definition": [definition_link(r.metric) for r in rows],
        })
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Definition": st.column_config.LinkColumn("Defined", display_text="how?", width="small"),
            "Cases": st.column_config.NumberColumn("Cases", format="localized",
                                                   help="Contacts, answers or surveys behind the figure")})
        sheet_download_buttons(scorecard_sheet(rows, directions=[by_name[r.metric].direction for r in rows]),
                               subject="headline figures", naming=naming_for(PAGE, ctx),
                               currency=ctx.settings.currency)
    return rows


def _feel(ctx: PageContext, catalog: dict[str, Metric]) -> bool:
    naming = naming_for(PAGE, ctx)
    st.header("How customers feel")
    counts = queries_experience.end_tone_counts(ctx.warehouse_url, ctx.version, ctx.filters)
    if counts.empty:
        st.info(empty_text(ctx, "customer_sentiment_end", "No contact with a customer message in these filters, "
                           "so there is no tone to show."))
        return False
    left, right = st.columns([2, 3])
    with left:
        st.subheader("Tone when the customer left")
        chart = charts_experience.end_tone_chart(counts)
        show_chart(chart, width="stretch", theme=None)
        st.caption("Contacts with at least one customer message, by the tone of the customer's last message "
                   "(VADER with our customer-service lexicon: negative below −0.05, positive above +0.05). "
                   f"[How is this computed?]({definition_link(SENTIMENT_END)})")
        with _downloads(naming):
            chart_download_buttons(chart, subject="end tone", naming=naming)
    with right:
        st.subheader("Weekly mix of end tones")
        weekly = queries_experience.end_tone_by_week(ctx.warehouse_url, ctx.version, ctx.filters)
        chart = charts_experience.weekly_tone_chart(weekly)
        show_chart(chart, width="stretch", theme=None)
        st.caption("Each bar is one week (Monday to Sunday), split by the share of its contacts ending negative, "
                   "neutral and positive; the first and last week may be partial.")
        with _downloads(naming):
            chart_download_buttons(chart, subject="end tone by week", naming=naming)
    return True


def _recovery(ctx: PageContext, catalog: dict[str, Metric]) -> None:
    naming = naming_for(PAGE, ctx)
    metric = catalog[RECOVERY]
    min_cases = ctx.settings.metrics.min_cases
    target = target_for(metric, ctx.settings.targets)
    st.subheader("Recovery from a negative start")
    st.caption(f"{metric.description} [How is this computed?]({definition_link(RECOVERY)})")
    figures = queries.period_figures_by(ctx.warehouse_url, ctx.version, [RECOVERY], ctx.filters, "team")
    teams = member_rates(figures, metric, min_cases) if not figures.empty else pd.DataFrame()
    if teams.empty or teams["value"].notna().sum() == 0:
        st.info(empty_text(ctx, RECOVERY, "No contact started negative in these filters."))
        return
    left, right = st.columns(2)
    with left:
        weekly = queries.weekly_figures(ctx.warehouse_url, ctx.version, [RECOVERY], ctx.filters)
        chart = charts.trend_chart(weekly, label=metric.label, unit=metric.unit, target=target,
                                   direction=metric.direction, currency=ctx.settings.currency)
        show_chart(chart, width="stretch", theme=None)
        with _downloads(naming):
            chart_download_buttons(chart, subject="recovery by week", naming=naming)
        _team_drill_down(ctx, metric, teams)
    with right:
        chart = charts_experience.rate_by_member_chart(
            teams, member_label="Team", value_label=metric.label, target=target, direction=metric.direction,
            cases_label="Contacts that started negative")
        show_chart(chart, width="stretch", theme=None)
        unassigned = (" \"unassigned\": contacts no team's queue took (most stayed with the bot)."
                      if "unassigned" in set(teams["member"]) else "")
        st.caption(f"Per team, of its contacts that started negative. \"Thin\": fewer than {min_cases} such "
                   f"contacts, too few to compare.{unassigned}")
        with _downloads(naming):
            chart_download_buttons(chart, subject="recovery by team", naming=naming)
    _agent_ranking(ctx, metric)


def _team_drill_down(ctx: PageContext, metric: Metric, teams: pd.DataFrame) -> None:
    naming = naming_for(PAGE, ctx)
    min_cases = ctx.settings.metrics.min_cases
    names = sorted(teams["member"].tolist())
    st.markdown("**A team's agents**")
    team = st.selectbox("Team", names, index=None, key="experience_team", placeholder="Choose a team",
                        help="Shows the agents who handled the team's contacts in these filters.")
    if team is None:
        st.caption("Choose a team to see its agents' recovery.")
        return
    first = queries_experience.team_agents(ctx.warehouse_url, ctx.version, ctx.filters, team, 0)
    total = int(first["agents_total"].iloc[0]) if not first.empty else 0
    pages = max(1, -(-total // queries_experience.AGENTS_PER_PAGE))
    page = 0
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1,
                                   key="experience_team_page")) - 1
    frame = first if page == 0 else queries_experience.team_agents(ctx.warehouse_url, ctx.version, ctx.filters,
                                                                   team, page)
    if frame.empty:
        st.info(f"No human agent handled {escape_markdown(str(team))}'s contacts in these filters (the bot may "
                "have handled them all).")
        return
    table = agents_table(frame, metric, min_cases).drop(columns=["Team"])
    st.dataframe(table, hide_index=True, width="stretch", column_config=_AGENT_COLUMNS)
    st.caption(f"{total} agent{'s' if total != 1 else ''} of {escape_markdown(str(team))}, most contacts first. "
               f"\"Thin\": fewer than "
               f"{min_cases} contacts that started negative. The download holds every agent, not only this page.")
    filters = ctx.filters
    with _downloads(naming):
        streamed_table_download_buttons(
            lambda: (agents_export(page, metric, min_cases)
                     for page in queries_experience.team_agent_pages(ctx.warehouse_url, filters, team)),
            subject=f"agents of {team}", naming=naming, units=AGENTS_EXPORT_UNITS, currency=ctx.settings.currency)


_AGENT_COLUMNS = {
    "Recovered (%)": st.column_config.ProgressColumn(
        "Recovered", format="%.0f%%", min_value=0, max_value=100,
        help="Of the agent's contacts that started negative, the share whose customer's last message was no longer "
             "negative"),
    "Started negative": st.column_config.NumberColumn("Started negative", format="localized"),
    "Contacts": st.column_config.NumberColumn("Contacts", format="localized"),
}


def _agent_ranking(ctx: PageContext, metric: Metric) -> None:
    naming = naming_for(PAGE, ctx)
    min_cases = metric.min_cases if metric.min_cases is not None else ctx.settings.metrics.min_cases
    frame = queries_experience.agent_ranking(ctx.warehouse_url, ctx.version, ctx.filters, min_cases)
    st.markdown("**Agents: best and weakest recovery**")
    ranked = frame.dropna(subset=["agent_id"])
    thin = int(frame["agents_thin"].max()) if not frame.empty and frame["agents_thin"].notna().any() else 0
    if ranked.empty:
        st.info(f"No agent had {min_cases} or more contacts that started negative in these filters, too few to "
                f"rank anyone fairly ({thin} agent{'s' if thin != 1 else ''} had fewer). Widen the dates.")
        return
    top = queries_experience.RANKED_AGENTS
    count = int(ranked["agents_ranked"].iloc[0])
    best = ranked[ranked["rank_best"] <= top].sort_values("rank_best")
    worst = ranked[ranked["rank_worst"] <= top].sort_values("rank_worst")
    # one above the other: side by side, the five columns do not fit half a screen
    for title, rows, subject in ((f"Weakest {min(top, count)}: the lowest recovery first", worst,
                                  "agents weakest recovery"),
                                 (f"Best {min(top, count)}: the highest recovery first", best,
                                  "agents best recovery")):
        st.markdown(title)
        table = agents_table(rows, metric, min_cases)
        st.dataframe(table, hide_index=True, width="stretch", column_config=_AGENT_COLUMNS)
        with _downloads(naming):
            table_download_buttons(agents_export(rows, metric, min_cases), subject=subject, naming=naming,
                                   units=AGENTS_EXPORT_UNITS, currency=ctx.settings.currency)
    st.caption(f"Ranked: {count} agent{'s' if count != 1 else ''} with at least {min_cases} contacts that started "
               f"negative. Not ranked: {thin} with fewer (too few to compare). With fewer than {2 * top} ranked, an "
               "agent can appear in both lists.")


def _effort(ctx: PageContext, catalog: dict[str, Metric]) -> None:
    naming = naming_for(PAGE, ctx)
    st.header("How hard it was")
    ces = catalog["ces"]
    inferred = catalog["inferred_effort_score"]
    model = model_summary(queries_experience.effort_model(ctx.warehouse_url, ctx.version))
    st.caption(
        "**Inferred effort** is the CES a customer would likely give, predicted for every contact from what the "
        "contact made them do (coming back, transfers, channel switches, repeating themselves to a person, "
        "waiting); it is not a survey answer and not precise for one contact, but its means rank intents, "
        "queues and weeks where only a few customers answer the survey. "
        f"[Survey CES]({definition_link('ces')}) · [Inferred effort]({definition_link('inferred_effort_score')})")
    if model is None or model["status"] != "fitted":
        reason = escape_markdown(str((model or {}).get("reason") or "the effort model has not been fitted yet"))
        st.warning(f"**No inferred effort for now**: {reason}. The model needs at least {MIN_CES_ANSWERS} contacts "
                   "with a CES answer to be calibrated; until then only the survey CES is shown, and the inferred "
                   "figure stays empty rather than guessed.", icon=":material/info:")
    else:
        fitted = pd.Timestamp(model["fitted_at"])
        mae, baseline = float(model["heldout_mae"]), model["baseline_heldout_mae"]
        columns = st.columns(4)
        columns[0].metric("Typical error per contact", f"±{mae:.2f}", border=True,
                          help="In CES points: the mean absolute error on the contacts held out of the fit "
                               "(core.enr_effort_model.heldout_mae).")
        columns[1].metric("Always guessing the mean", f"±{float(baseline):.2f}" if baseline is not None else "—",
                          border=True, help="The same error for a model that always predicts the training mean.")
        columns[2].metric("Variance explained (R²)", f"{float(model['r_squared']):.2f}", border=True,
                          help="On the training contacts.")
        columns[3].metric("CES answers behind it", f"{int(model['n_ces_contacts']):,}", border=True,
                          help=f"{int(model['n_train']):,} to fit, {int(model['n_heldout']):,} held out to measure "
                               "the error.")
        st.caption(f"Model fitted {fitted:%d %b %Y %H:%M} UTC on every CES answer in the warehouse (not only these "
                   "filters). Read the index for ranking and change, not as a calibrated CES for one group: its "
                   "means are compressed towards the average.")
    st.subheader("Survey CES and inferred effort by intent")
    figures = queries.period_figures_by(ctx.warehouse_url, ctx.version, list(EFFORT_METRICS), ctx.filters, "intent")
    frame = effort_frame(figures, ces, ctx.settings.metrics.min_cases) if not figures.empty else pd.DataFrame()
    if frame.empty or frame[["survey", "inferred"]].notna().sum().sum() == 0:
        st.info(empty_text(ctx, "inferred_effort_score", "No CES answer and no inferred effort for these filters."))
        return
    chart = charts_experience.effort_by_intent_chart(frame, target=target_for(ces, ctx.settings.targets))
    show_chart(chart, width="stretch", theme=None)
    intent_source_note(ctx, "experience")
    st.caption(f"Means over the period, hardest intents at the top (by survey CES). A hollow dot: fewer "
               f"than {ctx.settings.metrics.min_cases} survey answers. The dashed line is the "
               f"{(target_text(target_for(ces, ctx.settings.targets), ces.unit, ces.direction) or 'no target').lower()}"
               f" of {ces.label}; {inferred.label} has the same scale.")
    with _downloads(naming):
        chart_download_buttons(chart, subject="effort by intent", naming=naming)


def _confidence(ctx: PageContext, catalog: dict[str, Metric]) -> None:
    naming = naming_for(PAGE, ctx)
    st.header("Can we be confident we solved it?")
    rungs = [name for name in charts_experience.CONFIDENCE_RUNGS if name in catalog]
    names = [*rungs, "censored_episodes"] if "censored_episodes" in catalog else rungs
    overall = queries.period_figures(ctx.warehouse_url, ctx.version, names, ctx.filters)
    by_team = queries.period_figures_by(ctx.warehouse_url, ctx.version, rungs, ctx.filters, "team")
    current = overall[overall["period"] == queries.CURRENT] if not overall.empty else overall
    frames = [current.assign(member="All episodes")]
    if not by_team.empty:
        teams = by_team[by_team["period"] == queries.CURRENT]
        confirmed = teams[teams["metric"] == rungs[0]].set_index("member")["value"]
        frames.append(teams.assign(order=teams["member"].map(confirmed)).sort_values(
            ["order", "member"], ascending=[False, True]).drop(columns=["order"]))
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[frame["metric"].isin(rungs)].assign(cases=lambda f: f["denominator"])
    labels = {name: catalog[name].label for name in rungs}
    try:
        chart = charts_experience.confidence_chart(frame, labels)
    except ValueError:
        st.info("No episode whose outcome is known in these filters.")
        return
    show_chart(chart, width="stretch", theme=None)
    censored = current[current["metric"] == "censored_episodes"]["value"] if not current.empty else pd.Series()
    censored_text = (f" {format_value(float(censored.iloc[0]), 'count')} episodes whose window is still open are "
                     "left out until their outcome is known." if not censored.empty and pd.notna(censored.iloc[0])
                     else "")
    st.caption(
        "Episodes (a customer's contacts about one need) by the strongest evidence that the need was met, from the "
        "customer's own confirmation to none at all; the number of episodes whose outcome is known is in brackets."
        f"{censored_text} " + " · ".join(f"[{labels[n]}]({definition_link(n)})" for n in rungs))
    with _downloads(naming):
        chart_download_buttons(chart, subject="confidence in resolution", naming=naming)


def render() -> None:
    ctx = context()
    page_header("Experience", "How do customers feel, how hard was it for them, and can we be confident we solved "
                "it?", ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    try:
        st.text(scorer_sentence(queries_experience.customer_sentiment_scorer(ctx.warehouse_url, ctx.version)))
    except queries.DataUnavailable:
        st.text(scorer_sentence(pd.DataFrame()))
    catalog = queries.catalog_in_use()
    metrics = [catalog[name] for name in HEADLINE_METRICS if name in catalog]
    compare_start, compare_end = ctx.filters.comparison
    compare = ctx.first_day is not None and compare_start >= ctx.first_day
    try:
        rows = _headline(ctx, metrics, compare)
        if all(r.value is None for r in rows):
            st.info(NO_DATA)
            return
        if compare:
            st.caption(f"Changes are against {compare_start:%d %b %Y} – {compare_end:%d %b %Y}; *within noise* means "
                       f"the {ctx.settings.metrics.confidence_level:.0%} confidence interval includes no change.")
        if _feel(ctx, catalog):
            _recovery(ctx, catalog)
        _effort(ctx, catalog)
        _confidence(ctx, catalog)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
