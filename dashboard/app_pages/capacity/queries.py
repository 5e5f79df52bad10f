"""Queries of the Capacity page: the daily volume forecast of one channel, its candidate models, and the
staffing figures of marts.capacity_intervals per interval, per weekday x interval and per day.

Same rules as dashboard.queries: values are bound parameters, identifiers are constants of this module or
catalog columns, checked with `check_identifier`; results are cached with the data version as an argument;
every result is bounded (a day is at most 96 intervals, a week 7 x 96, the history at most MAX_HISTORY_DAYS).
Agent figures are catalog metrics re-aggregated as ratios of sums (`queries.metric_value`).

The forecast is made per channel, so only the channel and the dates apply here: marts.capacity_intervals has no
intent, queue, team or segment column.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import queries
from etl.catalog import Metric
from etl.warehouse import check_identifier

FORECAST = check_identifier("core.fct_volume_forecast")
MODELS = check_identifier("core.fct_volume_forecast_models")
INTERVALS = check_identifier("marts.capacity_intervals")
# the catalog's metrics of the page
FORECAST_METRIC = "forecast_contacts"
REQUIRED_METRIC = "agents_required"
WORKLOAD_METRIC = "workload_handled_erlangs"
ACTIVE_METRIC = "agents_active"
BUSY_DAY_VARIANT = "upper_80_day"
# a daily chart over more days would be unreadable and near Altair's 5,000-row limit
MAX_HISTORY_DAYS = 1_000
CHANNEL_COLUMNS = ["channel", "first_history_day", "last_history_day", "first_forecast_day", "last_forecast_day",
                   "forecast_days", "history_days", "model_name", "holdout_mase", "holdout_mape", "selection_reason",
                   "has_requirement", "forecast_total"]


def _metric(name: str, variant: str | None = None) -> Metric:
    metric = queries.catalog_in_use()[name]
    return metric.in_variant(variant) if variant else metric


def _ratio_columns(metric: Metric, alias: str) -> str:
    """sum(numerator) and sum(denominator) of a catalog metric, as <alias>__numerator / __denominator."""
    parts = [f"sum({check_identifier(metric.numerator)}) as {check_identifier(alias)}__numerator"]
    if metric.denominator is not None:
        parts.append(f"sum({check_identifier(metric.denominator)}) as {check_identifier(alias)}__denominator")
    return ", ".join(parts)


def with_values(frame: pd.DataFrame, metrics: dict[str, Metric]) -> pd.DataFrame:
    """The frame with a column per alias holding the metric's value from its summed numerator and denominator
    (None where a ratio's denominator is 0: an interval without a requirement, a forecast interval's history).
    Pure."""
    out = frame.copy()
    for alias, metric in metrics.items():
        numerators = out[f"{alias}__numerator"].tolist()
        denominators = (out[f"{alias}__denominator"].tolist() if metric.denominator is not None
                        else [None] * len(out))
        out[alias] = pd.array(
            [queries.metric_value(queries._as_float(n), queries._as_float(d), metric.is_ratio)
             for n, d in zip(numerators, denominators, strict=True)],
            dtype="Float64",
        )
    return out


# ---------------------------------------------------------------- channels and the forecast


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def channel_summary(url: str, version: str) -> pd.DataFrame:
    """One row per channel of the forecast: its own first and last day of history (each channel keeps its own
    time: the forecast starts the day after its last complete day), its forecast days and total, days of
    history, the model chosen with its holdout errors and reason, and whether it gets an Erlang C requirement
    (voice and chat)."""
    sql = (
        "with staffed as ("
        f" select channel, max(requirement_interval_seconds) as requirement_seconds from {INTERVALS}"
        " group by channel"
        ") select forecast.channel,"
        " min(case when not forecast.is_forecast then forecast.date_day end) as first_history_day,"
        " max(case when not forecast.is_forecast then forecast.date_day end) as last_history_day,"
        " min(case when forecast.is_forecast then forecast.date_day end) as first_forecast_day,"
        " max(case when forecast.is_forecast then forecast.date_day end) as last_forecast_day,"
        " cast(count(case when forecast.is_forecast then 1 end) as bigint) as forecast_days,"
        " cast(count(case when not forecast.is_forecast then 1 end) as bigint) as history_days,"
        " max(case when forecast.is_forecast then forecast.model_name end) as model_name,"
        " max(case when forecast.is_forecast then forecast.holdout_mase end) as holdout_mase,"
        " max(case when forecast.is_forecast then forecast.holdout_mape end) as holdout_mape,"
        " max(case when forecast.is_forecast then forecast.selection_reason end) as selection_reason,"
        " coalesce(max(staffed.requirement_seconds), 0) > 0 as has_requirement,"
        " sum(case when forecast.is_forecast then forecast.forecast_contacts end) as forecast_total"
        f" from {FORECAST} as forecast"
        " left join staffed on staffed.channel = forecast.channel"
        " group by forecast.channel order by forecast.channel"
    )
    return queries._query(url, sql).reindex(columns=CHANNEL_COLUMNS)


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def daily_volumes(url: str, version: str, channel: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Contacts per day of one channel: the history between start and end (the latest MAX_HISTORY_DAYS of it)
    and every forecast day with its 80% and 95% prediction intervals, oldest first."""
    sql = (
        "select date_day, is_forecast, count_contacts_offered, forecast_contacts, lower_80, upper_80, lower_95,"
        " upper_95"
        f" from {FORECAST}"
        " where channel = :channel and is_forecast"
        " union all "
        "select * from ("
        " select date_day, is_forecast, count_contacts_offered, forecast_contacts, lower_80, upper_80, lower_95,"
        " upper_95"
        f" from {FORECAST}"
        " where channel = :channel and not is_forecast and date_day between :start and :end"
        " order by date_day desc limit :max_days"
        ") as history"
    )
    frame = queries._query(url, sql, {"channel": channel, "start": start, "end": end,
                                      "max_days": MAX_HISTORY_DAYS})
    frame["date_day"] = pd.to_datetime(frame["date_day"])
    return frame.sort_values("date_day", ignore_index=True)


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def candidate_models(url: str, version: str, channel: str) -> pd.DataFrame:
    """The candidate models of one channel's latest forecast run: holdout days, MASE, MAPE, whether chosen and
    the fit error of a candidate that could not be fitted; the chosen one first, then by MASE."""
    sql = (
        "select model_name, is_chosen, holdout_days, holdout_mase, holdout_mape, fit_error"
        f" from {MODELS} where channel = :channel"
        " order by is_chosen desc, holdout_mase is null, holdout_mase, model_name limit 50"
    )
    return queries._query(url, sql, {"channel": channel})


# ---------------------------------------------------------------- staffing per interval


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def _day_intervals(url: str, version: str, channel: str, day: dt.date, variants: queries.Variants,
                   variant: str | None) -> pd.DataFrame:
    required = _metric(REQUIRED_METRIC, variant)
    sql = (
        "select interval_start_local, interval_of_day, sum(forecast_contacts) as forecast_contacts,"
        f" {_ratio_columns(required, 'agents_required')},"
        " max(expected_service_level) as expected_service_level,"
        " max(expected_occupancy) as expected_occupancy,"
        " max(expected_abandon_rate_erlang_a) as expected_abandon_rate_erlang_a,"
        " max(traffic_erlangs) as traffic_erlangs, max(aht_seconds) as aht_seconds"
        f" from {INTERVALS}"
        " where channel = :channel and date_day = :day"
        " group by interval_start_local, interval_of_day order by interval_start_local limit 100"
    )
    frame = queries._query(url, sql, {"channel": channel, "day": day})
    frame["interval_start_local"] = pd.to_datetime(frame["interval_start_local"])
    return with_values(frame, {"agents_required": required})


def day_intervals(url: str, version: str, channel: str, day: dt.date, busy_day: bool = False) -> pd.DataFrame:
    """Every interval of one day of one channel: forecast contacts, agents required (the catalog's metric; its
    upper-80% variant when `busy_day`), and the Erlang C service level, occupancy and Erlang A abandon rate
    stored for the default requirement."""
    return _day_intervals(url, version, channel, day, queries.variants_in_use(),
                          BUSY_DAY_VARIANT if busy_day else None)


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def _history_by_interval(url: str, version: str, channel: str, start: dt.date, end: dt.date, iso_day_of_week: int,
                         variants: queries.Variants) -> pd.DataFrame:
    metrics = {"agents_required": _metric(REQUIRED_METRIC), "workload_handled_erlangs": _metric(WORKLOAD_METRIC),
               "agents_active": _metric(ACTIVE_METRIC)}
    sums = ", ".join(_ratio_columns(metric, alias) for alias, metric in metrics.items())
    sql = (
        f"select interval_of_day, cast(count(distinct date_day) as bigint) as days, {sums},"
        " sum(count_contacts_offered) as count_contacts_offered"
        f" from {INTERVALS}"
        " where channel = :channel and not is_forecast and date_day between :start and :end"
        " and iso_day_of_week = :iso_day_of_week"
        " group by interval_of_day order by interval_of_day limit 100"
    )
    frame = queries._query(url, sql, {"channel": channel, "start": start, "end": end,
                                      "iso_day_of_week": iso_day_of_week})
    return with_values(frame, metrics)


def history_by_interval(url: str, version: str, channel: str, start: dt.date, end: dt.date,
                        iso_day_of_week: int) -> pd.DataFrame:
    """The staffing the history implies on one weekday (ISO: 1 = Monday), per interval of the day, over the past
    days between start and end: workload handled in Erlangs, agents answering contacts, and what Erlang C would
    have required for the contacts that arrived (each the catalog's ratio of sums), with the contacts and the
    number of such days."""
    return _history_by_interval(url, version, channel, start, end, iso_day_of_week, queries.variants_in_use())


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def _weekly_requirement(url: str, version: str, channel: str, variants: queries.Variants,
                        variant: str | None) -> pd.DataFrame:
    required = _metric(REQUIRED_METRIC, variant)
    forecast = _metric(FORECAST_METRIC)
    sql = (
        f"select iso_day_of_week, interval_of_day, cast(count(distinct date_day) as bigint) as days,"
        f" {_ratio_columns(required, 'agents_required')}, {_ratio_columns(forecast, 'forecast_contacts')}"
        f" from {INTERVALS}"
        " where channel = :channel and is_forecast"
        " group by iso_day_of_week, interval_of_day order by iso_day_of_week, interval_of_day limit 700"
    )
    frame = queries._query(url, sql, {"channel": channel})
    return with_values(frame, {"agents_required": required, "forecast_contacts": forecast})


def weekly_requirement(url: str, version: str, channel: str, busy_day: bool = False) -> pd.DataFrame:
    """Agents required per weekday (ISO) x interval of the day, averaged over the forecast horizon (the catalog's
    ratio of sums), with the forecast contacts summed over the horizon."""
    return _weekly_requirement(url, version, channel, queries.variants_in_use(),
                               BUSY_DAY_VARIANT if busy_day else None)


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def _period_totals(url: str, version: str, channel: str, first_day: dt.date, last_day: dt.date,
                   variants: queries.Variants, variant: str | None) -> dict[str, Any]:
    required = _metric(REQUIRED_METRIC, variant)
    forecast = _metric(FORECAST_METRIC)
    sql = (
        f"select {_ratio_columns(required, 'agents_required')}, {_ratio_columns(forecast, 'forecast_contacts')},"
        " sum(count_contacts_offered) as count_contacts_offered"
        f" from {INTERVALS}"
        " where channel = :channel and date_day between :first_day and :last_day"
    )
    frame = queries._query(url, sql, {"channel": channel, "first_day": first_day, "last_day": last_day})
    values = with_values(frame, {"agents_required": required, "forecast_contacts": forecast})
    return values.iloc[0].to_dict() if not values.empty else {}


def period_totals(url: str, version: str, channel: str, first_day: dt.date, last_day: dt.date,
                  busy_day: bool = False) -> dict[str, Any]:
    """Over the days first_day..last_day of one channel: forecast contacts, contacts that arrived, and the
    average agents required with its numerator (agent-seconds) and denominator."""
    return _period_totals(url, version, channel, first_day, last_day, queries.variants_in_use(),
                          BUSY_DAY_VARIANT if busy_day else None)
