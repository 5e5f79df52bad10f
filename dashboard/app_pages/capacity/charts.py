"""Altair builders for the Capacity page: the volume forecast with its prediction intervals, and the agents
required per interval beside the staffing the history implies.

Pure functions from a frame to a chart, in the house theme (dashboard.charts). They never query and never
compute metrics: the frames come from core.fct_volume_forecast and marts.capacity_intervals (already
aggregated to at most a few thousand rows by the query: Altair refuses more than 5,000).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import FONT_SIZE, OKABE_ITO, TREND_HEIGHT, apply_theme, numbers

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
    for column in ("count_contacts_offered", "forecast_contacts", "lower_80", "upper_80", "lower_95", "upper_95"):
        if column in data:
            data[column] = numbers(data[column])
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
    if not layers:
        raise ValueError(f"no {channel_label} volumes to draw: neither history nor forecast has a figure")
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


# The day chart's series: column -> (legend label, colour, dashed). Forecast-day figures are solid, the
# history's same-weekday averages dashed.
DAY_SERIES = {
    # the busy-day margin first, drawn wide beneath the requirement, so both show where they coincide
    "agents_required_busy_day": ("Agents required on a busy day (upper 80%)", FORECAST_COLOUR, False),
    "agents_required": ("Agents required (Erlang C)", REQUIRED_COLOUR, False),
    "history_agents_required": ("Required for the contacts that came (history)", OKABE_ITO["purple"], True),
    "workload_handled_erlangs": ("Workload handled, Erlangs (history)", WORKLOAD_COLOUR, True),
    "agents_active": ("Agents answering contacts (history)", ACTIVE_COLOUR, True),
}
BUSY_DAY_WIDTH = 6
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HEATMAP_LOW = "#F0F4F8"
HEATMAP_ROW_HEIGHT = 34


def day_staffing_chart(frame: pd.DataFrame, *, channel_label: str, labels: dict[str, str] | None = None,
                       height: int = TREND_HEIGHT + 60) -> alt.TopLevelMixin:
    """Agents per interval of one day, by clock time: the requirement as solid step lines and, beside it, the
    history's figures for the same weekday as dashed step lines (series and colours in DAY_SERIES; `labels`
    overrides a legend label).

    `frame` has interval_start_local and any of DAY_SERIES' columns; all-null columns are left out. Raises
    ValueError when there is nothing to draw.
    """
    _check_rows(frame, f"{channel_label} staffing")
    data = frame.copy()
    data["interval_start_local"] = pd.to_datetime(data["interval_start_local"])
    present = [column for column in DAY_SERIES if column in data and pd.to_numeric(data[column]).notna().any()]
    if not present:
        raise ValueError(f"no {channel_label} staffing figures to draw")
    names = {column: (labels or {}).get(column, DAY_SERIES[column][0]) for column in present}
    long = data.melt(id_vars=["interval_start_local"], value_vars=present, var_name="column", value_name="agents")
    long["agents"] = pd.to_numeric(long["agents"]).astype(float)
    long = long[long["agents"].notna()]
    long["measure"] = long["column"].map(names)
    long["is_history"] = long["column"].map({c: DAY_SERIES[c][2] for c in present})
    domain = [names[c] for c in present]
    busy_name = names.get("agents_required_busy_day")
    base = alt.Chart(long.drop(columns="column")).encode(
        x=alt.X("interval_start_local:T", title=None,
                axis=alt.Axis(format="%H:%M", labelAngle=0, grid=False, tickCount=12)),
        y=alt.Y("agents:Q", title=f"{channel_label} agents", scale=alt.Scale(zero=True)),
        color=alt.Color("measure:N", title=None, sort=domain,
                        scale=alt.Scale(domain=domain, range=[DAY_SERIES[c][1] for c in present]),
                        legend=alt.Legend(orient="top", columns=2, labelFontSize=FONT_SIZE, labelLimit=400,
                                          symbolStrokeWidth=3, symbolOpacity=1)),
        strokeDash=alt.StrokeDash("measure:N", sort=domain, legend=None, scale=alt.Scale(
            domain=domain, range=[[6, 4] if DAY_SERIES[c][2] else [1, 0] for c in present])),
        tooltip=[alt.Tooltip("interval_start_local:T", title="Interval from", format="%H:%M"),
                 alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("agents:Q", title="Agents", format=",.1f")],
    )
    layers: list[alt.Chart] = []
    if busy_name is not None:
        # the busy-day margin wide and pale beneath the rest, so both show where they coincide
        layers.append(base.transform_filter(alt.datum.measure == busy_name).mark_line(
            interpolate="step-after", strokeWidth=BUSY_DAY_WIDTH, opacity=0.45))
    others = base if busy_name is None else base.transform_filter(alt.datum.measure != busy_name)
    layers.append(others.mark_line(interpolate="step-after", strokeWidth=2.5))
    chart = alt.layer(*layers).properties(height=height, width="container")
    return apply_theme(chart)


def heatmap_frame(frame: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    """The weekday x interval figures for the heatmap (pure): weekday names, the interval's clock time, and
    only the intervals from the first to the last one in which any weekday needs an agent or expects a contact
    (the night a closed operation has is left out). Empty when no interval needs anyone."""
    columns = ["iso_day_of_week", "weekday", "interval_of_day", "clock", "agents_required", "forecast_contacts",
               "days", "agents_text"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    data = frame.copy()
    agents = pd.to_numeric(data["agents_required"]).astype(float).fillna(0)
    contacts = pd.to_numeric(data.get("forecast_contacts", 0)).astype(float).fillna(0)
    busy = data.loc[(agents > 0) | (contacts > 0), "interval_of_day"]
    if busy.empty:
        return pd.DataFrame(columns=columns)
    data = data[(data["interval_of_day"] >= busy.min()) & (data["interval_of_day"] <= busy.max())].copy()
    data["weekday"] = [WEEKDAYS[int(d) - 1] for d in data["iso_day_of_week"]]
    minutes = data["interval_of_day"].astype(int) * interval_minutes
    data["clock"] = [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]
    data["agents_required"] = pd.to_numeric(data["agents_required"]).astype(float)
    # whole agents; an average under half an agent would read "0" on a coloured cell: left blank
    data["agents_text"] = [f"{v:.0f}" if pd.notna(v) and round(v) > 0 else "" for v in data["agents_required"]]
    if "forecast_contacts" not in data:
        data["forecast_contacts"] = float("nan")
    if "days" not in data:
        data["days"] = pd.NA
    return data[columns].sort_values(["iso_day_of_week", "interval_of_day"], ignore_index=True)


def requirement_heatmap(frame: pd.DataFrame, *, channel_label: str, show_text: bool = True) -> alt.TopLevelMixin:
    """Agents required by weekday (rows) and interval of the day (columns), averaged over the forecast horizon:
    darker is more agents; each cell carries its figure rounded to whole agents.

    `frame` is heatmap_frame's output. Raises ValueError when there is nothing to draw.
    """
    _check_rows(frame, f"{channel_label} requirement")
    clocks = list(dict.fromkeys(frame.sort_values("interval_of_day")["clock"]))
    # label every hour, not every interval: the labels stay level and readable
    hour_labels = [c for c in clocks if c.endswith(":00")]
    top = float(pd.to_numeric(frame["agents_required"]).max() or 0)
    x = alt.X("clock:O", title="Interval starting (local time)", sort=clocks,
              axis=alt.Axis(values=hour_labels, labelAngle=0, grid=False, ticks=False))
    y = alt.Y("weekday:O", title=None, sort=list(WEEKDAYS), axis=alt.Axis(grid=False, ticks=False))
    base = alt.Chart(frame).encode(x=x, y=y)
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("agents_required:Q", title="Agents required",
                        scale=alt.Scale(range=[HEATMAP_LOW, FORECAST_COLOUR], domainMin=0),
                        legend=alt.Legend(orient="right", gradientLength=140, titleFontSize=FONT_SIZE,
                                          labelFontSize=FONT_SIZE)),
        tooltip=[alt.Tooltip("weekday:N", title="Weekday"), alt.Tooltip("clock:N", title="Interval from"),
                 alt.Tooltip("agents_required:Q", title="Agents required (average)", format=",.1f"),
                 alt.Tooltip("forecast_contacts:Q", title="Forecast contacts (all such days)", format=",.1f")],
    )
    layers: list[alt.Chart] = [cells]
    if show_text:
        layers.append(base.mark_text(fontSize=FONT_SIZE - 1).encode(
            text="agents_text:N",
            color=alt.condition(f"datum.agents_required > {top * 0.55:.6f}", alt.value("white"),
                                alt.value(ACTUAL_COLOUR)),
        ))
    # a height per weekday (Step): a fixed total is fitted around the legend and axis too
    chart = alt.layer(*layers).properties(height=alt.Step(HEATMAP_ROW_HEIGHT), width="container")
    return apply_theme(chart)
