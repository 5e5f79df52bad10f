"""Charts of the Experience page: pure functions from a small aggregated frame to an Altair chart.

Builders never query and never compute a metric: they receive counts and figures from dashboard.queries and
dashboard.app_pages.experience.queries and only scale them for display (a count's share of its column, for labels).
Each raises ValueError when there is nothing to draw, so the page shows a message instead of a blank chart.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import FONT_SIZE, OKABE_ITO, TARGET_COLOUR, TEXT_COLOUR, apply_theme, member_texts, numbers
from dashboard.formatting import format_value, target_text

TONE_LABELS = {"negative": "Negative", "neutral": "Neutral", "positive": "Positive"}
TONE_COLOURS = {"Negative": OKABE_ITO["vermillion"], "Neutral": "#9AA5B1", "Positive": OKABE_ITO["green"]}
THIN_COLOUR = "#C5CCD3"
# The confidence ladder, top rung first (catalog names of sql/metrics/journeys.yml).
CONFIDENCE_RUNGS = {
    "resolution_confirmed_share": OKABE_ITO["green"],
    "resolution_no_return_share": OKABE_ITO["blue"],
    "resolution_tone_not_negative_share": OKABE_ITO["sky_blue"],
    "resolution_unconfirmed_share": OKABE_ITO["vermillion"],
}
SURVEY, INFERRED = "Survey CES", "Inferred effort"
BAR_HEIGHT = 30


def _tone_frame(counts: pd.DataFrame) -> pd.DataFrame:
    shown = counts[counts["tone"].isin(TONE_LABELS)].copy()
    shown["tone_label"] = shown["tone"].map(TONE_LABELS)
    shown["contacts"] = numbers(shown["contacts"]).fillna(0.0)
    return shown


def end_tone_chart(counts: pd.DataFrame) -> alt.TopLevelMixin:
    """Contacts by the tone of the customer's last message: one bar per tone, labelled with count and share.

    `counts` has tone (negative / neutral / positive) and contacts."""
    shown = _tone_frame(counts)
    total = float(shown["contacts"].sum()) if not shown.empty else 0.0
    if total <= 0:
        raise ValueError("no contact with a scored customer message")
    shown["share"] = shown["contacts"] / total
    shown["label"] = [f"{int(c):,} ({s:.0%})" for c, s in zip(shown["contacts"], shown["share"], strict=True)]
    order = list(TONE_LABELS.values())
    y = alt.Y("tone_label:N", title=None, sort=order, axis=alt.Axis(labelFontSize=FONT_SIZE + 1))
    base = alt.Chart(shown).encode(y=y, tooltip=[
        alt.Tooltip("tone_label:N", title="Customer's last message"),
        alt.Tooltip("contacts:Q", title="Contacts", format=","),
        alt.Tooltip("share:Q", title="Share", format=".1%"),
    ])
    bars = base.mark_bar(height=BAR_HEIGHT).encode(
        x=alt.X("contacts:Q", title="Contacts", axis=alt.Axis(format=",.0f", tickCount=4, tickMinStep=1),
                scale=alt.Scale(domain=[0, float(shown["contacts"].max()) * 1.3])),
        color=alt.Color("tone_label:N", legend=None, scale=alt.Scale(domain=order,
                                                                     range=[TONE_COLOURS[t] for t in order])),
    )
    labels = base.mark_text(align="left", dx=6, fontSize=FONT_SIZE, color=TEXT_COLOUR).encode(
        x="contacts:Q", text="label:N")
    # heights per row (Step) throughout: a fixed total is fitted around the legend and axis too
    return apply_theme(alt.layer(bars, labels).properties(height=alt.Step(BAR_HEIGHT + 14), width="container"))


def weekly_tone_chart(weekly: pd.DataFrame, height: int = 230) -> alt.TopLevelMixin:
    """The weekly mix of end tones: one stacked bar per week, as shares of the week's contacts.

    `weekly` has week_start, tone and contacts."""
    shown = _tone_frame(weekly)
    if shown.empty or shown["contacts"].sum() <= 0:
        raise ValueError("no contact with a scored customer message")
    shown["week_start"] = pd.to_datetime(shown["week_start"])
    totals = shown.groupby("week_start")["contacts"].transform("sum")
    shown["share"] = shown["contacts"] / totals
    shown["week_text"] = [f"Week of {w:%d %b %Y}" for w in shown["week_start"]]
    # weeks as categories, so every bar has the same width; at most about eight labels
    shown["week_label"] = [f"{w:%d %b}" for w in shown["week_start"]]
    weeks = [f"{w:%d %b}" for w in sorted(shown["week_start"].unique())]
    ticks = weeks[::max(1, -(-len(weeks) // 8))]
    order = list(TONE_LABELS.values())
    shown["tone_order"] = shown["tone_label"].map({t: i for i, t in enumerate(order)})
    chart = alt.Chart(shown).mark_bar().encode(
        x=alt.X("week_label:O", title="Week starting", sort=weeks, axis=alt.Axis(labelAngle=0, values=ticks)),
        y=alt.Y("share:Q", title=None, stack="normalize", axis=alt.Axis(format=".0%", tickCount=5)),
        color=alt.Color("tone_label:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=[TONE_COLOURS[t] for t in order]),
                        legend=alt.Legend(orient="top")),
        order=alt.Order("tone_order:Q"),
        tooltip=[alt.Tooltip("week_text:N", title="Week"), alt.Tooltip("tone_label:N", title="Tone"),
                 alt.Tooltip("contacts:Q", title="Contacts", format=","),
                 alt.Tooltip("share:Q", title="Share of the week", format=".1%")],
    ).properties(height=height, width="container")
    return apply_theme(chart)


def rate_by_member_chart(frame: pd.DataFrame, *, member_label: str, value_label: str, target: float | None,
                         direction: str, cases_label: str) -> alt.TopLevelMixin:
    """A rate per member (a team...), one horizontal bar each, best first; thin members in light grey and
    marked "(thin)"; the target as a dashed rule.

    `frame` has member, value (0-1), cases and is_thin."""
    shown = frame.assign(member=member_texts(frame["member"]), value=numbers(frame["value"]),
                         cases=numbers(frame["cases"]).fillna(0.0),
                         is_thin=[bool(t) if t is not None and t == t else True for t in frame["is_thin"]])
    shown = shown.dropna(subset=["value"])
    if shown.empty:
        raise ValueError("no member has a figure")
    shown["member_text"] = [f"{m} (thin)" if t else str(m) for m, t in zip(shown["member"], shown["is_thin"],
                                                                          strict=True)]
    shown["kind"] = ["Too few cases" if t else "Enough cases" for t in shown["is_thin"]]
    shown["label"] = [f"{v:.0%} of {int(c):,}" for v, c in zip(shown["value"], shown["cases"], strict=True)]
    order = shown.sort_values(["is_thin", "value"], ascending=[True, False])["member_text"].tolist()
    y = alt.Y("member_text:N", title=None, sort=order)
    base = alt.Chart(shown).encode(y=y, tooltip=[
        alt.Tooltip("member:N", title=member_label), alt.Tooltip("value:Q", title=value_label, format=".1%"),
        alt.Tooltip("cases:Q", title=cases_label, format=","), alt.Tooltip("kind:N", title="Cases")])
    bars = base.mark_bar(height=18).encode(
        x=alt.X("value:Q", title=value_label, scale=alt.Scale(domain=[0, 1.15]),
                axis=alt.Axis(format=".0%", tickCount=5, values=[0, 0.25, 0.5, 0.75, 1.0])),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["Enough cases", "Too few cases"],
                                                              range=[OKABE_ITO["blue"], THIN_COLOUR]),
                        legend=alt.Legend(orient="top")),
    )
    labels = base.mark_text(align="left", dx=5, fontSize=FONT_SIZE - 1, color=TEXT_COLOUR).encode(
        x="value:Q", text="label:N")
    layers: list[alt.Chart] = [bars, labels]
    if target is not None:
        rule_data = pd.DataFrame({"target": [target], "text": [target_text(target, "rate", direction) or ""]})
        layers.append(alt.Chart(rule_data).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=1.5)
                      .encode(x="target:Q", tooltip=[alt.Tooltip("text:N", title="Target")]))
    return apply_theme(alt.layer(*layers).properties(height=alt.Step(26), width="container"))


def effort_by_intent_chart(frame: pd.DataFrame, *, target: float | None = None) -> alt.TopLevelMixin:
    """Survey CES and inferred effort per intent side by side on the CES scale: a dot for each, joined by a
    line; a survey mean on too few answers is drawn hollow.

    `frame` has intent, survey (mean CES or None), survey_answers, survey_thin, inferred (mean or None),
    inferred_contacts."""
    shown = frame.assign(intent=member_texts(frame["intent"]), survey=numbers(frame["survey"]),
                         inferred=numbers(frame["inferred"]),
                         survey_answers=numbers(frame["survey_answers"]).fillna(0.0),
                         inferred_contacts=numbers(frame["inferred_contacts"]).fillna(0.0),
                         survey_thin=[bool(t) if t is not None and t == t else True for t in frame["survey_thin"]])
    shown = shown.dropna(subset=["survey", "inferred"], how="all")
    if shown.empty:
        raise ValueError("no intent has a survey or an inferred effort figure")
    # hardest first: by the survey where customers answered, else by the inferred score
    shown["sort_key"] = shown["survey"].fillna(shown["inferred"])
    order = shown.sort_values(["sort_key", "intent"])["intent"].tolist()
    long = pd.concat([
        pd.DataFrame({"intent": shown["intent"], "measure": SURVEY, "score": shown["survey"],
                      "cases": shown["survey_answers"], "is_thin": shown["survey_thin"].astype(bool)}),
        pd.DataFrame({"intent": shown["intent"], "measure": INFERRED, "score": shown["inferred"],
                      "cases": shown["inferred_contacts"], "is_thin": False}),
    ], ignore_index=True).dropna(subset=["score"])
    long["score_text"] = [format_value(v, "ces") for v in long["score"]]
    long["cases_text"] = [f"{int(c):,} {'answers' if m == SURVEY else 'contacts'}" + (" (thin)" if t else "")
                          for c, m, t in zip(long["cases"], long["measure"], long["is_thin"], strict=True)]
    low = max(1.0, float(long["score"].min()) - 0.3)
    high = min(7.0, float(long["score"].max()) + 0.3)
    if target is not None:
        low, high = min(low, target - 0.2), max(high, target + 0.2)
    x = alt.X("score:Q", title="CES scale, 1 to 7 (7 = easiest)",
              scale=alt.Scale(domain=[low, high], nice=False, zero=False), axis=alt.Axis(format=".1f", tickCount=6))
    y = alt.Y("intent:N", title=None, sort=order)
    domain, colours = [SURVEY, INFERRED], [OKABE_ITO["blue"], OKABE_ITO["orange"]]
    links = alt.Chart(long).mark_line(color="#9AA5B1", strokeWidth=2).encode(x=x, y=y, detail="intent:N")
    dots = alt.Chart(long).mark_point(size=150, strokeWidth=2.5, opacity=1).encode(
        x=x, y=y,
        color=alt.Color("measure:N", title=None, scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(orient="top")),
        shape=alt.Shape("measure:N", title=None, scale=alt.Scale(domain=domain, range=["circle", "diamond"])),
        fill=alt.condition("datum.is_thin", alt.value("white"), alt.Fill("measure:N", scale=alt.Scale(
            domain=domain, range=colours), legend=None)),
        tooltip=[alt.Tooltip("intent:N", title="Intent"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("score_text:N", title="Mean"), alt.Tooltip("cases_text:N", title="Behind it")],
    )
    layers: list[alt.Chart] = [links, dots]
    if target is not None:
        rule_data = pd.DataFrame({"target": [target], "text": [target_text(target, "ces", "higher_is_better")]})
        layers.insert(0, alt.Chart(rule_data).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=1.5)
                      .encode(x="target:Q", tooltip=[alt.Tooltip("text:N", title="Target")]))
    return apply_theme(alt.layer(*layers).properties(height=alt.Step(30), width="container"))


def confidence_chart(frame: pd.DataFrame, labels: dict[str, str], height_per_row: int = 34) -> alt.TopLevelMixin:
    """The confidence-in-resolution ladder as 100 % bars, one row per member ("All" first), rungs from the
    customer's own confirmation (left) to no evidence at all (right).

    `frame` has member, metric (a CONFIDENCE_RUNGS name), value (share) and cases (episodes whose outcome is
    known); `labels` maps metric names to their catalog labels."""
    shown = frame[frame["metric"].isin(CONFIDENCE_RUNGS)]
    shown = shown.assign(member=member_texts(shown["member"]), value=numbers(shown["value"]),
                         cases=numbers(shown["cases"]).fillna(0.0)).dropna(subset=["value"])
    if shown.empty:
        raise ValueError("no episode whose outcome is known")
    rungs = list(CONFIDENCE_RUNGS)
    domain = [labels.get(m, m) for m in rungs]
    shown["rung"] = shown["metric"].map(lambda m: labels.get(m, m))
    shown["rung_order"] = shown["metric"].map({m: i for i, m in enumerate(rungs)})
    shown["member_text"] = [f"{m} ({int(c):,})" for m, c in zip(shown["member"], shown["cases"], strict=True)]
    members = list(dict.fromkeys(shown["member_text"]))  # in the frame's order: the page puts "All" first
    shown["label"] = [f"{v:.0%}" if v >= 0.06 else "" for v in shown["value"]]
    base = alt.Chart(shown).encode(
        y=alt.Y("member_text:N", title=None, sort=members),
        x=alt.X("value:Q", title="Share of episodes whose outcome is known", stack="zero",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1.0])),
        order=alt.Order("rung_order:Q"),
        tooltip=[alt.Tooltip("member:N", title="Episodes of"), alt.Tooltip("rung:N", title="Confidence"),
                 alt.Tooltip("value:Q", title="Share", format=".1%"),
                 alt.Tooltip("cases:Q", title="Episodes whose outcome is known", format=",")],
    )
    bars = base.mark_bar(height=height_per_row - 8).encode(
        color=alt.Color("rung:N", title=None, sort=domain,
                        scale=alt.Scale(domain=domain, range=[CONFIDENCE_RUNGS[m] for m in rungs]),
                        legend=alt.Legend(orient="top", columns=4)))
    text = base.mark_text(align="right", dx=-4, fontSize=FONT_SIZE - 1, color="white", fontWeight="bold").encode(
        x=alt.X("value:Q", stack="zero"), text="label:N")
    return apply_theme(alt.layer(bars, text).properties(height=alt.Step(height_per_row), width="container"))
