"""Altair builders for the Capacity page: the volume forecast with its prediction intervals, and the agents
required per interval beside the staffing the history implies.

Pure functions from a frame to a chart, in the house theme (dashboard.charts). They never query and never
compute metrics: the frames come from core.fct_volume_forecast and marts.capacity_intervals (already
aggregated to at most a few thousand rows by the query: Altair refuses more than 5,000).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import FONT_SIZE, OKABE_ITO, TREND_HEIGHT, apply_theme

ACTUAL_COLOUR = OKABE_ITO["black"]
FORECAST_COLOUR = OKABE_ITO["blue"]
REQUIRED_COLOUR = OKABE_ITO["vermillion"]
WORKLOAD_COLOUR = OKABE_ITO["sky_blue"]
ACTIVE_COLOUR = OKABE_ITO["green"]
MAX_ROWS = 5_000


def _check_rows(frame: pd.DataFrame, what: str) -> None:
    if frame.empty:
        raise ValueError(f"no {what} to draw")
    if len(frame) > MAX_ROWS:
        raise ValueError(f"{len(frame)} rows of {what}: aggregate to at most {MAX_ROWS} before charting")


def forecast_chart(frame: pd.DataFrame, *, channel_label: str, height: int = TREND_HEIGHT) -> alt.TopLevelMixin:
    """Daily contacts of one channel: the history as a line, the forecast as a dashed line inside its 95%
    (light) and 80% (darker) prediction bands.

    `frame` has date_day, count_contacts_offered (history rows), forecast_contacts, lower_80, upper_80,
    lower_95, upper_95 (forecast rows). Raises ValueError when there is nothing to draw.
    """
    _check_rows(frame, f"{channel_label} volumes")
    data = frame.copy()
    data["date_day"] = pd.to_datetime(data["date_day"])
    x = alt.X("date_day:T", timeUnit="utcyearmonthdate", title=None,
              axis=alt.Axis(format="%d %b", labelAngle=0, grid=False))
    y_title = f"{channel_label} contacts per day"
    forecast_rows = data[data["forecast_contacts"].notna()]
    history_rows = data[data["count_contacts_offered"].notna()]
    layers: list[alt.Chart] = []
    if not forecast_rows.empty:
        base = alt.Chart(forecast_rows).encode(x=x)
        layers.append(base.mark_area(color=FORECAST_COLOUR, opacity=0.15).encode(
            y=alt.Y("lower_95:Q", title=y_title), y2="upper_95:Q",
            tooltip=[alt.Tooltip("date_day:T", title="Day", format="%a %d %b %Y"),
                     alt.Tooltip("lower_95:Q", title="95% from", format=",.0f"),
                     alt.Tooltip("upper_95:Q", title="95% to", format=",.0f")]))
        layers.append(base.mark_area(color=FORECAST_COLOUR, opacity=0.3).encode(
            y="lower_80:Q", y2="upper_80:Q"))
        layers.append(base.mark_line(color=FORECAST_COLOUR, strokeWidth=2.5, strokeDash=[6, 4]).encode(
            y="forecast_contacts:Q",
            tooltip=[alt.Tooltip("date_day:T", title="Day", format="%a %d %b %Y"),
                     alt.Tooltip("forecast_contacts:Q", title="Forecast", format=",.1f"),
                     alt.Tooltip("lower_80:Q", title="80% from", format=",.0f"),
                     alt.Tooltip("upper_80:Q", title="80% to", format=",.0f")]))
    if not history_rows.empty:
        layers.append(alt.Chart(history_rows).mark_line(color=ACTUAL_COLOUR, strokeWidth=1.5).encode(
            x=x, y=alt.Y("count_contacts_offered:Q", title=y_title),
            tooltip=[alt.Tooltip("date_day:T", title="Day", format="%a %d %b %Y"),
                     alt.Tooltip("count_contacts_offered:Q", title="Contacts", format=",.0f")]))
    chart = alt.layer(*layers).properties(height=height, width="container")
    return apply_theme(chart)


def staffing_chart(frame: pd.DataFrame, *, channel_label: str, height: int = TREND_HEIGHT) -> alt.TopLevelMixin:
    """Agents per interval of one channel: the Erlang C requirement as a step line, and for past intervals
    the staffing the history implies (workload handled in Erlangs, agents seen answering) as lines.

    `frame` has interval_start_local, agents_required and, optionally, workload_handled_erlangs and
    agents_active (nulls on forecast intervals). Raises ValueError when there is nothing to draw.
    """
    _check_rows(frame, f"{channel_label} staffing")
    data = frame.copy()
    data["interval_start_local"] = pd.to_datetime(data["interval_start_local"])
    series = {"agents_required": "Agents required (Erlang C)",
              "workload_handled_erlangs": "Workload handled (Erlangs)",
              "agents_active": "Agents answering contacts"}
    present = [column for column in series if column in data and data[column].notna().any()]
    if not present:
        raise ValueError(f"no {channel_label} staffing figures to draw")
    long = data.melt(id_vars=["interval_start_local"], value_vars=present, var_name="measure", value_name="agents")
    long = long[long["agents"].notna()]
    long["measure"] = long["measure"].map(series)
    colours = {series["agents_required"]: REQUIRED_COLOUR, series["workload_handled_erlangs"]: WORKLOAD_COLOUR,
               series["agents_active"]: ACTIVE_COLOUR}
    domain = [series[c] for c in present]
    chart = alt.Chart(long).mark_line(strokeWidth=2, interpolate="step-after").encode(
        x=alt.X("interval_start_local:T", title=None, axis=alt.Axis(format="%a %H:%M", labelAngle=0, grid=False)),
        y=alt.Y("agents:Q", title=f"{channel_label} agents", scale=alt.Scale(zero=True)),
        color=alt.Color("measure:N", title=None, sort=domain,
                        scale=alt.Scale(domain=domain, range=[colours[d] for d in domain]),
                        legend=alt.Legend(orient="top", labelFontSize=FONT_SIZE)),
        tooltip=[alt.Tooltip("interval_start_local:T", title="Interval", format="%a %d %b %H:%M"),
                 alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("agents:Q", title="Agents", format=",.1f")],
    ).properties(height=height, width="container")
    return apply_theme(chart)
