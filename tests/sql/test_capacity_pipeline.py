"""The capacity models on a hand-made schedule, on DuckDB and PostgreSQL.

The schedule (reporting time zone UTC, [capacity] interval 30 min, horizon 14 days, holdout 7 days):
  2026-03-02 (Monday) to 2026-04-05 (Sunday), 35 days = 5 weeks:
    voice: every Monday to Friday two calls, created 09:00:00 and 09:10:00, queued 30 s later, answered 10 s
      after that (by AG1 and AG2), talk 300 s + hold 0 + after-call work 60 s = handle 360 s;
    e-mail: one e-mail every day at 12:00.
  2026-04-06: one more voice call at 08:00. That is the day of the latest contact, taken as incomplete: the
  history ends on 2026-04-05 and the forecast starts on 2026-04-06.

Daily demand: voice 2,2,2,2,2,0,0 each week (25 weekdays -> 50 calls), e-mail 1 a day (35). Both repeat
exactly, so every lag-7 difference is 0: MASE has no scale for any candidate and the seasonal naive
forecast is used, which repeats the last week: voice 2 on each of the 10 weekdays of the 14-day horizon
(20 calls), e-mail 1 a day (14). Intervals have zero width (the residuals are all 0).

Intraday profile: all voice calls arrive in 09:00-09:30 (interval 18 of the day), share 1.
Staffing (Erlang C, target 0.80 within 20 s, occupancy <= 0.85): A = 2 x 360 / 1800 = 0.4 Erlangs.
  N = 1: P(W) = A = 0.4, SL = 1 - 0.4 exp(-(1 - 0.4) 20 / 360) = 1 - 0.4 x 0.96722 = 0.6131 < 0.80.
  N = 2: A^2/2! x 2/(2 - A) = 0.08 x 1.25 = 0.1; P(W) = 0.1 / (1 + 0.4 + 0.1) = 0.066667,
         SL = 1 - 0.066667 exp(-1.6 x 20 / 360) = 1 - 0.066667 x 0.914947 = 0.939004 >= 0.80, occupancy 0.2.
  -> 2 agents in interval 18 of every weekday, past (actual arrivals) and forecast alike.
Implied staffing: each weekday interval 18 handles 2 x 360 = 720 s (0.4 Erlangs) by 2 distinct agents.
Mart rows: (35 history + 14 forecast days) x 48 intervals x 2 channels = 4,704.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl.catalog import load_catalog
from etl.config import Settings
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

FIXTURE = FIXTURES / "capacity"
FIRST_DAY = dt.date(2026, 3, 2)
HISTORY_DAYS = 35
INTERACTION_COLUMNS = ["interaction_id", "channel", "customer_id", "queue_id", "agent_id", "intent", "priority",
                       "status", "created_at", "updated_at", "closed_at", "subject", "talk_seconds", "hold_seconds",
                       "acw_seconds"]


def _at(day: dt.date, hour: int, minute: int, second: int = 0) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute, second)).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_contacts(folder: Path) -> None:
    for name in ("accounts.csv", "agents.csv", "customers.csv", "queues.csv"):
        shutil.copy(FIXTURE / name, folder / name)
    interactions, events = [], []

    def call(day: dt.date, hour: int, minute: int, agent: str) -> None:
        number = len(interactions) + 1
        interaction_id = f"V{number}"
        interactions.append([interaction_id, "voice", "C1", "Q1", agent, "billing_dispute", "normal", "closed",
                             _at(day, hour, minute), _at(day, hour, minute + 7), _at(day, hour, minute + 7), "",
                             300, 0, 60])
        events.append({"event_id": f"E{number}q", "interaction_id": interaction_id,
                       "occurred_at": _at(day, hour, minute, 30), "event_type": "queued", "queue_id": "Q1"})
        events.append({"event_id": f"E{number}a", "interaction_id": interaction_id,
                       "occurred_at": _at(day, hour, minute, 40), "event_type": "answered", "agent_id": agent})

    for offset in range(HISTORY_DAYS):
        day = FIRST_DAY + dt.timedelta(days=offset)
        if day.isoweekday() <= 5:
            call(day, 9, 0, "AG1")
            call(day, 9, 10, "AG2")
        interactions.append([f"M{offset}", "email", "C2", "Q3", "AG1", "invoice_copy", "low", "closed",
                             _at(day, 12, 0), _at(day, 13, 0), _at(day, 13, 0), "Invoice", "", "", ""])
    call(FIRST_DAY + dt.timedelta(days=HISTORY_DAYS), 8, 0, "AG1")
    with (folder / "interactions-2026-03.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(INTERACTION_COLUMNS)
        writer.writerows(interactions)
    with (folder / "events-2026-03.jsonl").open("w", encoding="utf-8") as handle:
        for event in events:
            handle.write(json.dumps(event) + "\n")


def _query(url: str, sql: str):
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _settings(warehouse_url: str, source: Path) -> Settings:
    return make_settings(warehouse_url, source, capacity={"horizon_days": 14, "holdout_days": 7},
                         targets={"service_level": 0.8})


@pytest.fixture
def built(warehouse_url: str, tmp_path: Path) -> str:
    source = tmp_path / "contacts"
    source.mkdir()
    write_contacts(source)
    result = run_pipeline(_settings(warehouse_url, source), "run")
    assert result.status == SUCCEEDED, result.problems
    return warehouse_url


def test_capacity_models_match_the_hand_worked_schedule(built: str) -> None:
    daily = _query(built, "select channel, count(*) as days, sum(count_contacts_offered) as contacts,"
                          " min(date_day) as first_day, max(date_day) as last_day"
                          " from core.int_volume_history_daily group by channel order by channel")
    assert daily["channel"].tolist() == ["email", "voice"]
    assert daily["days"].tolist() == [35, 35]
    assert [float(x) for x in daily["contacts"]] == [35.0, 50.0]
    assert str(daily["last_day"].iloc[0])[:10] == "2026-04-05"

    forecast = _query(built, "select channel, date_day, forecast_contacts, lower_95, upper_95, model_name"
                             " from core.fct_volume_forecast where is_forecast order by channel, date_day")
    assert len(forecast) == 28
    voice = forecast[forecast["channel"] == "voice"]
    assert str(voice["date_day"].iloc[0])[:10] == "2026-04-06"
    assert voice["forecast_contacts"].round(9).tolist() == [2.0] * 5 + [0.0] * 2 + [2.0] * 5 + [0.0] * 2
    assert (voice["upper_95"] - voice["lower_95"]).abs().max() < 1e-9
    assert set(forecast["model_name"]) == {"seasonal_naive"}
    email = forecast[forecast["channel"] == "email"]
    assert email["forecast_contacts"].round(9).tolist() == [1.0] * 14

    models = _query(built, "select channel, model_name, is_chosen from core.fct_volume_forecast_models")
    assert len(models) == 8  # 4 candidates x 2 channels
    assert set(models.loc[models["is_chosen"].astype(bool), "model_name"]) == {"seasonal_naive"}


def test_staffing_requirement_and_implied_staffing(built: str) -> None:
    mart = _query(built, "select channel, is_forecast, count(*) as intervals,"
                         " sum(count_contacts_offered) as contacts, sum(forecast_contacts) as forecast_contacts,"
                         " sum(agent_seconds_required) as agent_seconds_required,"
                         " sum(agent_seconds_required_upper_80) as agent_seconds_upper,"
                         " sum(requirement_interval_seconds) as requirement_seconds,"
                         " sum(sum_handle_seconds) as handle_seconds,"
                         " sum(history_interval_seconds) as history_seconds,"
                         " sum(agent_seconds_active) as agent_seconds_active,"
                         " max(agents_required) as max_agents"
                         " from marts.capacity_intervals group by channel, is_forecast order by channel, is_forecast")
    rows = {(r.channel, bool(r.is_forecast)): r for r in mart.itertuples(index=False)}
    assert sum(int(r.intervals) for r in rows.values()) == 4_704
    past, future = rows[("voice", False)], rows[("voice", True)]
    assert float(past.contacts) == 50
    # 25 weekday intervals x 2 agents x 1800 s; 35 days x 48 intervals x 1800 s
    assert float(past.agent_seconds_required) == 25 * 2 * 1800
    assert float(past.requirement_seconds) == 35 * 48 * 1800
    assert float(past.handle_seconds) == 50 * 360
    assert float(past.history_seconds) == 35 * 48 * 1800
    assert float(past.agent_seconds_active) == 25 * 2 * 1800
    assert float(future.forecast_contacts) == pytest.approx(20.0)
    assert float(future.agent_seconds_required) == 10 * 2 * 1800
    # the intervals have zero width (upper 80% bound = forecast), and the past uses arrivals: same agents
    assert float(future.agent_seconds_upper) == 10 * 2 * 1800
    assert float(past.agent_seconds_upper) == 25 * 2 * 1800
    assert int(future.max_agents) == 2
    assert float(future.history_seconds) == 0
    email_future = rows[("email", True)]
    assert float(email_future.forecast_contacts) == pytest.approx(14.0)
    assert float(email_future.requirement_seconds) == 0
    assert pd.isna(email_future.max_agents)  # no handle times: no requirement

    interval = _query(built, "select traffic_erlangs, agents_required, expected_service_level, expected_occupancy"
                             " from marts.capacity_intervals where channel = 'voice' and is_forecast"
                             " and interval_of_day = 18 and iso_day_of_week = 1")
    assert len(interval) == 2
    assert interval["traffic_erlangs"].tolist() == pytest.approx([0.4, 0.4])
    assert interval["agents_required"].tolist() == [2, 2]
    assert interval["expected_service_level"].tolist() == pytest.approx([0.939004, 0.939004], abs=1e-6)
    assert interval["expected_occupancy"].tolist() == pytest.approx([0.2, 0.2])


def test_every_capacity_metric_column_exists_in_its_mart(built: str) -> None:
    metrics = [m for m in load_catalog().values() if m.subject == "capacity"]
    assert {m.name for m in metrics} == {"forecast_contacts", "agents_required", "workload_handled_erlangs",
                                         "agents_active"}
    variants = [metric.in_variant(v.name) for metric in metrics for v in metric.variants]
    for metric in metrics + variants:
        columns = [c for c in (metric.numerator, metric.denominator, metric.sum_of_squares) if c]
        frame = _query(built, f"select {', '.join(dict.fromkeys(columns))} from {metric.mart} limit 1")
        assert list(frame.columns) == list(dict.fromkeys(columns))


def test_a_rebuild_from_the_same_data_writes_no_new_forecast(built: str, tmp_path: Path) -> None:
    counts_sql = ("select (select count(*) from core.enr_volume_forecast) as forecast,"
                  " (select count(*) from core.enr_volume_forecast_models) as models,"
                  " (select count(*) from core.enr_staffing_requirement) as requirement")
    before = _query(built, counts_sql).iloc[0].tolist()
    # 28 forecast rows; 8 candidates; requirement: 25 past + 10 forecast voice intervals
    assert [int(x) for x in before] == [28, 8, 35]
    result = run_pipeline(_settings(built, tmp_path / "contacts"), "build", do_ingest=False)
    assert result.status == SUCCEEDED, result.problems
    assert _query(built, counts_sql).iloc[0].tolist() == before
