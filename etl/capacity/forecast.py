"""Daily volume forecast with prediction intervals, the model chosen by its error on a holdout (pure).

Following Hyndman & Athanasopoulos, Forecasting: Principles and Practice (3rd ed., FPP3), sections 5.8 and
5.10: every candidate is fitted on the series less its last `holdout_days`, forecasts those days, and is
scored by MASE, the mean absolute error scaled by the in-sample mean absolute error of the seasonal naive
method (lag 7). MASE is used to choose because it stays defined on days with no contacts (MAPE divides by
them) and compares channels of any size; MAPE over the holdout days with contacts is reported beside it.
The candidate with the lowest MASE is refitted on the whole series and forecasts `horizon_days` ahead with
80% and 95% prediction intervals. Candidates:

  seasonal_naive   each day repeats the same weekday of the last week; intervals from the residual
                   standard deviation, widening with every week ahead (FPP3 5.5)
  ets              ETS(A,N,A): additive errors, no trend, additive weekly seasonality (statsmodels ETSModel;
                   its intervals for the additive class)
  ets_damped       ETS(A,Ad,A): the same with a damped additive trend
  sarima           SARIMA(1,0,1)(1,1,1)[7] (statsmodels SARIMAX; Gaussian intervals from the state space)

A series shorter than two weeks plus a one-week holdout cannot show its weekly pattern: it gets the seasonal
naive forecast (or, under one week, the mean of the days seen), with the reason stated. A candidate that
fails to fit is recorded with its error and skipped; nothing here raises for a bad series. Forecasts and
lower bounds are floored at 0 (volumes cannot be negative).
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

SEASON_DAYS = 7
LEVELS = (0.80, 0.95)
_Z = {0.80: 1.2815515655446004, 0.95: 1.959963984540054}
SEASONAL_NAIVE = "seasonal_naive"
MEAN = "mean"
Intervals = dict[float, tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class CandidateScore:
    model_name: str
    holdout_mase: float | None
    holdout_mape: float | None
    error: str | None = None

    @property
    def is_fitted(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ForecastResult:
    model_name: str
    selection_reason: str
    holdout_days: int
    holdout_mase: float | None
    holdout_mape: float | None
    candidates: tuple[CandidateScore, ...]
    # date_day, forecast, lower_80, upper_80, lower_95, upper_95
    forecast: pd.DataFrame


# candidates ----------------------------------------------------------------------------------------------


def _gaussian_intervals(mean: np.ndarray, sd: np.ndarray) -> Intervals:
    return {level: (mean - _Z[level] * sd, mean + _Z[level] * sd) for level in LEVELS}


def seasonal_naive(y: np.ndarray, horizon: int) -> tuple[np.ndarray, Intervals]:
    """Each day repeats the same weekday of the last week; sd_h = sigma sqrt(k + 1), k = whole weeks ahead."""
    if len(y) < SEASON_DAYS:
        raise ValueError("seasonal naive needs one full week")
    last_week = y[-SEASON_DAYS:]
    mean = np.array([last_week[h % SEASON_DAYS] for h in range(horizon)], dtype=float)
    residuals = y[SEASON_DAYS:] - y[:-SEASON_DAYS]
    sigma = float(np.sqrt(np.mean(residuals ** 2))) if len(residuals) else float(np.std(y))
    weeks_ahead = np.arange(horizon) // SEASON_DAYS
    return mean, _gaussian_intervals(mean, sigma * np.sqrt(weeks_ahead + 1))


def mean_forecast(y: np.ndarray, horizon: int) -> tuple[np.ndarray, Intervals]:
    """The mean of the days seen, sd_h = s sqrt(1 + 1/n) (FPP3 5.5): only for series under one week."""
    if len(y) == 0:
        mean = np.zeros(horizon)
        return mean, _gaussian_intervals(mean, np.zeros(horizon))
    sd = float(np.std(y, ddof=1)) if len(y) > 1 else 0.0
    mean = np.full(horizon, float(np.mean(y)))
    return mean, _gaussian_intervals(mean, np.full(horizon, sd * math.sqrt(1 + 1 / len(y))))


def _ets(y: np.ndarray, horizon: int, damped: bool) -> tuple[np.ndarray, Intervals]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    series = pd.Series(y.astype(float))
    model = ETSModel(series, error="add", trend="add" if damped else None, damped_trend=damped,
                     seasonal="add", seasonal_periods=SEASON_DAYS)
    fitted = model.fit(disp=False)
    prediction = fitted.get_prediction(start=len(y), end=len(y) + horizon - 1)
    mean = np.asarray(prediction.predicted_mean, dtype=float)
    intervals: Intervals = {}
    for level in LEVELS:
        frame = prediction.summary_frame(alpha=1 - level)
        intervals[level] = (frame["pi_lower"].to_numpy(dtype=float), frame["pi_upper"].to_numpy(dtype=float))
    return mean, intervals


def ets(y: np.ndarray, horizon: int) -> tuple[np.ndarray, Intervals]:
    return _ets(y, horizon, damped=False)


def ets_damped(y: np.ndarray, horizon: int) -> tuple[np.ndarray, Intervals]:
    return _ets(y, horizon, damped=True)


def sarima(y: np.ndarray, horizon: int) -> tuple[np.ndarray, Intervals]:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    fitted = SARIMAX(y.astype(float), order=(1, 0, 1), seasonal_order=(1, 1, 1, SEASON_DAYS)).fit(disp=False)
    prediction = fitted.get_forecast(horizon)
    mean = np.asarray(prediction.predicted_mean, dtype=float)
    intervals: Intervals = {}
    for level in LEVELS:
        bounds = np.asarray(prediction.conf_int(alpha=1 - level), dtype=float)
        intervals[level] = (bounds[:, 0], bounds[:, 1])
    return mean, intervals


Candidate = Callable[[np.ndarray, int], tuple[np.ndarray, Intervals]]
# in order of simplicity: a tie goes to the simpler model
CANDIDATES: dict[str, Candidate] = {
    SEASONAL_NAIVE: seasonal_naive,
    "ets": ets,
    "ets_damped": ets_damped,
    "sarima": sarima,
}


# errors --------------------------------------------------------------------------------------------------


def mase(actual: np.ndarray, predicted: np.ndarray, training: np.ndarray, season: int = SEASON_DAYS) -> float | None:
    """Mean absolute error over the in-sample mean absolute error of the seasonal naive method (FPP3 5.8)."""
    if len(training) <= season:
        return None
    scale = float(np.mean(np.abs(training[season:] - training[:-season])))
    if scale == 0:
        return None
    return float(np.mean(np.abs(actual - predicted))) / scale


def mape(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    """Mean absolute percentage error (as a share, 0.1 = 10%) over the days with contacts."""
    mask = actual != 0
    if not mask.any():
        return None
    return float(np.mean(np.abs((actual[mask] - predicted[mask]) / actual[mask])))


# selection -----------------------------------------------------------------------------------------------


def _call(candidate: Candidate, y: np.ndarray, horizon: int) -> tuple[np.ndarray, Intervals]:
    # statsmodels installs an "always" filter for its ConvergenceWarning when first imported: import it before
    # ours, or the first fit of a process prints the warnings we mean to silence
    import statsmodels.tools.sm_exceptions  # noqa: F401

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean, intervals = candidate(y, horizon)
    if len(mean) != horizon or not np.all(np.isfinite(mean)):
        raise ValueError("the forecast is not finite")
    for lower, upper in intervals.values():
        if not (np.all(np.isfinite(lower)) and np.all(np.isfinite(upper))):
            raise ValueError("the prediction interval is not finite")
    return mean, intervals


def _score(name: str, candidate: Candidate, y: np.ndarray, holdout: int) -> CandidateScore:
    training, actual = y[:-holdout], y[-holdout:]
    try:
        predicted, _ = _call(candidate, training, holdout)
    except Exception as error:  # a model that cannot fit this series is skipped, with its reason
        return CandidateScore(name, None, None, f"{type(error).__name__}: {error}"[:300])
    return CandidateScore(name, mase(actual, predicted, training), mape(actual, predicted))


def _frame(last_day: dt.date, mean: np.ndarray, intervals: Intervals) -> pd.DataFrame:
    days = [last_day + dt.timedelta(days=h + 1) for h in range(len(mean))]
    frame = pd.DataFrame({"date_day": days, "forecast": np.maximum(mean, 0.0)})
    for level in LEVELS:
        lower, upper = intervals[level]
        suffix = round(level * 100)
        frame[f"lower_{suffix}"] = np.maximum(lower, 0.0)
        frame[f"upper_{suffix}"] = np.maximum(upper, 0.0)
    return frame


def complete_series(daily: pd.Series) -> pd.Series:
    """Daily values indexed by date, with missing days as 0, in date order."""
    if daily.empty:
        return daily.astype(float)
    index = pd.to_datetime(pd.Index(daily.index))
    values = pd.Series(daily.to_numpy(dtype=float), index=index).groupby(level=0).sum()
    full = pd.date_range(values.index.min(), values.index.max(), freq="D")
    return values.reindex(full, fill_value=0.0)


def forecast_daily(daily: pd.Series, horizon_days: int = 28, holdout_days: int = 28,
                   candidates: dict[str, Candidate] | None = None) -> ForecastResult:
    """Choose a model for a daily series (index: dates) by holdout MASE and forecast `horizon_days` ahead."""
    if horizon_days < 1 or holdout_days < 1:
        raise ValueError("horizon_days and holdout_days must be positive")
    candidates = candidates or CANDIDATES
    series = complete_series(daily)
    y = series.to_numpy(dtype=float)
    last_day = series.index.max().date() if len(series) else dt.date.today()
    n = len(y)
    holdout = min(holdout_days, n - 2 * SEASON_DAYS)

    if n < SEASON_DAYS:
        mean, intervals = mean_forecast(y, horizon_days)
        return ForecastResult(MEAN, f"only {n} days of history, under one week: the mean of the days seen", 0,
                              None, None, (), _frame(last_day, mean, intervals))
    if holdout < SEASON_DAYS:
        mean, intervals = seasonal_naive(y, horizon_days)
        reason = (f"only {n} days of history, under two weeks plus a one-week holdout: the weekly pattern "
                  "cannot be estimated, so each day repeats the same weekday of the last week")
        return ForecastResult(SEASONAL_NAIVE, reason, 0, None, None, (), _frame(last_day, mean, intervals))

    scores = tuple(_score(name, candidate, y, holdout) for name, candidate in candidates.items())
    ranked = sorted((s for s in scores if s.is_fitted and s.holdout_mase is not None),
                    key=lambda s: s.holdout_mase)  # type: ignore[arg-type,return-value]
    for best in ranked:
        try:
            mean, intervals = _call(candidates[best.model_name], y, horizon_days)
        except Exception:  # a refit that fails falls to the next best candidate
            continue
        reason = f"lowest MASE over a {holdout}-day holdout"
        return ForecastResult(best.model_name, reason, holdout, best.holdout_mase, best.holdout_mape, scores,
                              _frame(last_day, mean, intervals))
    mean, intervals = seasonal_naive(y, horizon_days)
    fallback = next((s for s in scores if s.model_name == SEASONAL_NAIVE), None)
    return ForecastResult(SEASONAL_NAIVE, "no candidate could be scored (constant series or failed fits)", holdout,
                          fallback.holdout_mase if fallback else None, fallback.holdout_mape if fallback else None,
                          scores, _frame(last_day, mean, intervals))
