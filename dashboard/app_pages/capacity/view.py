"""Capacity: how many contacts are coming, and how many people do we need to meet the service level?

Per channel (chosen on the page): the daily volume forecast with its prediction intervals and the model that
made it, with the candidates' holdout errors; then, for the channels Erlang C applies to (voice, chat), the
agents one forecast day needs per interval beside the staffing the history implies on that weekday, and the
agents required by weekday and interval over the whole forecast horizon.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import queries, source_time
from dashboard.app_pages.capacity import charts as capacity_charts
from dashboard.app_pages.capacity import queries as queries_capacity
from dashboard.context import PageContext, context, page_header
from dashboard.download_buttons import chart_download_buttons, naming_for, table_download_buttons
from dashboard.formatting import escape_markdown, format_delta, format_rate, format_value
from dashboard.widgets import access_notices, service_operations
from dashboard.widgets.chart import show_chart
from dashboard.widgets.definition_link import definition_link
from etl.catalog import Metric, target_for

PAGE = "capacity"
TITLE = "Capacity"
QUESTION = "How many contacts are coming, and how many people do we need to meet the service level?"
CHANNEL_KEY = "capacity_channel"
DAY_KEY = "capacity_day"
BUSY_KEY = "capacity_busy_day"
CHANNEL_WORDS = {"voice": "Voice", "chat": "Chat", "email": "E-mail", "ticket": "Tickets", "social": "Social"}
MODEL_WORDS = {
    "seasonal_naive": "Seasonal naive (each day repeats the same weekday of last week)",
    "ets": "Exponential smoothing with a weekly pattern (ETS)",
    "ets_damped": "Exponential smoothing with a weekly pattern and a damped trend",
    "sarima": "Seasonal ARIMA with a weekly pattern",
    "mean": "Average of the days seen",
}
MODEL_SHORT = {"seasonal_naive": "Seasonal naive", "ets": "ETS", "ets_damped": "ETS, damped trend",
               "sarima": "Seasonal ARIMA", "mean": "Average"}
SERVICE_LEVEL_METRIC = "service_level"
QUEUED_CHANNELS = ("voice", "chat")
FILTERS_NOT_APPLIED = {"intents": "intent", "queues": "queue", "teams": "team", "segments": "segment"}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# the default day: the busiest within the first week of the forecast (the next peak to plan for)
BUSIEST_WITHIN_DAYS = 7
# a forecast that starts more days than this before the newest data or today is said to be for the past
STALE_FORECAST_DAYS = 35


def channel_word(channel: str) -> str:
    return CHANNEL_WORDS.get(channel, escape_markdown(channel.replace("_", " ").capitalize()))


def demand_words(channel: str) -> str:
    """What the forecast counts for a channel (docs/capacity.md)."""
    if channel in QUEUED_CHANNELS:
        return "offered to an agent: answered or abandoned in the queue, bot-only chats left out"
    return "created, less those a bot handled alone"


def model_word(model: object) -> str:
    if model is None or pd.isna(model):
        return "—"
    return MODEL_WORDS.get(str(model), escape_markdown(str(model)))


def default_day(forecast: pd.DataFrame, within_days: int = BUSIEST_WITHIN_DAYS) -> dt.date | None:
    """The next busiest day: the forecast day with the most contacts among the first `within_days` forecast days
    (the earliest on a tie); None without forecast days. Pure."""
    days = forecast[forecast["forecast_contacts"].notna()].sort_values("date_day").head(within_days)
    if days.empty:
        return None
    busiest = days.loc[days["forecast_contacts"].astype(float).idxmax(), "date_day"]
    return pd.Timestamp(busiest).date()


def comparison_table(models: pd.DataFrame) -> pd.DataFrame:
    """The candidate models as a table a person reads (pure)."""
    return pd.DataFrame({
        "Model": [model_word(m) for m in models["model_name"]],
        "Chosen": ["Chosen" if bool(c) else "" for c in models["is_chosen"]],
        "MASE": pd.to_numeric(models["holdout_mase"]).astype(float),
        "MAPE": pd.to_numeric(models["holdout_mape"]).astype(float),
        "Days held out": models["holdout_days"],
        "Note": [f"could not be fitted: {e}" if isinstance(e, str) and e else "" for e in models["fit_error"]],
    })


def day_frame(day: pd.DataFrame, busy: pd.DataFrame | None, history: pd.DataFrame | None) -> pd.DataFrame:
    """The chosen day's intervals with, per interval of the day, the busy-day requirement and the history's
    same-weekday figures matched by interval of the day (pure)."""
    out = day[["interval_start_local", "interval_of_day", "forecast_contacts", "agents_required",
               "expected_service_level", "expected_occupancy", "expected_abandon_rate_erlang_a"]].copy()
    if busy is not None and not busy.empty:
        out = out.merge(busy[["interval_of_day", "agents_required"]].rename(
            columns={"agents_required": "agents_required_busy_day"}), on="interval_of_day", how="left")
    if history is not None and not history.empty:
        out = out.merge(history[["interval_of_day", "agents_required", "workload_handled_erlangs", "agents_active"]]
                        .rename(columns={"agents_required": "history_agents_required"}),
                        on="interval_of_day", how="left")
    return out


def peak(frame: pd.DataFrame, column: str) -> tuple[float | None, pd.Timestamp | None]:
    """The largest value of a column and the first interval it occurs in (pure)."""
    values = pd.to_numeric(frame[column]).astype(float)
    if frame.empty or values.isna().all():
        return None, None
    index = values.idxmax()
    return float(values[index]), pd.Timestamp(frame.loc[index, "interval_start_local"])


def expected_hang_ups(frame: pd.DataFrame) -> tuple[float | None, float | None]:
    """Erlang A over a day (pure): the callers expected to hang up (each interval's stored abandon rate times its
    forecast contacts, added up) and their share of the day's contacts; (None, None) where no rate is stored."""
    rates = pd.to_numeric(frame["expected_abandon_rate_erlang_a"]).astype(float)
    contacts = pd.to_numeric(frame["forecast_contacts"]).astype(float).fillna(0)
    kept = rates.notna()
    if not kept.any():
        return None, None
    hang_ups = float((rates[kept] * contacts[kept]).sum())
    total = float(contacts[kept].sum())
    return hang_ups, (hang_ups / total if total > 0 else None)


def _scope(ctx: PageContext, summary: pd.DataFrame) -> None:
    ignored = [word for field, word in FILTERS_NOT_APPLIED.items() if getattr(ctx.filters, field)]
    note = ""
    if ignored:
        note = (f" The {', '.join(ignored)} filter{'s' if len(ignored) > 1 else ''} in the sidebar "
                f"{'do' if len(ignored) > 1 else 'does'} not apply here: the forecast is made per channel.")
    st.caption(f"Each channel is forecast for the {ctx.settings.capacity.horizon_days} days after its own last "
               f"complete day of data: channels keep their own time, so an export that ended long ago is forecast "
               f"from its own end, never padded with empty days up to a newer one. The model fixes the horizon, the "
               f"sidebar dates do not move it; they choose the history shown beside it, and the channel filter the "
               f"channels.{note}")


def forecast_anchor_words(row: pd.Series, newest_day: dt.date | None, today: dt.date,
                          stale_after_days: int = STALE_FORECAST_DAYS) -> tuple[str, str | None]:
    """(what the forecast starts from, a warning when that is long before the newest data or today) (pure)."""
    last = pd.Timestamp(row["last_history_day"]).date()
    first, end = pd.Timestamp(row["first_forecast_day"]).date(), pd.Timestamp(row["last_forecast_day"]).date()
    words = (f"Forecast from {last.day} {last:%b %Y}, this channel's last complete day of data: "
             f"{first:%a %d %b %Y} – {end:%a %d %b %Y}.")
    behind = [(label, (day - last).days) for label, day in (("the newest data in the warehouse", newest_day),
                                                            ("today", today)) if day is not None]
    late = [(label, days) for label, days in behind if days > stale_after_days]
    if not late:
        return words, None
    label, days = late[0]
    return words, (f"This channel's data ends on {last.day} {last:%b %Y}, {days:,} days before {label}: the forecast "
                   "is for the weeks after its own end, not for the coming weeks. Load a newer export to plan ahead.")


def unforecast_channels(series: pd.DataFrame | None, summary: pd.DataFrame,
                        channels: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(channel, why it has no forecast) for each channel with contacts but no forecast row (pure)."""
    if series is None or series.empty:
        return []
    forecast = set(summary["channel"].astype(str)) if not summary.empty else set()
    out = []
    for channel, rows in series.groupby("channel", sort=True):
        if str(channel) in forecast or (channels and str(channel) not in channels):
            continue
        first, last = min(rows["first_day"]), max(rows["last_day"])
        if first == last:
            why = (f"its contacts span a single day ({last.day} {last:%b %Y}), the day its source's data ends, which "
                   "is left out as possibly incomplete: no complete day is left to forecast from")
        else:
            why = ("none of its contacts needed a person (bot-only, or outbound contacts the company started), so "
                   "there is no demand to forecast")
        out.append((str(channel), why))
    return out


def _choose_channel(ctx: PageContext, summary: pd.DataFrame) -> pd.Series | None:
    channels = summary["channel"].astype(str).tolist()
    if ctx.filters.channels:
        channels = [c for c in channels if c in ctx.filters.channels]
    if not channels:
        st.info("None of the channels chosen in the sidebar has a forecast. Clear the channel filter to see "
                "the channels that do.")
        return None
    staffed = summary.loc[summary["has_requirement"].astype(bool), "channel"].astype(str).tolist()
    preferred = next((c for c in ("voice", *staffed) if c in channels), channels[0])
    if st.session_state.get(CHANNEL_KEY) not in channels:
        st.session_state[CHANNEL_KEY] = preferred
    channel = st.segmented_control("Channel", channels, format_func=channel_word, key=CHANNEL_KEY,
                                   help="Each channel is forecast on its own; voice and chat also get a staffing "
                                        "requirement.") or preferred
    return summary[summary["channel"] == channel].iloc[0]


def _forecast(ctx: PageContext, catalog: dict[str, Metric], row: pd.Series) -> pd.DataFrame:
    channel = str(row["channel"])
    word = channel_word(channel)
    naming = naming_for(PAGE, ctx)
    metric = catalog[queries_capacity.FORECAST_METRIC]
    st.subheader(f"Contacts coming · {word}")
    first, last = pd.Timestamp(row["first_forecast_day"]).date(), pd.Timestamp(row["last_forecast_day"]).date()
    horizon_days = int(row["forecast_days"])
    anchor, late = forecast_anchor_words(row, ctx.last_day, dt.date.today())
    st.markdown(anchor)
    if late:
        st.warning(late)
    total = row.get("forecast_total")
    if total is not None and pd.notna(total) and float(total) == 0:
        st.info(f"Nothing is forecast for {word.lower()}: the last weeks of its history hold no contacts, so every "
                "model repeats zero. No error is worth showing for it.")
        return queries_capacity.daily_volumes(ctx.warehouse_url, ctx.version, channel, ctx.filters.start,
                                              ctx.filters.end)
    ahead = queries_capacity.period_totals(ctx.warehouse_url, ctx.version, channel, first, last)
    before = queries_capacity.period_totals(ctx.warehouse_url, ctx.version, channel,
                                            first - dt.timedelta(days=horizon_days), first - dt.timedelta(days=1))
    coming = ahead.get("forecast_contacts")
    came = before.get("count_contacts_offered")
    came = None if came is None or pd.isna(came) else float(came)
    volume, model, error = st.columns([1, 1.4, 1])
    with volume:
        st.metric(f"{metric.label}, next {horizon_days} days", format_value(coming, metric.unit),
                  delta=format_delta(coming, came, metric.unit), delta_color="off", border=True,
                  help=f"{metric.description}\n\nThe change is against the {horizon_days} days before the "
                       "forecast starts.")
        st.caption(f"{format_value(came, 'count')} in the {horizon_days} days before · "
                   f"[how?]({definition_link(metric.name)})")
    with model:
        st.metric("Model chosen", MODEL_SHORT.get(str(row["model_name"]), str(row["model_name"])), border=True,
                  help="; ".join(f"{k}: {v}" for k, v in MODEL_WORDS.items()))
        st.caption(model_word(row["model_name"]))
    with error:
        mase, mape = row["holdout_mase"], row["holdout_mape"]
        st.metric("Error on the days held out", f"MASE {mase:.2f}" if pd.notna(mase) else "—", border=True,
                  help="MASE: the model's average miss divided by the typical miss of repeating last week's same "
                       "weekday; below 1 it does better than that. MAPE: the average miss as a share of the day's "
                       "contacts.")
        st.caption(f"MAPE {format_rate(float(mape), 0)}: a typical day is missed by about that share"
                   if pd.notna(mape) else "MAPE not defined (days without contacts)")

    volumes = queries_capacity.daily_volumes(ctx.warehouse_url, ctx.version, channel, ctx.filters.start,
                                             ctx.filters.end)
    history = volumes[~volumes["is_forecast"].astype(bool)]
    if history.empty:
        st.info(f"No {word.lower()} history between {ctx.filters.start:%d %b %Y} and {ctx.filters.end:%d %b %Y}: "
                "the chart shows the forecast alone. Widen the dates in the sidebar to see the history beside it.")
    try:
        chart = capacity_charts.forecast_chart(volumes, channel_label=word)
    except ValueError:
        st.info(f"No {word.lower()} forecast to draw.")
        return volumes
    show_chart(chart, width="stretch", theme=None)
    shown = ""
    if len(history) >= queries_capacity.MAX_HISTORY_DAYS:
        shown = f" Only the latest {queries_capacity.MAX_HISTORY_DAYS:,} days of history in the dates are drawn."
    st.caption(
        f"Black: {word.lower()} contacts per day that needed a person ({demand_words(channel)}). "
        f"Blue dashed: the forecast, {first:%d %b} – {last:%d %b}; the dark band holds the day's "
        f"contacts with 80% probability, the light band with 95%.{shown} [How is this computed?]"
        f"({definition_link(metric.name)})"
    )
    with st.expander("Download the forecast"):
        chart_download_buttons(chart, subject=f"{word} volume forecast", naming=naming)
    _models(ctx, row)
    return volumes


def _models(ctx: PageContext, row: pd.Series) -> None:
    channel = str(row["channel"])
    models = queries_capacity.candidate_models(ctx.warehouse_url, ctx.version, channel)
    if models.empty:
        return
    held_out = models["holdout_days"].dropna()
    days = int(held_out.max()) if not held_out.empty else ctx.settings.capacity.holdout_days
    reason = row["selection_reason"]
    chosen = MODEL_SHORT.get(str(row["model_name"]), escape_markdown(str(row["model_name"])))
    st.markdown(f"**Why this model?** {chosen} was chosen because it had the lowest error on the last "
                f"{days} days held out: each candidate was fitted without those days, then scored on how far its "
                "forecast missed them. The winner was then refitted on the whole history.")
    if isinstance(reason, str) and reason and "lowest" not in reason.lower():
        st.caption(f"Note from the fit: {escape_markdown(reason)}")
    table = comparison_table(models)
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "Model": st.column_config.TextColumn("Candidate model", width="large"),
        "Chosen": st.column_config.TextColumn("Chosen", width="small"),
        "MASE": st.column_config.NumberColumn("MASE (chooses)", format="%.2f",
                                              help="Average miss ÷ the typical miss of repeating last week; "
                                                   "lower is better, below 1 beats that."),
        "MAPE": st.column_config.NumberColumn("MAPE", format="percent",
                                              help="Average miss as a share of the day's contacts (days with "
                                                   "contacts only)."),
        "Days held out": st.column_config.NumberColumn("Days held out", format="%d"),
        "Note": st.column_config.TextColumn("Note"),
    })
    with st.expander("Download the model comparison"):
        table_download_buttons(table, subject=f"{channel_word(channel)} forecast models", naming=naming_for(PAGE, ctx),
                               units={"MAPE": "rate"}, currency=ctx.settings.currency)


def _no_requirement(word: str) -> None:
    st.info(f"{word} gets no agents-required figure. Erlang C describes a queue answered within seconds, where "
            f"people wait on the line; {word.lower()} contacts wait in a backlog for hours, and most exports carry "
            f"no handle time for them, so there is nothing sound to compute. The forecast above is still the work "
            f"arriving: plan {word.lower()} by backlog and handling time.")


def _service_rule(ctx: PageContext, catalog: dict[str, Metric]) -> str:
    metric = catalog.get(SERVICE_LEVEL_METRIC)
    target = target_for(metric, ctx.settings.targets) if metric else ctx.settings.targets.get(SERVICE_LEVEL_METRIC)
    target = 0.8 if target is None else float(target)
    link = f" ([service level]({definition_link(SERVICE_LEVEL_METRIC)}))" if metric else ""
    return (f"**{format_rate(target, 0)} of contacts answered within {ctx.settings.metrics.service_level_seconds} "
            f"seconds**{link}, with agents busy at most {format_rate(ctx.settings.capacity.max_occupancy, 0)} of "
            "their time")


def _day_choice(forecast: pd.DataFrame) -> dt.date:
    days = [pd.Timestamp(d).date() for d in forecast["date_day"]]
    contacts = dict(zip(days, forecast["forecast_contacts"].astype(float), strict=True))
    fallback = default_day(forecast) or days[0]
    if st.session_state.get(DAY_KEY) not in days:
        st.session_state[DAY_KEY] = fallback
    return st.selectbox("Day to plan", days, key=DAY_KEY,
                        format_func=lambda d: f"{d:%a %d %b %Y} · {contacts[d]:,.0f} contacts forecast",
                        help="Forecast days only. The default is the busiest day of the coming week.")


def _staffing(ctx: PageContext, catalog: dict[str, Metric], row: pd.Series, volumes: pd.DataFrame) -> None:
    channel = str(row["channel"])
    word = channel_word(channel)
    naming = naming_for(PAGE, ctx)
    required = catalog[queries_capacity.REQUIRED_METRIC]
    st.subheader(f"Agents needed · {word}")
    if not bool(row["has_requirement"]):
        _no_requirement(word)
        return
    forecast = volumes[volumes["is_forecast"].astype(bool) & volumes["forecast_contacts"].notna()]
    if forecast.empty:
        st.info(f"No {word.lower()} forecast days to plan.")
        return
    st.markdown(f"Enough agents per {ctx.settings.capacity.interval_minutes}-minute interval to reach the target: "
                f"{_service_rule(ctx, catalog)} (Erlang C).")
    pick, option = st.columns([1.3, 1], vertical_alignment="bottom")
    with pick:
        day = _day_choice(forecast)
    with option:
        busy = st.toggle("Staff for a busy day", key=BUSY_KEY,
                         help="Plan for the day coming in at the top of its 80% prediction interval rather than "
                              "at the forecast: a margin against a busier day than expected.")
    url, version = ctx.warehouse_url, ctx.version
    base = queries_capacity.day_intervals(url, version, channel, day)
    busy_frame = queries_capacity.day_intervals(url, version, channel, day, busy_day=True) if busy else None
    weekday = WEEKDAY_NAMES[day.isoweekday() - 1]
    history = queries_capacity.history_by_interval(url, version, channel, ctx.filters.start, ctx.filters.end,
                                                   day.isoweekday())
    past_days = int(history["days"].max()) if not history.empty else 0
    frame = day_frame(base, busy_frame, history if past_days else None)
    shown = "agents_required_busy_day" if busy else "agents_required"
    top, top_at = peak(frame, shown)
    day_total = queries_capacity.period_totals(url, version, channel, day, day, busy_day=busy)
    numerator = day_total.get("agents_required__numerator")
    abandon, abandon_at = peak(frame, "expected_abandon_rate_erlang_a")
    hang_ups, hang_up_share = expected_hang_ups(frame)

    contacts, peak_column, hours, abandon_column = st.columns(4)
    with contacts:
        st.metric(f"Contacts forecast, {day:%a %d %b}", format_value(day_total.get("forecast_contacts"), "count"),
                  border=True)
        upper = forecast.loc[pd.to_datetime(forecast["date_day"]).dt.date == day, "upper_80"]
        st.caption(f"Busy day (upper 80%): {format_value(float(upper.iloc[0]), 'count')}" if not upper.empty
                   else "")
    with peak_column:
        st.metric("Peak agents (busy day)" if busy else f"Peak {required.label.lower()}",
                  format_value(top, required.unit), border=True, help=required.description)
        st.caption(f"from {top_at:%H:%M} · [how?]({definition_link(required.name)})" if top_at is not None else "")
    with hours:
        agent_hours = None if numerator is None or pd.isna(numerator) else float(numerator) / 3600
        st.metric("Agent-hours on contacts", format_value(agent_hours, "count"), border=True,
                  help="The agents required in each interval times its length, added up over the day.")
        st.caption("before shrinkage")
    with abandon_column:
        st.metric("Hang-ups (Erlang A)", format_rate(hang_up_share, 1) if hang_up_share is not None else "—",
                  border=True,
                  help="Erlang A's estimate of the callers who would hang up before an answer, at the staffing "
                       "Erlang C asks for (the forecast, not the busy-day margin): each interval's rate times its "
                       "contacts, as a share of the day's contacts.")
        st.caption(f"about {hang_ups:,.1f} contacts; worst interval {format_rate(abandon, 1)} from {abandon_at:%H:%M}"
                   if hang_ups is not None and abandon_at is not None else "not stored for this day")

    labels = {}
    if past_days:
        suffix = f"avg of {past_days} past {weekday}s"
        labels = {"history_agents_required": f"Required for the contacts that came ({suffix})",
                  "workload_handled_erlangs": f"Workload handled, Erlangs ({suffix})",
                  "agents_active": f"Agents answering contacts ({suffix})"}
    try:
        chart = capacity_charts.day_staffing_chart(frame, channel_label=word, labels=labels)
    except ValueError:
        st.info(f"No {word.lower()} contacts are forecast on {day:%a %d %b %Y}: nobody is needed that day.")
        return
    show_chart(chart, width="stretch", theme=None)
    history_words = (
        f"Dashed lines: what the history implies on {weekday}s between {ctx.filters.start:%d %b %Y} and "
        f"{ctx.filters.end:%d %b %Y} ({past_days} days): the workload handled in Erlangs (handle time ÷ interval "
        "length: agents busy on average), the agents seen answering contacts (a lower bound of those logged in), "
        "and what Erlang C would have required for the contacts that actually came."
        if past_days else
        f"No {weekday} of history in the sidebar dates: widen them to set past staffing beside the requirement."
    )
    st.caption(
        f"**Agents** are people on the phone or in chat at that time, before shrinkage: breaks, training, meetings "
        f"and absence are not modelled, so the people to roster are more. An interval with any contact forecast "
        f"needs at least one agent. Solid lines: agents required per "
        f"{ctx.settings.capacity.interval_minutes} minutes on {day:%A %d %b}"
        f"{', and on a busy day (the upper 80% forecast spread the same way)' if busy else ''}. {history_words} "
        f"Chat counts one conversation per agent at a time. Definitions: [{required.label}]"
        f"({definition_link(required.name)}) · [Workload handled]"
        f"({definition_link(queries_capacity.WORKLOAD_METRIC)}) · [Agents active]"
        f"({definition_link(queries_capacity.ACTIVE_METRIC)})"
    )
    with st.expander(f"Intervals of {day:%a %d %b} (table) and downloads"):
        table = _interval_table(frame, busy)
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Forecast contacts": st.column_config.NumberColumn(format="%.1f"),
            "Expected service level": st.column_config.NumberColumn(format="percent"),
            "Occupancy": st.column_config.NumberColumn(format="percent"),
            "Hang-ups (Erlang A)": st.column_config.NumberColumn(format="percent"),
        })
        # the download dates each interval (the local date and time it starts), not "09:30" as text
        table_download_buttons(table.assign(**{"Interval from": frame["interval_start_local"].to_numpy()}),
                               subject=f"{word} intervals {day:%Y-%m-%d}", naming=naming,
                               units={"Expected service level": "rate", "Occupancy": "rate",
                                      "Hang-ups (Erlang A)": "rate", "Agents required": "count",
                                      "Agents required, busy day": "count"}, currency=ctx.settings.currency)
        chart_download_buttons(chart, subject=f"{word} agents {day:%Y-%m-%d}", naming=naming)
    _heatmap(ctx, channel, busy)


def _interval_table(frame: pd.DataFrame, busy: bool) -> pd.DataFrame:
    table = pd.DataFrame({
        "Interval from": frame["interval_start_local"].dt.strftime("%H:%M"),
        "Forecast contacts": pd.to_numeric(frame["forecast_contacts"]).astype(float),
        "Agents required": frame["agents_required"],
    })
    if busy and "agents_required_busy_day" in frame:
        table["Agents required, busy day"] = frame["agents_required_busy_day"]
    table["Expected service level"] = frame["expected_service_level"]
    table["Occupancy"] = frame["expected_occupancy"]
    table["Hang-ups (Erlang A)"] = frame["expected_abandon_rate_erlang_a"]
    return table


def _heatmap(ctx: PageContext, channel: str, busy: bool) -> None:
    word = channel_word(channel)
    st.subheader(f"Agents required by weekday and time · next {ctx.settings.capacity.horizon_days} days")
    weekly = queries_capacity.weekly_requirement(ctx.warehouse_url, ctx.version, channel, busy_day=busy)
    frame = capacity_charts.heatmap_frame(weekly, ctx.settings.capacity.interval_minutes)
    if frame.empty:
        st.info(f"No {word.lower()} interval of the forecast needs an agent.")
        return
    chart = capacity_charts.requirement_heatmap(frame, channel_label=word)
    show_chart(chart, width="stretch", theme=None)
    weeks = int(pd.to_numeric(frame["days"]).max()) if frame["days"].notna().any() else 0
    st.caption(f"Each cell: the agents required in that interval, averaged over the {weeks} such weekdays of the "
               f"forecast{' (busy-day margin)' if busy else ''}, rounded to whole agents (blank: under half an "
               "agent); darker needs more. Hours "
               "before the first and after the last interval with contacts are left out. "
               f"[How is this computed?]({definition_link(queries_capacity.REQUIRED_METRIC)})")
    with st.expander("Download the heatmap"):
        chart_download_buttons(chart, subject=f"{word} agents required by weekday and interval",
                               naming=naming_for(PAGE, ctx))


def render() -> None:
    ctx = context()
    page_header(TITLE, QUESTION, ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    if not ctx.filters.scope.everything:  # the forecast is made per channel for the whole organisation
        access_notices.not_available_for_scope()
        return
    catalog = queries.catalog_in_use()
    try:
        summary = queries_capacity.channel_summary(ctx.warehouse_url, ctx.version)
        summary = summary[summary["first_forecast_day"].notna()]
        for channel, why in unforecast_channels(ctx.series, summary, ctx.filters.channels):
            st.info(f"{source_time.plain_label(channel_word(channel))}: not forecast — {escape_markdown(why)}.")
        if summary.empty:
            st.info("No volume forecast has been made: no channel has a complete day of contacts that needed a "
                    "person.")
        else:
            _scope(ctx, summary)
            row = _choose_channel(ctx, summary)
            if row is not None:
                volumes = _forecast(ctx, catalog, row)
                _staffing(ctx, catalog, row, volumes)
        service_operations.render_capacity_history(ctx)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
