"""The Capacity page's queries on the hand-made capacity schedule, on DuckDB and PostgreSQL.

The schedule and every figure of it are worked out by hand in tests/sql/test_capacity_pipeline.py (reporting
time zone UTC, 30-minute intervals, horizon 14 days): 2026-03-02 (Monday) to 2026-04-05 is history; voice gets
two calls in 09:00-09:30 (interval 18) every weekday, 360 s handle each, by two agents; e-mail one a day.
The forecast (seasonal naive, zero-width intervals) runs 2026-04-06 to 2026-04-19: voice 2 a weekday, e-mail 1
a day. Erlang C needs 2 agents in each voice interval with calls (A = 0.4 Erlangs), none elsewhere.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.app_pages.capacity import queries as queries_capacity
from tests.sql.test_capacity_pipeline import built  # noqa: F401  (the fixture, built once per test and engine)

FORECAST_START = dt.date(2026, 4, 6)  # a Monday


def test_channel_summary_and_candidate_models(built: str) -> None:  # noqa: F811
    summary = queries_capacity.channel_summary(built, "test")
    assert summary["channel"].tolist() == ["email", "voice"]
    assert [pd.Timestamp(d).date() for d in summary["first_forecast_day"]] == [FORECAST_START] * 2
    assert [pd.Timestamp(d).date() for d in summary["last_forecast_day"]] == [dt.date(2026, 4, 19)] * 2
    assert summary["forecast_days"].tolist() == [14, 14]
    assert summary["history_days"].tolist() == [35, 35]
    assert summary["model_name"].tolist() == ["seasonal_naive"] * 2
    assert [bool(x) for x in summary["has_requirement"]] == [False, True]  # e-mail has no handle times
    models = queries_capacity.candidate_models(built, "test", "voice")
    assert len(models) == 4 and models["model_name"].iloc[0] == "seasonal_naive" and bool(models["is_chosen"].iloc[0])


def test_daily_volumes_keep_the_dates_for_history_only(built: str) -> None:  # noqa: F811
    # the last week of history (30 Mar - 5 Apr): voice 2 on weekdays, 0 at the weekend; then 14 forecast days
    frame = queries_capacity.daily_volumes(built, "test", "voice", dt.date(2026, 3, 30), dt.date(2026, 4, 5))
    history = frame[~frame["is_forecast"].astype(bool)]
    assert [float(x) for x in history["count_contacts_offered"]] == [2, 2, 2, 2, 2, 0, 0]
    forecast = frame[frame["is_forecast"].astype(bool)]
    assert len(forecast) == 14 and float(forecast["forecast_contacts"].sum()) == pytest.approx(20.0)
    assert frame["date_day"].is_monotonic_increasing
    # dates without history: the forecast alone
    assert queries_capacity.daily_volumes(built, "test", "voice", dt.date(2001, 1, 1),
                                          dt.date(2001, 1, 31))["is_forecast"].all()


def test_a_forecast_day_per_interval(built: str) -> None:  # noqa: F811
    day = queries_capacity.day_intervals(built, "test", "voice", FORECAST_START)
    assert len(day) == 48
    at_nine = day[day["interval_of_day"] == 18].iloc[0]
    # 2 calls forecast at 09:00; 2 agents x 1,800 s / 1,800 s = 2 agents; SL 0.939004, occupancy 0.4 / 2 = 0.2
    assert float(at_nine["forecast_contacts"]) == pytest.approx(2.0)
    assert float(at_nine["agents_required"]) == 2.0
    assert float(at_nine["expected_service_level"]) == pytest.approx(0.939004, abs=1e-6)
    assert float(at_nine["expected_occupancy"]) == pytest.approx(0.2)
    assert float(day["agents_required"].fillna(0).sum()) == 2.0  # nobody needed in the other 47 intervals
    busy = queries_capacity.day_intervals(built, "test", "voice", FORECAST_START, busy_day=True)
    assert float(busy.loc[busy["interval_of_day"] == 18, "agents_required"].iloc[0]) == 2.0  # zero-width bounds


def test_the_history_of_a_weekday_per_interval(built: str) -> None:  # noqa: F811
    # Mondays 2, 9, 16, 23, 30 March: 5 days; at 09:00 each had 2 calls x 360 s by 2 agents
    history = queries_capacity.history_by_interval(built, "test", "voice", dt.date(2026, 3, 1),
                                                   dt.date(2026, 4, 30), 1)
    assert len(history) == 48 and set(history["days"]) == {5}
    nine = history[history["interval_of_day"] == 18].iloc[0]
    assert float(nine["workload_handled_erlangs"]) == pytest.approx(0.4)  # 5 x 720 s / (5 x 1,800 s)
    assert float(nine["agents_active"]) == 2.0  # 5 x 2 x 1,800 / (5 x 1,800)
    assert float(nine["agents_required"]) == 2.0
    assert float(nine["count_contacts_offered"]) == 10.0
    # the dates apply: only 30 March from 28 March on
    late = queries_capacity.history_by_interval(built, "test", "voice", dt.date(2026, 3, 28), dt.date(2026, 4, 30),
                                                1)
    assert set(late["days"]) == {1}


def test_the_weekday_by_interval_requirement_over_the_horizon(built: str) -> None:  # noqa: F811
    weekly = queries_capacity.weekly_requirement(built, "test", "voice")
    assert len(weekly) == 7 * 48
    monday = weekly[(weekly["iso_day_of_week"] == 1) & (weekly["interval_of_day"] == 18)].iloc[0]
    # two Mondays in the horizon (6 and 13 April), 2 agents each: (2 + 2) x 1,800 / (2 x 1,800) = 2; 2 + 2 calls
    assert int(monday["days"]) == 2
    assert float(monday["agents_required"]) == 2.0
    assert float(monday["forecast_contacts"]) == pytest.approx(4.0)
    saturday = weekly[(weekly["iso_day_of_week"] == 6) & (weekly["interval_of_day"] == 18)].iloc[0]
    assert float(saturday["agents_required"]) == 0.0


def test_period_totals(built: str) -> None:  # noqa: F811
    ahead = queries_capacity.period_totals(built, "test", "voice", FORECAST_START, dt.date(2026, 4, 19))
    assert float(ahead["forecast_contacts"]) == pytest.approx(20.0)
    # 10 weekday intervals x 2 agents x 1,800 s over 14 days x 48 intervals x 1,800 s
    assert float(ahead["agents_required__numerator"]) == 10 * 2 * 1800
    assert float(ahead["agents_required"]) == pytest.approx(10 * 2 / (14 * 48))
    before = queries_capacity.period_totals(built, "test", "voice", dt.date(2026, 3, 23), dt.date(2026, 4, 5))
    assert float(before["count_contacts_offered"]) == 20.0  # 10 weekdays x 2 calls
    email = queries_capacity.period_totals(built, "test", "email", FORECAST_START, dt.date(2026, 4, 19))
    assert float(email["forecast_contacts"]) == pytest.approx(14.0)
    assert pd.isna(email["agents_required"])  # no requirement interval seconds: no figure, not 0
