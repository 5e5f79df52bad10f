"""Altair chart builders: pure functions from a frame to a chart, all in one theme.

Colours are Okabe–Ito (safe for the common colour-vision deficiencies). Text is at least 12 px so that a
chart reads at a glance on a meeting-room screen. Builders never query and never compute metrics: they
receive figures from dashboard.queries and only scale them for display.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from dashboard.formatting import axis_scale, format_value, target_text

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
PALETTE = [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "sky_blue", "purple", "yellow")]
LINE_COLOUR = OKABE_ITO["blue"]
TARGET_COLOUR = "#555555"
TEXT_COLOUR = "#1F2933"
GRID_COLOUR = "#E4E7EB"
FONT = "Source Sans Pro, Helvetica Neue, Arial, sans-serif"
FONT_SIZE = 13
TREND_HEIGHT = 210
TARGET_KEY_OFFSET = 60  # pixels below the plot: a line of its own under the x-axis title
NO_MEMBER = "(none)"  # a member (intent, team, label...) the source left empty, as the queries spell it


def member_texts(values: pd.Series) -> pd.Series:
    """Members as text for an axis or a legend: a missing one (NULL, NaN) reads NO_MEMBER, never "None" or
    "nan" (Vega-Lite refuses a null in a sort order or a scale domain)."""
    return pd.Series([NO_MEMBER if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values],
                     index=values.index, dtype=object)


def numbers(values: pd.Series) -> pd.Series:
    """Figures as float64 whatever they arrived as (object columns, PostgreSQL Decimal, None): NaN where
    missing, so that sums, cumulative sums and divisions work."""
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("float64")


_FORMAT_DECIMALS = re.compile(r"\.(\d+)")


def min_tick_step(number_format: str) -> float:
    """The smallest step between axis ticks that the d3 format can tell apart: ",.0f" 1, ".0%" 0.01, "+.2f"
    0.01. Without it a small range (3 contacts, all 0%) repeats labels: "0% 0% 0% 1% 1%" (pure)."""
    match = _FORMAT_DECIMALS.search(number_format)
    decimals = int(match.group(1)) if match else 0
    return 10.0 ** -(decimals + (2 if number_format.rstrip("~").endswith("%") else 0))


def apply_theme(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The house look: large text, light grid, no frame, no chart junk."""
    return (
        chart.configure(font=FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=FONT_SIZE,
            titleFontSize=FONT_SIZE,
            titleFontWeight="normal",
            labelColor=TEXT_COLOUR,
            titleColor=TEXT_COLOUR,
            gridColor=GRID_COLOUR,
            domain=False,
            tickColor=GRID_COLOUR,
            labelPadding=6,
        )
        .configure_axisX(grid=False, domain=True, domainColor="#9AA5B1")
        .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
        .configure_title(fontSize=FONT_SIZE + 2, color=TEXT_COLOUR, anchor="start")
        .configure_range(category=PALETTE)
    )


def _week_label(week: pd.Timestamp, days_in_range: int) -> str:
    label = f"Week of {week:%d %b %Y}"
    return label if days_in_range >= 7 else f"{label} (partial: {days_in_range} of 7 days)"


def week_ticks(weeks: pd.Series, most: int = 7) -> list[alt.DateTime]:
    """Axis ticks on the weeks themselves (Mondays, not Vega's Sunday weeks), thinned to at most `most`.

    As UTC DateTime objects: Streamlit's Vega drops plain epoch numbers as temporal tick values.
    """
    distinct = [pd.Timestamp(week) for week in sorted(pd.to_datetime(weeks).dropna().unique())]
    step = max(1, -(-len(distinct) // most))
    return [alt.DateTime(year=w.year, month=w.month, date=w.day, utc=True) for w in distinct[::step]]


def _label_width(values: pd.Series, number_format: str) -> int:
    """About how wide the y-axis labels are, in pixels, so the horizontal title starts where they do."""
    top = pd.to_numeric(values, errors="coerce").abs().max()
    top = 0.0 if pd.isna(top) else float(top)
    if number_format.endswith("%"):
        characters = len(f"{top * 100:.0f}") + 1
    elif "," in number_format:
        characters = len(f"{top:,.0f}") + (2 if number_format.endswith(".1f") else 0)
    else:
        characters = len(f"{top:+.2f}")
    return int(characters * FONT_SIZE * 0.6) + 8


def trend_frame(frame: pd.DataFrame, unit: str, currency: str = "USD") -> tuple[pd.DataFrame, str, str]:
    """The weekly figures scaled for display, with tooltip texts; returns (frame, unit label, d3 format)."""
    values = numbers(frame["value"])
    scale = axis_scale(unit, values.abs().max() if values.notna().any() else None, currency)
    # a week whose days in range are unknown is taken as a full week
    days = (numbers(frame["days_in_range"]).fillna(7).astype("int64") if "days_in_range" in frame
            else pd.Series(7, index=frame.index))
    shown = pd.DataFrame({
        "week_start": pd.to_datetime(frame["week_start"]),
        "shown": values / scale.factor,
        "value_text": [format_value(v if pd.notna(v) else None, unit, currency) for v in values],
        "is_partial": [int(d) < 7 for d in days],
    })
    shown["week_text"] = [_week_label(w, int(d)) for w, d in zip(shown["week_start"], days, strict=True)]
    return shown, scale.unit_label, scale.number_format


def trend_chart(
    frame: pd.DataFrame,
    *,
    label: str,
    unit: str,
    target: float | None = None,
    direction: str = "neutral",
    currency: str = "USD",
    height: int = TREND_HEIGHT,
) -> alt.TopLevelMixin:
    """A weekly trend: line with points (hollow for partial weeks), the target as a dashed rule.

    `frame` has week_start, value and optionally days_in_range (how many of the week's days the range
    covers). Raises ValueError when there is nothing to draw: show a message instead of a blank chart.
    """
    if frame.empty or pd.to_numeric(frame["value"], errors="coerce").notna().sum() == 0:
        raise ValueError(f"no {label} figures to draw")
    shown, unit_label, number_format = trend_frame(frame, unit, currency)
    y_title = {"count": f"{label} per week", "%": f"{label} (%)"}.get(unit_label, f"{label} ({unit_label})")
    # Weeks are calendar dates: read and label them in UTC so no browser time zone shifts them a day.
    x = alt.X(
        "week_start:T",
        timeUnit="utcyearmonthdate",
        title="Week starting",
        axis=alt.Axis(
            format="%d %b", labelAngle=0, values=week_ticks(shown["week_start"]), grid=False,
        ),
        scale=alt.Scale(padding=12),
    )
    y = alt.Y(
        "shown:Q",
        title=y_title,
        # The title reads horizontally above the axis: long metric names fit and nobody tilts their head.
        axis=alt.Axis(
            format=number_format, tickCount=5, tickMinStep=min_tick_step(number_format), titleAngle=0,
            titleAlign="left", titleAnchor="end",
            titleBaseline="bottom", titleY=-10, titleX=-_label_width(shown["shown"], number_format),
        ),
        scale=alt.Scale(zero=unit == "count", nice=True),
    )
    tooltip = [
        alt.Tooltip("week_text:N", title="Week"),
        alt.Tooltip("value_text:N", title=label),
    ]
    base = alt.Chart(shown).encode(x=x, y=y, tooltip=tooltip)
    line = base.mark_line(color=LINE_COLOUR, strokeWidth=2.5, interpolate="linear")
    points = base.transform_filter("isValid(datum.shown)").mark_point(
        color=LINE_COLOUR, stroke=LINE_COLOUR, size=70, strokeWidth=2, filled=True, opacity=1
    ).encode(fill=alt.condition("datum.is_partial", alt.value("white"), alt.value(LINE_COLOUR)))
    layers: list[alt.Chart] = [line, points]

    if target is not None:
        largest = pd.to_numeric(frame["value"], errors="coerce").abs().max()
        scale_factor = axis_scale(unit, largest, currency).factor
        words = target_text(target, unit, direction, currency) or ""
        target_data = pd.DataFrame({
            "target": [target / scale_factor],
            "target_text": [words],
            "target_key": [f"- - -  {words}"],
            "week_start": [shown["week_start"].max()],
        })
        rule = alt.Chart(target_data).mark_rule(
            color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=1.5
        ).encode(y="target:Q", tooltip=[alt.Tooltip("target_text:N", title="Target")])
        # The key to the dashed line sits under the x-axis title, right-aligned, where no data can hide it.
        rule_label = alt.Chart(target_data).mark_text(
            align="right", baseline="bottom", fontSize=FONT_SIZE, color=TARGET_COLOUR
        ).encode(x=alt.value("width"), y=alt.value("height"), yOffset=alt.value(TARGET_KEY_OFFSET),
                 text="target_key:N")
        layers += [rule, rule_label]

    chart = alt.layer(*layers).properties(height=height, width="container")
    return apply_theme(chart)


def load_volume_chart(frame: pd.DataFrame, height: int = TREND_HEIGHT) -> alt.TopLevelMixin:
    """Records loaded and rejected per load day, stacked, one colour per outcome.

    `frame` has load_day, rows_loaded, rows_duplicate, rows_rejected (summed over sources)."""
    if frame.empty:
        raise ValueError("no loads to draw")
    daily = frame.groupby("load_day", as_index=False)[["rows_loaded", "rows_duplicate", "rows_rejected"]].sum()
    long = daily.melt("load_day", var_name="outcome", value_name="records")
    long["outcome"] = long["outcome"].map({"rows_loaded": "Loaded", "rows_duplicate": "Already loaded (skipped)",
                                           "rows_rejected": "Rejected (quarantined)"})
    long["load_day"] = pd.to_datetime(long["load_day"]).dt.strftime("%d %b %Y")
    # days as categories: one bar per load day, never a bar stretched over the whole axis
    chart = alt.Chart(long).mark_bar(size=28).encode(
        x=alt.X("load_day:O", title="Load day", sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("records:Q", title="Records", stack=True),
        color=alt.Color("outcome:N", title=None, scale=alt.Scale(
            domain=["Loaded", "Already loaded (skipped)", "Rejected (quarantined)"],
            range=[OKABE_ITO["blue"], OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"]]),
            legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("load_day:N", title="Day"), alt.Tooltip("outcome:N", title="Outcome"),
                 alt.Tooltip("records:Q", title="Records", format=",")],
    ).properties(height=height, width="container")
    return apply_theme(chart)


def quadrant_chart(attainment: pd.DataFrame, *, breakdown_label: str, sla_threshold: float, xla_threshold: float,
                   height: int = 380) -> alt.TopLevelMixin:
    """Efficiency x Empathy: one point per member, SLA attainment across, XLA attainment up. Watermelons (SLA
    met, XLA missed: bottom right) in vermillion, labelled; the thresholds as dashed rules.

    `attainment` comes from dashboard.scorecard.attainment_by_member."""
    shown = attainment.dropna(subset=["sla_attainment", "xla_attainment"]).copy()
    if shown.empty:
        raise ValueError("no member has both SLA and XLA figures with enough cases")
    shown["kind"] = ["Watermelon: SLA met, XLA missed" if w else "Other" for w in shown["is_watermelon"]]
    shown["sla_text"] = [f"{m} of {n} met" for m, n in zip(shown["sla_met"], shown["sla_measured"], strict=True)]
    shown["xla_text"] = [f"{m} of {n} met" for m, n in zip(shown["xla_met"], shown["xla_measured"], strict=True)]
    axis = alt.Axis(format=".0%", tickCount=5, titleAngle=0)
    points = alt.Chart(shown).mark_circle(size=160, opacity=0.85).encode(
        x=alt.X("sla_attainment:Q", title="SLA targets met (share)", scale=alt.Scale(domain=[-0.05, 1.05]),
                axis=alt.Axis(format=".0%", tickCount=5)),
        y=alt.Y("xla_attainment:Q", title="XLA targets met (share)", scale=alt.Scale(domain=[-0.05, 1.05]),
                axis=axis),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=["Watermelon: SLA met, XLA missed", "Other"],
            range=[OKABE_ITO["vermillion"], OKABE_ITO["blue"]]), legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("member:N", title=breakdown_label), alt.Tooltip("sla_text:N", title="SLA targets"),
                 alt.Tooltip("xla_text:N", title="XLA targets"), alt.Tooltip("missed:N", title="Missed")],
    )
    labels = alt.Chart(shown).mark_text(align="left", dx=9, dy=-6, fontSize=FONT_SIZE - 1, color=TEXT_COLOUR).encode(
        x="sla_attainment:Q", y="xla_attainment:Q", text="member:N")
    rules = pd.DataFrame({"x": [sla_threshold], "y": [xla_threshold]})
    vertical = alt.Chart(rules).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4]).encode(x="x:Q")
    horizontal = alt.Chart(rules).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4]).encode(y="y:Q")
    # the points first: exports take their data from the first layer
    chart = alt.layer(points, labels, vertical, horizontal).properties(height=height, width="container")
    return apply_theme(chart)
