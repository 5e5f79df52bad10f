"""The volume forecast on synthetic series whose weekly pattern and noise are known.

The synthetic demand: level 200 contacts a day, weekday effects +40 +30 +20 +10 0 -60 -40 (Monday first),
Gaussian noise with sd 10. A model that knew the pattern exactly would still miss by the noise:
E|e| = 10 x sqrt(2 / pi) = 7.98 contacts, over days averaging 1/7 x sum 1/(200 + effect) = 1/195.6 ->
an irreducible MAPE of about 7.98 / 195.6 = 0.041. The seasonal naive method's error is the difference of two
noises (sd 10 sqrt 2), MAPE about 0.058. We ask the chosen model for a holdout MAPE under 0.08: about twice
the irreducible error, room for estimating 9 parameters from 20 weeks, and still a bound a model that had
not learnt the weekly pattern (errors of 30-60 contacts on weekends, MAPE above 0.15) could not meet.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from etl.capacity.forecast import (
    MEAN,
    SEASONAL_NAIVE,
    complete_series,
    forecast_daily,
    mape,
    mase,
    seasonal_naive,
)

WEEKDAY_EFFECT = np.array([40, 30, 20, 10, 0, -60, -40], dtype=float)
START = dt.date(2026, 1, 5)  # a Monday


def synthetic(days: int, seed: int, noise_sd: float = 10.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    values = 200 + np.resize(WEEKDAY_EFFECT, days) + rng.normal(0, noise_sd, days)
    return pd.Series(values, index=pd.date_range(START, periods=days, freq="D"))


def test_mase_and_mape_by_hand() -> None:
    # training 0..13: every lag-7 difference is 7, scale 7; errors |10-12|, |20-18| -> MAE 2 -> MASE 2/7
    training = np.arange(14, dtype=float)
    assert mase(np.array([10.0, 20.0]), np.array([12.0, 18.0]), training) == pytest.approx(2 / 7)
    # MAPE over days with contacts: |10-12|/10 = 0.2, the zero day is left out
    assert mape(np.array([10.0, 0.0]), np.array([12.0, 3.0])) == pytest.approx(0.2)
    assert mape(np.array([0.0]), np.array([1.0])) is None
    assert mase(np.array([1.0]), np.array([1.0]), np.full(14, 5.0)) is None


def test_seasonal_naive_repeats_last_week_and_widens_each_week() -> None:
    # y = 0..13; lag-7 residuals are all 7 -> sigma 7; h = 1..7 sd 7, h = 8..14 sd 7 sqrt 2
    mean, intervals = seasonal_naive(np.arange(14, dtype=float), 14)
    assert list(mean[:7]) == [7, 8, 9, 10, 11, 12, 13]
    assert list(mean[7:]) == [7, 8, 9, 10, 11, 12, 13]
    _lower, upper = intervals[0.95]
    assert upper[0] - mean[0] == pytest.approx(1.959964 * 7, rel=1e-6)
    assert upper[7] - mean[7] == pytest.approx(1.959964 * 7 * np.sqrt(2), rel=1e-6)


def test_the_chosen_model_learns_the_weekly_pattern() -> None:
    result = forecast_daily(synthetic(196, seed=11), horizon_days=28, holdout_days=28)
    assert result.holdout_days == 28
    assert {c.model_name for c in result.candidates} == {"seasonal_naive", "ets", "ets_damped", "sarima"}
    scored = [c for c in result.candidates if c.holdout_mase is not None]
    assert result.holdout_mase == min(c.holdout_mase for c in scored)
    assert result.holdout_mape is not None and result.holdout_mape < 0.08
    assert result.model_name != SEASONAL_NAIVE
    forecast = result.forecast
    assert len(forecast) == 28
    assert forecast["date_day"].iloc[0] == START + dt.timedelta(days=196)
    # the forecast keeps the weekday shape: Saturdays (effect -60) well below Mondays (+40)
    by_weekday = forecast.groupby(pd.to_datetime(forecast["date_day"]).dt.day_of_week)["forecast"].mean()
    assert by_weekday[0] - by_weekday[5] == pytest.approx(100, abs=15)
    assert (forecast["lower_95"] <= forecast["lower_80"]).all()
    assert (forecast["lower_80"] <= forecast["forecast"]).all()
    assert (forecast["forecast"] <= forecast["upper_80"]).all()
    assert (forecast["upper_80"] <= forecast["upper_95"]).all()


def test_prediction_intervals_cover_about_their_nominal_share_of_a_simulated_future() -> None:
    # 5 series of 168 + 28 days from the same process; the forecast of the first 168 days against the next
    # 28 true values: 140 points. Expected coverage 0.80 and 0.95; binomial sd over 140 points is 0.034 and
    # 0.018, and the points within a series share one fit, so the bounds are wide: [0.66, 0.93], >= 0.86.
    inside_80 = inside_95 = total = 0
    for seed in range(5):
        series = synthetic(196, seed=100 + seed)
        result = forecast_daily(series.iloc[:168], horizon_days=28, holdout_days=28)
        future = series.iloc[168:].to_numpy()
        frame = result.forecast
        inside_80 += int(((future >= frame["lower_80"]) & (future <= frame["upper_80"])).sum())
        inside_95 += int(((future >= frame["lower_95"]) & (future <= frame["upper_95"])).sum())
        total += len(future)
    assert 0.66 <= inside_80 / total <= 0.93
    assert inside_95 / total >= 0.86


def test_under_two_weeks_plus_a_holdout_week_the_forecast_is_seasonal_naive_with_its_reason() -> None:
    series = synthetic(20, seed=3)  # 20 < 2 x 7 + 7
    result = forecast_daily(series, horizon_days=9, holdout_days=28)
    assert result.model_name == SEASONAL_NAIVE
    assert "two weeks" in result.selection_reason
    assert result.candidates == ()
    # day 21 is the same weekday as day 14 (the first of the last 7 days), day 28 as day 14 again
    expected = series.iloc[13:20].to_numpy()
    assert np.allclose(result.forecast["forecast"].to_numpy()[:7], np.maximum(expected, 0))
    assert result.forecast["forecast"].iloc[7] == pytest.approx(max(expected[0], 0))


def test_a_history_shorter_than_a_week_gets_the_mean() -> None:
    # mean of 4, 6, 8 = 6
    series = pd.Series([4.0, 6.0, 8.0], index=pd.date_range(START, periods=3))
    result = forecast_daily(series, horizon_days=5)
    assert result.model_name == MEAN
    assert list(result.forecast["forecast"]) == [6.0] * 5


def test_bad_series_never_raise() -> None:
    zeros = pd.Series(0.0, index=pd.date_range(START, periods=70))
    result = forecast_daily(zeros, horizon_days=7)
    assert (result.forecast["forecast"] == 0).all()
    assert (result.forecast["lower_95"] >= 0).all()
    empty = forecast_daily(pd.Series(dtype=float), horizon_days=3)
    assert len(empty.forecast) == 3


def test_a_candidate_that_fails_is_recorded_and_skipped() -> None:
    def broken(y: np.ndarray, horizon: int):
        raise RuntimeError("cannot fit")

    result = forecast_daily(synthetic(84, seed=5), horizon_days=7,
                            candidates={"seasonal_naive": seasonal_naive, "broken": broken})
    broken_score = next(c for c in result.candidates if c.model_name == "broken")
    assert broken_score.error == "RuntimeError: cannot fit"
    assert result.model_name == SEASONAL_NAIVE


def test_missing_days_count_as_zero() -> None:
    series = pd.Series([5.0, 7.0], index=pd.to_datetime(["2026-01-05", "2026-01-07"]))
    assert list(complete_series(series)) == [5.0, 0.0, 7.0]
