"""Chart builders of the Automation page: pure functions from an aggregated frame to an Altair chart, in the
house theme (dashboard.charts: Okabe-Ito colours, text of 12 px and more).

Builders never query and never compute metrics: they receive figures from dashboard.queries and
dashboard.app_pages.automation.queries, compare them with thresholds for colour, and scale them for display. Each
raises ValueError when there is nothing to draw, so the page shows a message instead of a blank chart.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import FONT_SIZE, OKABE_ITO, TARGET_COLOUR, TEXT_COLOUR, apply_theme, member_texts, numbers
from dashboard.formatting import format_value

# Bot outcomes from the best to the worst, bottom of the stack to the top; colour says good (greens/blues)
# or bad (orange, vermillion, purple).
OUTCOME_ORDER = ("contained_confirmed", "contained_soft", "escalated_customer_request", "escalated_bot_failure",
                 "abandoned")
OUTCOME_COLOURS = {
    "contained_confirmed": OKABE_ITO["green"],
    "contained_soft": OKABE_ITO["sky_blue"],
    "escalated_customer_request": OKABE_ITO["orange"],
    "escalated_bot_failure": OKABE_ITO["vermillion"],
    "abandoned": OKABE_ITO["purple"],
}
PATH_ORDER = ("bot_only", "bot_then_human", "human_only")
PATH_LABELS = {"bot_only": "Bot only", "bot_then_human": "Bot, then a person", "human_only": "Person only"}
PATH_COLOURS = {"bot_only": OKABE_ITO["green"], "bot_then_human": OKABE_ITO["orange"],
                "human_only": OKABE_ITO["blue"]}
FLAGGED, BELOW, THIN = "flagged", "below", "thin"
BAR_STEP = 30  # pixels per intent in a ranked bar chart
MUTED_COLOUR = "#9AA5B1"


def outcome_chart(frame: pd.DataFrame, *, as_share: bool = True, height: int = 300) -> alt.TopLevelMixin:
    """Bot outcomes per week as stacked bars: the share of the week's sessions (as_share) or the sessions.

    `frame` has one row per week x outcome: week_start, outcome (a key of OUTCOME_COLOURS), outcome_label,
    sessions, share, and optionally days_in_range. Partial weeks say so in the tooltip.
    """
    if frame.empty or numbers(frame["sessions"]).fillna(0).sum() == 0:
        raise ValueError("no bot sessions to draw")
    shown = frame.assign(sessions=numbers(frame["sessions"]), share=numbers(frame["share"]))
    # an outcome without a label reads as its key
    shown["outcome_label"] = [label if isinstance(label, str) else str(outcome)
                              for label, outcome in zip(shown["outcome_label"], shown["outcome"], strict=True)]
    shown["week_start"] = pd.to_datetime(shown["week_start"])
    if "days_in_range" not in shown:
        shown["days_in_range"] = 7
    shown["week_text"] = [f"Week of {w:%d %b %Y}" + ("" if int(d) >= 7 else f" (partial: {int(d)} of 7 days)")
                          for w, d in zip(shown["week_start"], shown["days_in_range"], strict=True)]
    shown["order"] = [OUTCOME_ORDER.index(o) if o in OUTCOME_ORDER else len(OUTCOME_ORDER) for o in shown["outcome"]]
    shown["share_text"] = [format_value(v if pd.notna(v) else None, "rate") for v in shown["share"]]
    labels = [shown.loc[shown["outcome"] == o, "outcome_label"].iloc[0] for o in OUTCOME_ORDER
              if (shown["outcome"] == o).any()]
    colours = [OUTCOME_COLOURS[o] for o in OUTCOME_ORDER if (shown["outcome"] == o).any()]
    shown = shown.sort_values(["week_start", "order"])
    long_span = (shown["week_start"].max() - shown["week_start"].min()).days > 350
    shown["week_label"] = [(f"{w:%d %b %Y}" if long_span else f"{w:%d %b}") + ("" if int(d) >= 7 else "*")
                           for w, d in zip(shown["week_start"], shown["days_in_range"], strict=True)]
    weeks = list(dict.fromkeys(shown["week_label"]))
    y = (alt.Y("share:Q", title="Share of the week's bot sessions", stack="zero",
               axis=alt.Axis(format=".0%", tickCount=5), scale=alt.Scale(domain=[0, 1]))
         if as_share else
         alt.Y("sessions:Q", title="Bot sessions per week", stack="zero",
               axis=alt.Axis(format=",.0f", tickCount=5, tickMinStep=1)))
    # weeks as categories: one bar per week whatever the number of weeks (a time axis draws slivers)
    chart = alt.Chart(shown).mark_bar().encode(
        x=alt.X("week_label:O", title="Week starting (* partial week)", sort=weeks,
                axis=alt.Axis(labelAngle=0, labelOverlap="greedy")),
        y=y,
        color=alt.Color("outcome_label:N", title=None, sort=labels,
                        scale=alt.Scale(domain=labels, range=colours),
                        legend=alt.Legend(orient="top", columns=3, labelLimit=320)),
        order=alt.Order("order:Q", sort="ascending"),
        tooltip=[alt.Tooltip("week_text:N", title="Week"), alt.Tooltip("outcome_label:N", title="Outcome"),
                 alt.Tooltip("sessions:Q", title="Sessions", format=","),
                 alt.Tooltip("share_text:N", title="Share of the week")],
    ).properties(height=height, width="container")
    return apply_theme(chart)


def _rate_band(value: float | None, cases: float, threshold: float, min_cases: int) -> str:
    if cases < min_cases or value is None or pd.isna(value):
        return THIN
    return FLAGGED if value >= threshold else BELOW


def intent_rate_chart(
    frame: pd.DataFrame,
    *,
    rate_label: str,
    cases_label: str,
    threshold: float,
    threshold_label: str,
    min_cases: int,
    selected: str | None = None,
    selection_name: str | None = None,
) -> alt.TopLevelMixin:
    """One horizontal bar per intent, highest rate on top: vermillion at or above the threshold, blue below,
    grey with fewer than `min_cases` cases (never flagged); the threshold as a dashed rule.

    `frame` has intent, value (a rate, 0-1) and cases. `selected` draws the other intents faded; a
    `selection_name` makes bars clickable (a point selection on the intent, for st.altair_chart on_select).
    """
    shown = frame.assign(intent=member_texts(frame["intent"]), value=numbers(frame["value"]),
                         cases=numbers(frame["cases"]).fillna(0.0)).dropna(subset=["value"])
    if shown.empty:
        raise ValueError(f"no {rate_label} figures to draw")
    shown["band"] = [_rate_band(v, c, threshold, min_cases) for v, c in zip(shown["value"], shown["cases"],
                                                                           strict=True)]
    threshold_text = format_value(threshold, "rate")
    band_words = {FLAGGED: f"At or above {threshold_text}", BELOW: f"Below {threshold_text}",
                  THIN: f"Fewer than {min_cases} {cases_label} (not flagged)"}
    shown["band_text"] = shown["band"].map(band_words)
    shown["value_text"] = [format_value(v, "rate") for v in shown["value"]]
    shown["cases_text"] = [f"{int(c):,}" for c in shown["cases"]]
    shown["is_selected"] = [selected is None or i == selected for i in shown["intent"]]
    shown = shown.sort_values(["value", "intent"], ascending=[False, True])
    order = shown["intent"].tolist()
    domain = [band_words[b] for b in (FLAGGED, BELOW, THIN) if (shown["band"] == b).any()]
    colours = {band_words[FLAGGED]: OKABE_ITO["vermillion"], band_words[BELOW]: OKABE_ITO["blue"],
               band_words[THIN]: MUTED_COLOUR}
    top = max(float(shown["value"].max()), threshold)
    x = alt.X("value:Q", title=rate_label, axis=alt.Axis(format=".0%", tickCount=5, titleAngle=0),
              scale=alt.Scale(domain=[0, min(1.0, top * 1.15) if top > 0 else 1.0], nice=False))
    y = alt.Y("intent:N", title=None, sort=order, axis=alt.Axis(labelLimit=220))
    base = alt.Chart(shown).encode(y=y)
    bars = base.mark_bar(height={"band": 0.75}).encode(
        x=x,
        color=alt.Color("band_text:N", title=None, scale=alt.Scale(domain=domain, range=[colours[d] for d in domain]),
                        legend=alt.Legend(orient="top", direction="horizontal", labelLimit=360)),
        opacity=alt.condition("datum.is_selected", alt.value(1.0), alt.value(0.3)),
        tooltip=[alt.Tooltip("intent:N", title="Intent"), alt.Tooltip("value_text:N", title=rate_label),
                 alt.Tooltip("cases_text:N", title=cases_label.capitalize()),
                 alt.Tooltip("band_text:N", title="Flag")],
    )
    if selection_name:
        bars = bars.add_params(alt.selection_point(name=selection_name, fields=["intent"], on="click",
                                                   clear="dblclick"))
    labels = base.mark_text(align="left", dx=5, fontSize=FONT_SIZE, color=TEXT_COLOUR).encode(
        x="value:Q", text="value_text:N")
    rule_data = pd.DataFrame({"threshold": [threshold], "threshold_text": [threshold_label]})
    rule = alt.Chart(rule_data).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=1.5).encode(
        x="threshold:Q", tooltip=[alt.Tooltip("threshold_text:N", title="Threshold")])
    # a height per bar (Step): a fixed total is fitted around the legend and axis too, and squeezes a few bars
    chart = alt.layer(bars, labels, rule).properties(height=alt.Step(BAR_STEP), width="container")
    return apply_theme(chart)


def sentiment_handoff_chart(frame: pd.DataFrame, *, selected: str | None = None) -> alt.TopLevelMixin:
    """Per intent, the customer's mean sentiment to the bot (before the handoff) and to the person (after) as
    two dots joined by a line, the intent with the largest rise on top; 0 (neutral) as a rule.

    `frame` has intent, mean_before, mean_after, count_before, count_after (VADER compound, -1 to +1).
    """
    shown = frame.assign(intent=member_texts(frame["intent"]), mean_before=numbers(frame["mean_before"]),
                         mean_after=numbers(frame["mean_after"]), count_before=numbers(frame["count_before"]),
                         count_after=numbers(frame["count_after"])).dropna(subset=["mean_before", "mean_after"])
    if shown.empty:
        raise ValueError("no intent has sentiment on both sides of the handoff")
    shown["rise"] = shown["mean_after"] - shown["mean_before"]  # only to order the rows: the catalog's change
    shown = shown.sort_values(["rise", "intent"], ascending=[False, True])  # is shown in the headline
    order = shown["intent"].tolist()
    shown["is_selected"] = [selected is None or i == selected for i in shown["intent"]]
    sides = {"before": "To the bot (before the handoff)", "after": "To the person (after)"}
    long = pd.concat([
        pd.DataFrame({"intent": shown["intent"], "side": sides[side], "mean": shown[f"mean_{side}"],
                      "sessions_scored": shown[f"count_{side}"], "is_selected": shown["is_selected"]})
        for side in sides
    ], ignore_index=True)
    long["mean_text"] = [format_value(v, "score") for v in long["mean"]]
    y = alt.Y("intent:N", title=None, sort=order, axis=alt.Axis(labelLimit=220))
    x_scale = alt.Scale(domain=[-1, 1])
    opacity = alt.condition("datum.is_selected", alt.value(1.0), alt.value(0.3))
    spans = alt.Chart(shown).mark_rule(color=MUTED_COLOUR, strokeWidth=3).encode(
        y=y, x=alt.X("mean_before:Q", scale=x_scale), x2="mean_after:Q", opacity=opacity)
    dots = alt.Chart(long).mark_circle(size=150, opacity=1).encode(
        y=y,
        x=alt.X("mean:Q", title="Customer's mean sentiment (VADER compound, -1 to +1)", scale=x_scale,
                axis=alt.Axis(format="+.1f", values=[-1, -0.5, 0, 0.5, 1], titleAngle=0)),
        color=alt.Color("side:N", title=None, scale=alt.Scale(domain=list(sides.values()),
                                                              range=[OKABE_ITO["orange"], OKABE_ITO["blue"]]),
                        legend=alt.Legend(orient="top", labelLimit=320)),
        opacity=opacity,
        tooltip=[alt.Tooltip("intent:N", title="Intent"), alt.Tooltip("side:N", title="Side"),
                 alt.Tooltip("mean_text:N", title="Mean sentiment"),
                 alt.Tooltip("sessions_scored:Q", title="Sessions scored", format=",")],
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=TARGET_COLOUR, strokeDash=[4, 4]).encode(
        x="zero:Q")
    chart = alt.layer(zero, spans, dots).properties(height=alt.Step(BAR_STEP), width="container")
    return apply_theme(chart)


def cost_by_path_chart(frame: pd.DataFrame, *, label: str, currency: str = "USD") -> alt.TopLevelMixin:
    """Cost per resolved episode by episode path, one horizontal bar per path in a fixed order, each labelled
    with its cost in the configured currency.

    `frame` has episode_path (bot_only, bot_then_human, human_only), value (money) and denominator (resolved
    episodes)."""
    shown = frame.assign(value=numbers(frame["value"]), denominator=numbers(frame["denominator"]).fillna(0.0))
    shown = shown.dropna(subset=["value"])
    shown = shown[shown["episode_path"].isin(PATH_ORDER)]
    if shown.empty:
        raise ValueError("no resolved episode has a cost")
    shown["path_label"] = shown["episode_path"].map(PATH_LABELS)
    shown["value_text"] = [format_value(v, "money", currency) for v in shown["value"]]
    shown["episodes_text"] = [f"{int(d):,}" for d in shown["denominator"]]
    order = [PATH_LABELS[p] for p in PATH_ORDER if (shown["episode_path"] == p).any()]
    colours = [PATH_COLOURS[p] for p in PATH_ORDER if (shown["episode_path"] == p).any()]
    y = alt.Y("path_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=220))
    top = float(shown["value"].max())
    bars = alt.Chart(shown).mark_bar(height={"band": 0.6}).encode(
        y=y,
        x=alt.X("value:Q", title=f"{label} ({currency.upper()})", scale=alt.Scale(domain=[0, top * 1.3 or 1]),
                axis=alt.Axis(format=",.2f", tickCount=5, titleAngle=0)),
        color=alt.Color("path_label:N", legend=None, scale=alt.Scale(domain=order, range=colours)),
        tooltip=[alt.Tooltip("path_label:N", title="Path"), alt.Tooltip("value_text:N", title=label),
                 alt.Tooltip("episodes_text:N", title="Resolved episodes")],
    )
    labels = alt.Chart(shown).mark_text(align="left", dx=6, fontSize=FONT_SIZE + 1, fontWeight="bold",
                                        color=TEXT_COLOUR).encode(y=y, x="value:Q", text="value_text:N")
    chart = alt.layer(bars, labels).properties(height=alt.Step(56), width="container")
    return apply_theme(chart)
