"""Altair builders of the operational views: the backlog by age at each week's end, and a queue interval report
(offered, answered, abandoned per interval; offered by weekday and time of day).

Pure functions from a frame to a chart, in the house theme (dashboard.charts). They never query and never compute
metrics: the frames come from dashboard.queries_service_ops, already bounded below Altair's 5,000 rows.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import FONT_SIZE, OKABE_ITO, TREND_HEIGHT, apply_theme, week_ticks

MAX_ROWS = 5_000
# age buckets of the backlog, youngest first, each with its catalog metric and colour (light to dark)
AGE_BUCKETS = (
    ("backlog_under_1_day", "Under 1 day", OKABE_ITO["sky_blue"]),
    ("backlog_1_to_3_days", "1 to 3 days", OKABE_ITO["blue"]),
    ("backlog_3_to_7_days", "3 to 7 days", OKABE_ITO["orange"]),
    ("backlog_over_7_days", "Over 7 days", OKABE_ITO["vermillion"]),
)
REPORT_SERIES = (
    ("count_offered", "Offered", OKABE_ITO["black"]),
    ("count_answered", "Answered", OKABE_ITO["blue"]),
    ("count_abandoned", "Abandoned", OKABE_ITO["vermillion"]),
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _check_rows(frame: pd.DataFrame, what: str) -> None:
    if frame.empty:
        raise ValueError(f"no {what} to draw")
    if len(frame) > MAX_ROWS:
        raise ValueError(f"{len(frame)} rows of {what}: aggregate to at most {MAX_ROWS} before charting")


def backlog_age_frame(backlog: pd.DataFrame, weeks: list[tuple[object, object]]) -> pd.DataFrame:
    """One row per week x age bucket: the contacts open at the end of the week's reading day in that bucket
    (the bucket share's numerator), from queries_service_ops.backlog_at (pure)."""
    rows = []
    by_metric = {name: group.set_index("date_day") for name, group in backlog.groupby("metric")}
    for week_start, day in weeks:
        for metric, label, _ in AGE_BUCKETS:
            group = by_metric.get(metric)
            count = float(group.loc[day, "numerator"]) if group is not None and day in group.index else 0.0
            rows.append({"week_start": pd.Timestamp(week_start), "reading_day": pd.Timestamp(day), "bucket": label,
                         "open_contacts": 0.0 if pd.isna(count) else count})
    return pd.DataFrame(rows, columns=["week_start", "reading_day", "bucket", "open_contacts"])


def backlog_age_chart(frame: pd.DataFrame, height: int = TREND_HEIGHT) -> alt.TopLevelMixin:
    """Contacts open at each week's end, stacked by age (youngest at the bottom). Raises ValueError when every
    week is empty."""
    _check_rows(frame, "backlog weeks")
    if float(frame["open_contacts"].sum()) == 0:
        raise ValueError("no open contact at any week's end")
    data = frame.copy()
    data["day_text"] = [f"{d.day} {d:%b %Y}" for d in data["reading_day"]]
    labels = [label for _, label, _ in AGE_BUCKETS]
    data["bucket_order"] = [labels.index(b) for b in data["bucket"]]
    chart = alt.Chart(data).mark_bar(size=14).encode(
        x=alt.X("week_start:T", timeUnit="utcyearmonthdate", title="Week starting",
                axis=alt.Axis(format="%d %b", labelAngle=0, values=week_ticks(data["week_start"]), grid=False)),
        y=alt.Y("open_contacts:Q", title="Open at the week's last day", stack=True,
                axis=alt.Axis(format=",.0f", tickCount=5, titleAngle=0, titleAlign="left", titleAnchor="end",
                              titleBaseline="bottom", titleY=-10)),
        color=alt.Color("bucket:N", title="Open for", sort=labels,
                        scale=alt.Scale(domain=labels, range=[colour for _, _, colour in AGE_BUCKETS]),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("bucket_order:Q"),
        tooltip=[alt.Tooltip("day_text:N", title="Open at the end of"), alt.Tooltip("bucket:N", title="Open for"),
                 alt.Tooltip("open_contacts:Q", title="Contacts", format=",.0f")],
    ).properties(height=height, width="container")
    return apply_theme(chart)


def report_frame(intervals: pd.DataFrame) -> pd.DataFrame:
    """The intervals in long form for the report chart: position (1, 2, ... in the order given), label, series
    and contacts (pure)."""
    rows = []
    for position, record in enumerate(intervals.to_dict("records"), start=1):
        label = record.get("interval_label")
        start = record.get("interval_start_local")
        when = (f"{pd.Timestamp(start):%a %d %b %Y %H:%M}" if start is not None and pd.notna(start)
                else f"interval {label}")
        for column, name, _ in REPORT_SERIES:
            value = record.get(column)
            rows.append({"position": position, "when": when, "series": name,
                         "contacts": None if value is None or pd.isna(value) else float(value)})
    return pd.DataFrame(rows, columns=["position", "when", "series", "contacts"])


def report_chart(frame: pd.DataFrame, *, x_title: str, height: int = TREND_HEIGHT) -> alt.TopLevelMixin:
    """Offered, answered and abandoned per interval of a report, in the report's order. Raises ValueError when
    there is nothing to draw."""
    _check_rows(frame, "report intervals")
    names = [name for _, name, _ in REPORT_SERIES]
    chart = alt.Chart(frame).mark_line(strokeWidth=1.5).encode(
        x=alt.X("position:Q", title=x_title, axis=alt.Axis(format=",.0f", grid=False, labelAngle=0)),
        y=alt.Y("contacts:Q", title="Contacts per interval",
                axis=alt.Axis(format=",.0f", tickCount=5, titleAngle=0, titleAlign="left", titleAnchor="end",
                              titleBaseline="bottom", titleY=-10)),
        color=alt.Color("series:N", title=None, sort=names,
                        scale=alt.Scale(domain=names, range=[colour for _, _, colour in REPORT_SERIES]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("when:N", title="Interval"), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("contacts:Q", title="Contacts", format=",.0f")],
    ).properties(height=height, width="container")
    return apply_theme(chart)


def profile_frame(profile: pd.DataFrame) -> pd.DataFrame:
    """Weekday x time of day: the mean offered contacts per such interval (offered / days seen), with names and
    clock times (pure)."""
    columns = ["iso_day_of_week", "weekday", "minute_of_day", "clock", "mean_offered", "days"]
    if profile.empty:
        return pd.DataFrame(columns=columns)
    data = profile.copy()
    data["weekday"] = [WEEKDAYS[int(d) - 1] for d in data["iso_day_of_week"]]
    data["clock"] = [f"{int(m) // 60:02d}:{int(m) % 60:02d}" for m in data["minute_of_day"]]
    days = pd.to_numeric(data["days"]).astype(float)
    data["mean_offered"] = pd.to_numeric(data["count_offered"]).astype(float) / days.where(days > 0)
    return data[columns].sort_values(["iso_day_of_week", "minute_of_day"], ignore_index=True)


def profile_heatmap(frame: pd.DataFrame, height_per_row: int = 30) -> alt.TopLevelMixin:
    """Mean offered contacts by weekday (rows) and interval start (columns): darker is busier."""
    _check_rows(frame, "profile cells")
    clocks = list(dict.fromkeys(frame.sort_values("minute_of_day")["clock"]))
    hour_labels = [c for c in clocks if c.endswith(":00")] or clocks
    chart = alt.Chart(frame).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("clock:O", title="Interval starting (local time)", sort=clocks,
                axis=alt.Axis(values=hour_labels, labelAngle=0, grid=False, ticks=False)),
        y=alt.Y("weekday:O", title=None, sort=list(WEEKDAYS), axis=alt.Axis(grid=False, ticks=False)),
        color=alt.Color("mean_offered:Q", title="Offered (mean)",
                        scale=alt.Scale(range=["#EAF2FA", OKABE_ITO["blue"]], domainMin=0),
                        legend=alt.Legend(orient="right", gradientLength=140, titleFontSize=FONT_SIZE,
                                          labelFontSize=FONT_SIZE)),
        tooltip=[alt.Tooltip("weekday:N", title="Weekday"), alt.Tooltip("clock:N", title="Interval from"),
                 alt.Tooltip("mean_offered:Q", title="Offered, mean per such interval", format=",.1f"),
                 alt.Tooltip("days:Q", title="Days seen", format=",.0f")],
    ).properties(height=height_per_row * 7, width="container")
    return apply_theme(chart)
