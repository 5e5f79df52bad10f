"""Pure helpers of the Capacity page and of its queries module."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.app_pages.capacity import queries as queries_capacity
from dashboard.app_pages.capacity import view as capacity
from etl.catalog import load_catalog


def test_default_day_is_the_busiest_of_the_first_week_of_the_forecast() -> None:
    days = pd.date_range("2026-11-21", periods=10)
    # the first seven days peak on the 24th (30); the 30th (50) is beyond the first week and is not chosen
    contacts = [10.0, 12.0, 20.0, 30.0, 30.0, 5.0, 1.0, 9.0, 8.0, 50.0]
    forecast = pd.DataFrame({"date_day": days, "forecast_contacts": contacts})
    assert capacity.default_day(forecast) == dt.date(2026, 11, 24)  # a tie with the 25th goes to the earlier
    assert capacity.default_day(forecast, within_days=10) == dt.date(2026, 11, 30)
    assert capacity.default_day(forecast.iloc[0:0]) is None


def test_comparison_table_reads_in_words() -> None:
    models = pd.DataFrame({"model_name": ["sarima", "mean"], "is_chosen": [True, False],
                           "holdout_days": [28, 28], "holdout_mase": [0.57, None], "holdout_mape": [0.16, None],
                           "fit_error": [None, "did not converge"]})
    table = capacity.comparison_table(models)
    assert table["Model"].tolist() == ["Seasonal ARIMA with a weekly pattern", "Average of the days seen"]
    assert table["Chosen"].tolist() == ["Chosen", ""]
    assert table["Note"].tolist() == ["", "could not be fitted: did not converge"]
    assert table["MASE"].iloc[0] == pytest.approx(0.57) and pd.isna(table["MASE"].iloc[1])


def test_day_frame_matches_the_history_by_interval_of_the_day() -> None:
    day = pd.DataFrame({"interval_start_local": pd.date_range("2026-11-23 09:00", periods=2, freq="30min"),
                        "interval_of_day": [18, 19], "forecast_contacts": [3.0, 4.0], "agents_required": [2.0, 3.0],
                        "expected_service_level": [0.85, 0.82], "expected_occupancy": [0.4, 0.5],
                        "expected_abandon_rate_erlang_a": [0.01, 0.02]})
    busy = day.assign(agents_required=[3.0, 4.0])
    history = pd.DataFrame({"interval_of_day": [19, 20], "agents_required": [2.5, 1.0],
                            "workload_handled_erlangs": [0.75, 0.5], "agents_active": [2.0, 1.0]})
    frame = capacity.day_frame(day, busy, history)
    assert frame["agents_required_busy_day"].tolist() == [3.0, 4.0]
    # interval 18 has no history row: missing, not 0; interval 20 is not a row of the day
    assert pd.isna(frame["workload_handled_erlangs"].iloc[0])
    assert frame["history_agents_required"].iloc[1] == 2.5
    assert len(frame) == 2
    assert capacity.peak(frame, "agents_required") == (3.0, pd.Timestamp("2026-11-23 09:30"))


def test_with_values_divides_the_catalog_sums_and_leaves_zero_denominators_missing() -> None:
    metric = load_catalog()["agents_required"]
    frame = pd.DataFrame({"agents_required__numerator": [5400.0, 0.0],
                          "agents_required__denominator": [1800.0, 0.0]})
    values = queries_capacity.with_values(frame, {"agents_required": metric})
    # 5,400 agent-seconds over one 1,800-second interval = 3 agents; an interval without a requirement: missing
    assert values["agents_required"].iloc[0] == 3.0
    assert pd.isna(values["agents_required"].iloc[1])


def test_channels_without_a_queue_are_described_as_created_work() -> None:
    assert "offered" in capacity.demand_words("voice")
    assert "created" in capacity.demand_words("email")
    assert capacity.channel_word("email") == "E-mail" and capacity.channel_word("web_form") == "Web form"


def test_expected_hang_ups_weights_each_interval_by_its_contacts() -> None:
    frame = pd.DataFrame({"forecast_contacts": [10.0, 2.0, 0.0], "expected_abandon_rate_erlang_a": [0.01, 0.1, None]})
    # 10 x 0.01 + 2 x 0.1 = 0.3 callers of 12 contacts = 2.5%; the interval without a rate is left out
    hang_ups, share = capacity.expected_hang_ups(frame)
    assert hang_ups == pytest.approx(0.3) and share == pytest.approx(0.025)
    assert capacity.expected_hang_ups(frame.assign(expected_abandon_rate_erlang_a=None)) == (None, None)
