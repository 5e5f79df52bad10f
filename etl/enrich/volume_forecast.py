"""Volume forecast and staffing requirement: how many contacts each channel will get in the coming weeks,
and how many agents each interval needs to answer them on time (docs/capacity.md).

1. For every channel, the daily demand that needs a person (core.int_volume_history_daily) is forecast
   `[capacity] horizon_days` ahead by the model with the lowest holdout MASE (etl.capacity.forecast), with
   80% and 95% prediction intervals. Every candidate's holdout error is kept beside the forecast.
2. For the channels whose contacts queue for a person and have handle times (voice and chat: e-mails and
   tickets wait in a backlog, which Erlang C does not describe, and most exports carry no handle time for
   them), each interval's contacts are the day's forecast times the share of that weekday's contacts the
   interval received in the profile window (int_volume_history_profile), and the agents required are the
   fewest whose Erlang C service level reaches the target within `[metrics] service_level_seconds`, with the
   occupancy at most `[capacity] max_occupancy` (etl.capacity.erlang). The same is computed for every past
   interval from the contacts that actually arrived, so the requirement can be set beside the staffing the
   history implies (marts.capacity_intervals).

Every row carries VOLUME_FORECAST_VERSION, the run id and the time of the fit; the models read the latest
run under the current version. Rows of earlier runs are kept, so past forecasts can be scored later. A run
whose inputs (the demand history, profile, handle times and settings: `input_digest`) are those of the
latest stored run under the same version writes nothing: rebuilding from the same data changes no table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

import pandas as pd

from etl.capacity.erlang import agents_required, erlang_a
from etl.capacity.forecast import ForecastResult, forecast_daily
from etl.config import Settings
from etl.enrich.steps import EnrichmentStep, StepContext
from etl.warehouse import Warehouse, check_identifier

VOLUME_FORECAST_VERSION = "volume-forecast-1/holdout-mase/erlang-c"
FORECAST_TABLE = "core.enr_volume_forecast"
MODELS_TABLE = "core.enr_volume_forecast_models"
REQUIREMENT_TABLE = "core.enr_staffing_requirement"
SERVICE_LEVEL_METRIC = "service_level"


def service_level_target(settings: Settings) -> float:
    """The service-level target: config [targets] service_level, else the catalog's default."""
    from etl.catalog import load_catalog, target_for

    metric = load_catalog().get(SERVICE_LEVEL_METRIC)
    target = target_for(metric, settings.targets) if metric else settings.targets.get(SERVICE_LEVEL_METRIC)
    return float(target) if target is not None else 0.8


@dataclass(frozen=True)
class StaffingRules:
    interval_minutes: int
    service_level_seconds: float
    target_service_level: float
    max_occupancy: float

    @property
    def interval_seconds(self) -> float:
        return self.interval_minutes * 60.0


# forecast ------------------------------------------------------------------------------------------------


def forecast_channels(history: pd.DataFrame, horizon_days: int, holdout_days: int) -> dict[str, ForecastResult]:
    """One forecast per channel of a frame with channel, date_day, count_contacts_offered."""
    results = {}
    for channel, rows in history.groupby("channel", sort=True):
        series = pd.Series(rows["count_contacts_offered"].to_numpy(dtype=float),
                           index=pd.to_datetime(rows["date_day"]))
        results[str(channel)] = forecast_daily(series, horizon_days=horizon_days, holdout_days=holdout_days)
    return results


def forecast_frames(results: dict[str, ForecastResult], history_days: dict[str, int]) -> tuple[pd.DataFrame,
                                                                                                pd.DataFrame]:
    """(forecast rows, model comparison rows) of every channel, unstamped."""
    forecasts, comparisons = [], []
    for channel, result in results.items():
        frame = result.forecast.rename(columns={"forecast": "forecast_contacts"})
        frame.insert(0, "channel", channel)
        frame["model_name"] = result.model_name
        frame["holdout_mase"] = result.holdout_mase
        frame["holdout_mape"] = result.holdout_mape
        frame["selection_reason"] = result.selection_reason
        frame["history_days"] = history_days.get(channel, 0)
        forecasts.append(frame)
        scores = result.candidates or ()
        for score in scores:
            comparisons.append({
                "channel": channel, "model_name": score.model_name, "is_chosen": score.model_name == result.model_name,
                "holdout_days": result.holdout_days, "holdout_mase": score.holdout_mase,
                "holdout_mape": score.holdout_mape, "fit_error": score.error,
            })
        if not scores:
            comparisons.append({
                "channel": channel, "model_name": result.model_name, "is_chosen": True, "holdout_days": 0,
                "holdout_mase": None, "holdout_mape": None, "fit_error": None,
            })
    forecast = pd.concat(forecasts, ignore_index=True) if forecasts else pd.DataFrame()
    return forecast, pd.DataFrame(comparisons)


# intraday ------------------------------------------------------------------------------------------------


def spread_over_intervals(forecast: pd.DataFrame, profile: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    """Each channel-day forecast spread over the day's intervals by its weekday's profile shares (channel,
    iso_day_of_week, interval_of_day, share_of_day). A weekday without contacts in the profile window is taken
    as closed and gets no intervals (marts.capacity_intervals spreads the forecast the same way in SQL).
    `contacts_upper_80` is the interval's share of the day's upper 80% bound: the day coming in high."""
    columns = ["channel", "date_day", "interval_of_day", "interval_start_local", "contacts", "contacts_upper_80"]
    if forecast.empty or profile.empty:
        return pd.DataFrame(columns=columns)
    days = forecast[["channel", "date_day", "forecast_contacts", "upper_80"]].copy()
    days["date_day"] = pd.to_datetime(days["date_day"])
    days["iso_day_of_week"] = days["date_day"].dt.isocalendar().day.astype(int)
    shares = profile[["channel", "iso_day_of_week", "interval_of_day", "share_of_day"]].copy()
    shares["iso_day_of_week"] = shares["iso_day_of_week"].astype(int)
    spread = days.merge(shares, on=["channel", "iso_day_of_week"], how="inner")
    spread["interval_of_day"] = spread["interval_of_day"].astype(int)
    spread["interval_start_local"] = spread["date_day"] + pd.to_timedelta(spread["interval_of_day"] * interval_minutes,
                                                                         unit="m")
    spread["contacts"] = spread["forecast_contacts"].astype(float) * spread["share_of_day"].astype(float)
    spread["contacts_upper_80"] = spread["upper_80"].astype(float) * spread["share_of_day"].astype(float)
    spread["date_day"] = spread["date_day"].dt.date
    return spread[columns].sort_values(["channel", "interval_start_local"], ignore_index=True)


def requirement_rows(intervals: pd.DataFrame, handle_times: pd.DataFrame, rules: StaffingRules,
                     is_forecast: bool) -> pd.DataFrame:
    """Erlang C agents for every interval (channel, date_day, interval_of_day, interval_start_local,
    contacts, optionally contacts_upper_80) of a channel with an AHT in `handle_times` (channel, aht_seconds,
    patience_seconds). Without contacts_upper_80 (past intervals: actual arrivals) the upper-bound agents are
    the agents."""
    columns = ["channel", "date_day", "interval_of_day", "interval_start_local", "is_forecast", "contacts",
               "aht_seconds", "traffic_erlangs", "agents_required", "expected_service_level",
               "expected_wait_probability", "expected_asa_seconds", "expected_occupancy",
               "patience_seconds", "expected_abandon_rate_erlang_a", "contacts_upper_80",
               "agents_required_upper_80"]
    if intervals.empty or handle_times.empty:
        return pd.DataFrame(columns=columns)
    by_channel = {str(r.channel): r for r in handle_times.itertuples(index=False)}
    cache: dict[tuple[str, float], tuple] = {}
    agents_cache: dict[tuple[float, float], int] = {}
    has_upper = "contacts_upper_80" in intervals.columns

    def agents_for(contacts: float, aht: float) -> int:
        key = (round(contacts, 6), aht)
        if key not in agents_cache:
            agents_cache[key] = agents_required(contacts * aht / rules.interval_seconds, aht,
                                                rules.service_level_seconds, rules.target_service_level,
                                                rules.max_occupancy).agents
        return agents_cache[key]

    rows = []
    for record in intervals.itertuples(index=False):
        handle = by_channel.get(str(record.channel))
        if handle is None or not handle.aht_seconds or handle.aht_seconds <= 0:
            continue
        aht = float(handle.aht_seconds)
        patience = float(handle.patience_seconds) if pd.notna(handle.patience_seconds) else None
        contacts = float(record.contacts)
        key = (str(record.channel), round(contacts, 6))
        if key not in cache:
            traffic = contacts * aht / rules.interval_seconds
            need = agents_required(traffic, aht, rules.service_level_seconds, rules.target_service_level,
                                   rules.max_occupancy)
            abandon = None
            if patience and need.agents > 0 and is_forecast:
                abandon = erlang_a(need.agents, contacts / rules.interval_seconds, aht, patience).abandon_probability
            cache[key] = (traffic, need.agents, need.service_level, need.wait_probability,
                          need.average_speed_of_answer_seconds, need.occupancy, abandon)
        traffic, agents, level, wait, asa, occ, abandon = cache[key]
        upper = float(record.contacts_upper_80) if has_upper and pd.notna(record.contacts_upper_80) else contacts
        upper_agents = agents if upper == contacts else agents_for(upper, aht)
        rows.append((record.channel, record.date_day, int(record.interval_of_day), record.interval_start_local,
                     is_forecast, contacts, aht, traffic, agents, level, wait, asa, occ, patience, abandon,
                     upper, upper_agents))
    return pd.DataFrame(rows, columns=columns)


# the step ------------------------------------------------------------------------------------------------


def _stamp(frame: pd.DataFrame, run_id: int, fitted_at: dt.datetime) -> pd.DataFrame:
    frame = frame.copy()
    frame["model_version"] = VOLUME_FORECAST_VERSION
    frame["fitted_at"] = fitted_at
    frame["run_id"] = run_id
    return frame


def input_digest(frames: list[pd.DataFrame], settings_text: str) -> str:
    """A digest of what the forecast and the requirement are computed from (rows sorted, floats rounded)."""
    digest = hashlib.sha256(settings_text.encode("utf-8"))
    for frame in frames:
        ordered = frame.sort_values(list(frame.columns), ignore_index=True) if not frame.empty else frame
        digest.update(ordered.to_csv(index=False, float_format="%.9g", date_format="%Y-%m-%d %H:%M:%S").encode())
    return digest.hexdigest()[:32]


def _latest_digest(warehouse: Warehouse) -> str | None:
    frame = warehouse.query_df(
        f"select input_digest from {MODELS_TABLE} where model_version = :version order by run_id desc limit 1",
        {"version": VOLUME_FORECAST_VERSION})
    return None if frame.empty else str(frame["input_digest"].iloc[0])


def _clear_run(warehouse: Warehouse, run_id: int) -> None:
    for table in (FORECAST_TABLE, MODELS_TABLE, REQUIREMENT_TABLE):
        warehouse.execute(f"delete from {table} where run_id = :run and model_version = :version",
                          {"run": run_id, "version": VOLUME_FORECAST_VERSION})


def run_volume_forecast(context: StepContext) -> dict[str, object]:
    """Forecast every channel, compute the staffing requirement, write the three tables; report a summary."""
    warehouse, settings = context.warehouse, context.settings
    capacity = settings.capacity
    daily_table = check_identifier(context.table_of("int_volume_history_daily"))
    intervals_table = check_identifier(context.table_of("int_volume_history_intervals"))
    profile_table = check_identifier(context.table_of("int_volume_history_profile"))
    handle_table = check_identifier(context.table_of("int_volume_history_handle_times"))

    rules = StaffingRules(capacity.interval_minutes, float(settings.metrics.service_level_seconds),
                          service_level_target(settings), capacity.max_occupancy)
    history = warehouse.query_df(
        f"select channel, date_day, count_contacts_offered from {daily_table} order by channel, date_day")
    profile = warehouse.query_df(
        f"select channel, iso_day_of_week, interval_of_day, count_contacts_offered, share_of_day from {profile_table}")
    handle_times = warehouse.query_df(f"select channel, aht_seconds, patience_seconds from {handle_table}")
    past = warehouse.query_df(
        f"select h.channel, h.date_day, h.interval_of_day, h.interval_start_local,"
        f" h.count_contacts_offered as contacts from {intervals_table} h"
        f" inner join {handle_table} t on t.channel = h.channel"
        " where h.count_contacts_offered > 0 and h.channel in ('voice', 'chat')")
    digest = input_digest([history, profile, handle_times, past],
                          f"{capacity}|{rules}|{VOLUME_FORECAST_VERSION}")
    if digest == _latest_digest(warehouse):
        return {"unchanged": True, "input_digest": digest}

    results = forecast_channels(history, capacity.horizon_days, capacity.holdout_days)
    history_days = {str(c): int(n) for c, n in history.groupby("channel").size().items()}
    forecast, comparison = forecast_frames(results, history_days)
    comparison["input_digest"] = digest

    staffed_channels = set(handle_times["channel"].astype(str)) & {"voice", "chat"}
    handle_times = handle_times[handle_times["channel"].astype(str).isin(staffed_channels)]
    future = spread_over_intervals(forecast[forecast["channel"].isin(staffed_channels)] if not forecast.empty
                                   else forecast, profile, capacity.interval_minutes)
    requirement = pd.concat([
        requirement_rows(past, handle_times, rules, is_forecast=False),
        requirement_rows(future, handle_times, rules, is_forecast=True),
    ], ignore_index=True)
    requirement["service_level_target"] = rules.target_service_level
    requirement["service_level_seconds"] = rules.service_level_seconds
    requirement["max_occupancy"] = rules.max_occupancy
    requirement["interval_minutes"] = rules.interval_minutes

    fitted_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with warehouse.transaction():
        _clear_run(warehouse, context.run_id)
        for table, frame in ((FORECAST_TABLE, forecast), (MODELS_TABLE, comparison),
                             (REQUIREMENT_TABLE, requirement)):
            if not frame.empty:
                warehouse.bulk_insert(table, _stamp(frame, context.run_id, fitted_at))
    if context.progress:
        context.progress(len(forecast) + len(requirement))
    return {
        "models": {c: {"model": r.model_name, "holdout_mase": _rounded(r.holdout_mase),
                       "holdout_mape": _rounded(r.holdout_mape)} for c, r in results.items()},
        "forecast_rows": len(forecast),
        "requirement_rows": len(requirement),
        "input_digest": digest,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 4)


STEPS = [
    EnrichmentStep(
        name="volume_forecast",
        description="Forecasting contact volume by channel and the agents each interval needs (Erlang C)",
        reads=("int_volume_history_daily", "int_volume_history_intervals", "int_volume_history_profile",
               "int_volume_history_handle_times"),
        writes={"volume_forecast": FORECAST_TABLE, "volume_forecast_models": MODELS_TABLE,
                "staffing_requirement": REQUIREMENT_TABLE},
        ddl=(
            f"""create table if not exists {FORECAST_TABLE} (
    channel text not null,
    date_day date not null,
    forecast_contacts double precision not null,
    lower_80 double precision not null,
    upper_80 double precision not null,
    lower_95 double precision not null,
    upper_95 double precision not null,
    model_name text not null,
    holdout_mase double precision,
    holdout_mape double precision,
    selection_reason text not null,
    history_days integer not null,
    model_version text not null,
    fitted_at timestamp not null,
    run_id bigint not null
)""",
            f"""create table if not exists {MODELS_TABLE} (
    channel text not null,
    model_name text not null,
    is_chosen boolean not null,
    holdout_days integer not null,
    holdout_mase double precision,
    holdout_mape double precision,
    fit_error text,
    input_digest text not null,
    model_version text not null,
    fitted_at timestamp not null,
    run_id bigint not null
)""",
            f"""create table if not exists {REQUIREMENT_TABLE} (
    channel text not null,
    date_day date not null,
    interval_of_day integer not null,
    interval_start_local timestamp not null,
    is_forecast boolean not null,
    contacts double precision not null,
    aht_seconds double precision not null,
    traffic_erlangs double precision not null,
    agents_required integer not null,
    expected_service_level double precision not null,
    expected_wait_probability double precision not null,
    expected_asa_seconds double precision not null,
    expected_occupancy double precision not null,
    patience_seconds double precision,
    expected_abandon_rate_erlang_a double precision,
    contacts_upper_80 double precision not null,
    agents_required_upper_80 integer not null,
    service_level_target double precision not null,
    service_level_seconds double precision not null,
    max_occupancy double precision not null,
    interval_minutes integer not null,
    model_version text not null,
    fitted_at timestamp not null,
    run_id bigint not null
)""",
        ),
        run=run_volume_forecast,
    ),
]
