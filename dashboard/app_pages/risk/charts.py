"""Chart builders of the Churn and revenue risk page: pure functions from a frame to an Altair chart.

House look from dashboard.charts (apply_theme, Okabe-Ito colours, text of 12 px and more). Builders never
query and never compute metrics; each raises ValueError when there is nothing to draw, so the page shows a
message instead of a blank chart.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import FONT_SIZE, OKABE_ITO, TARGET_COLOUR, TEXT_COLOUR, apply_theme, member_texts, numbers
from dashboard.formatting import axis_scale

RAISES, LOWERS = "Raises the odds of churning", "Lowers the odds of churning"
BAR_HEIGHT = 30  # pixels per bar of a horizontal bar chart
SMALL_HEIGHT = 260


def _bar_height(rows: int) -> alt.Step:
    """A fixed height per bar, so a chart with more bars grows instead of squeezing them."""
    return alt.Step(BAR_HEIGHT)


def calibration_chart(frame: pd.DataFrame, height: int = SMALL_HEIGHT) -> alt.TopLevelMixin:
    """Held-out accounts by decile of predicted risk: mean predicted (across) against the share that churned
    (up), one point per decile (no line between them: under the rule several deciles share one probability),
    with the diagonal where the two agree.

    `frame` has decile, count_accounts, mean_predicted, observed_rate, count_churned."""
    shown = frame.assign(**{c: numbers(frame[c]) for c in ("decile", "count_accounts", "mean_predicted",
                                                           "observed_rate", "count_churned")})
    shown = shown.dropna(subset=["decile", "mean_predicted", "observed_rate"])
    if shown.empty:
        raise ValueError("no calibration deciles to draw")
    shown[["count_accounts", "count_churned"]] = shown[["count_accounts", "count_churned"]].fillna(0.0)
    top = float(max(shown["mean_predicted"].max(), shown["observed_rate"].max(), 0.05))
    shown["decile_text"] = [f"Decile {int(d)} of predicted risk" for d in shown["decile"]]
    shown["predicted_text"] = [f"{v:.1%}" for v in shown["mean_predicted"]]
    shown["observed_text"] = [f"{v:.1%} ({int(c)} of {int(n)} accounts)" for v, c, n in
                              zip(shown["observed_rate"], shown["count_churned"], shown["count_accounts"], strict=True)]
    scale = alt.Scale(domain=[0, top * 1.05], nice=False)
    diagonal = alt.Chart(pd.DataFrame({"x": [0.0, top * 1.05], "y": [0.0, top * 1.05]})).mark_line(
        color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=1.5).encode(x=alt.X("x:Q", scale=scale),
                                                                        y=alt.Y("y:Q", scale=scale))
    base = alt.Chart(shown).encode(
        x=alt.X("mean_predicted:Q", title="Predicted churn risk (decile mean)", scale=scale,
                axis=alt.Axis(format=".0%", tickCount=5)),
        y=alt.Y("observed_rate:Q", title="Share that churned", scale=scale,
                axis=alt.Axis(format=".0%", tickCount=5)),
        tooltip=[alt.Tooltip("decile_text:N", title="Group"), alt.Tooltip("predicted_text:N", title="Predicted"),
                 alt.Tooltip("observed_text:N", title="Churned")],
    )
    points = base.mark_circle(color=OKABE_ITO["blue"], size=110, opacity=1)
    key = alt.Chart(pd.DataFrame({"text": ["- - -  predicted = observed"]})).mark_text(
        align="right", baseline="bottom", fontSize=FONT_SIZE - 1, color=TARGET_COLOUR).encode(
        x=alt.value("width"), y=alt.value("height"), yOffset=alt.value(-6), text="text:N")
    chart = alt.layer(diagonal, points, key).properties(height=height, width="container")
    return apply_theme(chart)


def odds_ratio_chart(frame: pd.DataFrame) -> alt.TopLevelMixin:
    """The strongest odds ratios as bars from 1 (no effect) on a log scale, with their 95% interval as a
    black line: vermillion bars raise the odds of churning, blue ones lower them.

    `frame` has label, odds_ratio, odds_ratio_ci_low, odds_ratio_ci_high and sentence (the tooltip), in the
    order to draw (top first)."""
    shown = frame.assign(label=member_texts(frame["label"]),
                         **{c: numbers(frame[c]) for c in ("odds_ratio", "odds_ratio_ci_low", "odds_ratio_ci_high")})
    shown = shown.dropna(subset=["odds_ratio"])
    shown = shown[shown["odds_ratio"] > 0]  # a log scale has no place for 0
    if shown.empty:
        raise ValueError("no odds ratios to draw")
    shown["one"] = 1.0
    shown["effect"] = [RAISES if v >= 1 else LOWERS for v in shown["odds_ratio"]]
    shown["low"] = shown["odds_ratio_ci_low"].fillna(shown["odds_ratio"])
    shown["high"] = shown["odds_ratio_ci_high"].fillna(shown["odds_ratio"])
    shown["ratio_text"] = [f"× {v:.2f}" for v in shown["odds_ratio"]]
    shown["interval_text"] = [f"{lo:.2f} to {hi:.2f}" for lo, hi in zip(shown["low"], shown["high"], strict=True)]
    lowest = float(min(shown["low"].min(), shown["odds_ratio"].min(), 1.0))
    highest = float(max(shown["high"].max(), shown["odds_ratio"].max(), 1.0))
    scale = alt.Scale(type="log", domain=[lowest / 1.15, highest * 1.15], nice=False)
    order = list(shown["label"])
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=340, labelFontSize=FONT_SIZE))
    tooltip = [alt.Tooltip("sentence:N", title="In words"), alt.Tooltip("ratio_text:N", title="Odds ratio"),
               alt.Tooltip("interval_text:N", title="95% interval")]
    base = alt.Chart(shown).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height=16, opacity=0.9).encode(
        x=alt.X("odds_ratio:Q", title="Odds ratio (log scale; 1 = no effect)", scale=scale,
                axis=alt.Axis(values=[0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6], format=".2~f", grid=True)),
        x2="one:Q",
        color=alt.Color("effect:N", title=None, scale=alt.Scale(domain=[RAISES, LOWERS],
                                                                range=[OKABE_ITO["vermillion"], OKABE_ITO["blue"]]),
                        legend=alt.Legend(orient="top")),
    )
    interval = base.mark_rule(color=TEXT_COLOUR, strokeWidth=2).encode(x="low:Q", x2="high:Q")
    ends = base.mark_tick(color=TEXT_COLOUR, thickness=2, size=10).encode(x="high:Q") + base.mark_tick(
        color=TEXT_COLOUR, thickness=2, size=10).encode(x="low:Q")
    no_effect = alt.Chart(pd.DataFrame({"one": [1.0]})).mark_rule(color=TARGET_COLOUR, strokeDash=[4, 3]).encode(
        x="one:Q")
    chart = alt.layer(bars, interval, ends, no_effect).properties(height=_bar_height(len(shown)), width="container")
    return apply_theme(chart)


def rule_points_chart(frame: pd.DataFrame) -> alt.TopLevelMixin:
    """The points rule: one bar per warning sign, its points across. `frame` has label and points."""
    shown = frame.assign(label=member_texts(frame["label"]), points=numbers(frame["points"]))
    shown = shown.dropna(subset=["points"])
    if shown.empty:
        raise ValueError("no rule to draw")
    order = list(shown["label"])
    chart = alt.Chart(shown).mark_bar(color=OKABE_ITO["orange"], height=16).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=420)),
        x=alt.X("points:Q", title="Points added to the account's score", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("label:N", title="Warning sign"), alt.Tooltip("points:Q", title="Points")],
    ).properties(height=_bar_height(len(shown)), width="container")
    return apply_theme(chart)


def revenue_bars(frame: pd.DataFrame, *, category: str, unit: str = "money", currency: str = "USD",
                 colour: str = OKABE_ITO["vermillion"]) -> alt.TopLevelMixin:
    """One horizontal bar per member (largest first) with its figure written at the end of the bar.

    `frame` has member, value and value_text (the figure formatted by unit)."""
    shown = frame.assign(member=member_texts(frame["member"]), value=numbers(frame["value"]))
    shown = shown.dropna(subset=["value"])
    shown = shown[shown["value"] > 0]
    if shown.empty:
        raise ValueError(f"no {category.lower()} with a figure to draw")
    shown = shown.sort_values("value", ascending=False, kind="stable")
    scale = axis_scale(unit, float(shown["value"].max()), currency)
    order = list(shown["member"])
    base = alt.Chart(shown).encode(
        y=alt.Y("member:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
        x=alt.X("value:Q", title=f"{scale.unit_label}", axis=alt.Axis(
            format="~s" if unit == "money" else scale.number_format, tickCount=4),
                scale=alt.Scale(domain=[0, float(shown["value"].max()) * 1.25])),
        tooltip=[alt.Tooltip("member:N", title=category), alt.Tooltip("value_text:N", title="Figure")],
    )
    bars = base.mark_bar(color=colour, height=18)
    labels = base.mark_text(align="left", dx=5, fontSize=FONT_SIZE, color=TEXT_COLOUR).encode(text="value_text:N")
    chart = alt.layer(bars, labels).properties(height=_bar_height(len(shown)), width="container")
    return apply_theme(chart)


def risk_history_chart(frame: pd.DataFrame, height: int = 180) -> alt.TopLevelMixin:
    """One account's churn probability at each stored fit. `frame` has fitted_at and churn_probability."""
    shown = frame.assign(churn_probability=numbers(frame["churn_probability"]))
    shown = shown.dropna(subset=["churn_probability", "fitted_at"])
    if len(shown) < 2:
        raise ValueError("fewer than two fits: no history to draw")
    shown["fitted_at"] = pd.to_datetime(shown["fitted_at"])
    shown["probability_text"] = [f"{v:.1%}" for v in shown["churn_probability"]]
    base = alt.Chart(shown).encode(
        x=alt.X("fitted_at:T", title="Model fitted", axis=alt.Axis(format="%d %b %Y", labelAngle=0)),
        y=alt.Y("churn_probability:Q", title="Churn risk", axis=alt.Axis(format=".0%", tickCount=4),
                scale=alt.Scale(zero=True)),
        tooltip=[alt.Tooltip("fitted_at:T", title="Fitted", format="%d %b %Y %H:%M"),
                 alt.Tooltip("probability_text:N", title="Churn risk")],
    )
    chart = alt.layer(base.mark_line(color=OKABE_ITO["blue"], strokeWidth=2),
                      base.mark_circle(color=OKABE_ITO["blue"], size=70, opacity=1)).properties(
        height=height, width="container")
    return apply_theme(chart)
