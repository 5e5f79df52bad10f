"""Honest change: a period-over-period delta of a catalog metric with its confidence interval.

Pure functions over the additive sums a mart stores (numerator, denominator, sum of squares); no I/O.

Interval of the delta (current minus previous), by the metric's `ci_method`:
  wilson   Newcombe's hybrid score interval for a difference of two proportions, built from the two Wilson
           score intervals (method 10 of Newcombe, "Interval estimation for the difference between
           independent proportions", Statistics in Medicine 17:873-890, 1998).
  welch_t  Welch's t interval for a difference of two means, with the sample variances recovered from
           n, sum and sum of squares and the Welch-Satterthwaite degrees of freedom.
  poisson  Normal (Wald) approximation on the difference of two Poisson rates: the count (numerator) over
           its exposure (the denominator; 1 for a plain count), variance count / exposure^2 on each side.
           For a plain count this is (x1 - x0) +- z sqrt(x1 + x0). It assumes the two periods have the same
           length and the counts are Poisson; daily contact volumes are overdispersed (weekday cycles,
           spikes), so the interval is a lower bound on the real noise. Thin periods are flagged.
  none     no interval.

The interval of one period's value (`value_interval`, for a scorecard): Wilson for a rate, Student's t for a
mean, the exact (Garwood) interval for a count.

"Cases" are the denominator (contacts answered, surveys returned, ...); for a plain count, the count itself.
A period is thin when it has fewer cases than the metric's `min_cases`, else the [metrics] min_cases setting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from etl.catalog import Metric
from etl.config import MetricSettings

DEFAULT_LEVEL = 0.95
DEFAULT_MIN_CASES = 30
# units on a ratio scale (a true zero), where "12% more" means something; rates move in points, and scores
# (sentiment -1..+1, CES 1-7) have no true zero
RELATIVE_UNITS = {"count", "seconds", "money", "per_contact"}


@dataclass(frozen=True)
class PeriodSums:
    """One period's additive sums of a metric: sum(numerator), sum(denominator), sum(sum_of_squares)."""

    numerator: float
    denominator: float | None = None
    sum_of_squares: float | None = None

    def __post_init__(self) -> None:
        # sums come from the warehouse as int, numpy or Decimal (PostgreSQL numeric): arithmetic wants floats
        for name in ("numerator", "denominator", "sum_of_squares"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, float(value))


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Change:
    """A period-over-period change. `delta` = current - previous in the metric's unit; `relative_delta` is
    delta / previous (0.1 = 10% higher) for units on a ratio scale, else None. `within_noise` is None when
    there is no interval; `improved` is None for neutral metrics or when there is no delta. `note` says why a
    figure or interval is missing."""

    metric: str
    current: float | None
    previous: float | None
    delta: float | None
    relative_delta: float | None
    interval: Interval | None
    method: str
    within_noise: bool | None
    is_current_thin: bool
    is_previous_thin: bool
    improved: bool | None
    note: str = ""


def normal_quantile(level: float) -> float:
    """z such that a standard normal lies within +-z with probability `level`."""
    _check_level(level)
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)


def t_quantile(level: float, df: float) -> float:
    """t such that Student's t with `df` degrees of freedom lies within +-t with probability `level`."""
    _check_level(level)
    if math.isinf(df):
        return normal_quantile(level)
    from scipy.stats import t as student_t

    return float(student_t.ppf(0.5 + level / 2, df))


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"confidence level {level} is not between 0 and 1")


def wilson_interval(successes: float, trials: float, level: float = DEFAULT_LEVEL) -> Interval | None:
    """Wilson's score interval for a proportion (Wilson 1927); None without trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"a proportion needs 0 <= successes <= trials, got {successes} / {trials}")
    z = normal_quantile(level)
    share = successes / trials
    z2n = z * z / trials
    centre = (share + z2n / 2) / (1 + z2n)
    half_width = z / (1 + z2n) * math.sqrt(share * (1 - share) / trials + z2n / (4 * trials))
    # at 0 or all successes the bound is exactly 0 or 1; rounding would leave 1e-17 off
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == trials else min(1.0, centre + half_width)
    return Interval(low, high, level)


def newcombe_interval(current: PeriodSums, previous: PeriodSums, level: float = DEFAULT_LEVEL) -> Interval | None:
    """Newcombe's hybrid score interval (method 10) for current share - previous share."""
    if not current.denominator or not previous.denominator:
        return None
    share_1 = current.numerator / current.denominator
    share_0 = previous.numerator / previous.denominator
    wilson_1 = wilson_interval(current.numerator, current.denominator, level)
    wilson_0 = wilson_interval(previous.numerator, previous.denominator, level)
    assert wilson_1 is not None and wilson_0 is not None
    delta = share_1 - share_0
    below = math.sqrt((share_1 - wilson_1.low) ** 2 + (wilson_0.high - share_0) ** 2)
    above = math.sqrt((wilson_1.high - share_1) ** 2 + (share_0 - wilson_0.low) ** 2)
    return Interval(delta - below, delta + above, level)


def _mean_and_variance(sums: PeriodSums) -> tuple[float, float] | None:
    """Mean and sample variance (n - 1) from n, sum and sum of squares; None below two cases."""
    cases = sums.denominator or 0
    if cases < 2 or sums.sum_of_squares is None:
        return None
    mean = sums.numerator / cases
    # sum of squared deviations = sum x^2 - (sum x)^2 / n; rounding may leave a tiny negative
    variance = max(0.0, (sums.sum_of_squares - sums.numerator * sums.numerator / cases) / (cases - 1))
    return mean, variance


def mean_interval(sums: PeriodSums, level: float = DEFAULT_LEVEL) -> Interval | None:
    """Student's t interval for a mean from n, sum and sum of squares; None below two cases."""
    moments = _mean_and_variance(sums)
    if moments is None:
        return None
    mean, variance = moments
    assert sums.denominator is not None
    half_width = t_quantile(level, sums.denominator - 1) * math.sqrt(variance / sums.denominator)
    return Interval(mean - half_width, mean + half_width, level)


def welch_interval(current: PeriodSums, previous: PeriodSums, level: float = DEFAULT_LEVEL) -> Interval | None:
    """Welch's t interval for current mean - previous mean (Welch-Satterthwaite df); None below two cases."""
    moments_1, moments_0 = _mean_and_variance(current), _mean_and_variance(previous)
    if moments_1 is None or moments_0 is None:
        return None
    assert current.denominator is not None and previous.denominator is not None
    (mean_1, variance_1), (mean_0, variance_0) = moments_1, moments_0
    share_1, share_0 = variance_1 / current.denominator, variance_0 / previous.denominator
    standard_error = math.sqrt(share_1 + share_0)
    delta = mean_1 - mean_0
    if standard_error == 0:
        return Interval(delta, delta, level)
    df = (share_1 + share_0) ** 2 / (share_1 ** 2 / (current.denominator - 1)
                                     + share_0 ** 2 / (previous.denominator - 1))
    half_width = t_quantile(level, df) * standard_error
    return Interval(delta - half_width, delta + half_width, level)


def poisson_count_interval(count: float, exposure: float = 1.0, level: float = DEFAULT_LEVEL) -> Interval | None:
    """The exact (Garwood 1936) interval for a Poisson count, divided by its exposure; None without exposure."""
    if exposure <= 0:
        return None
    if count < 0:
        raise ValueError(f"a count cannot be negative, got {count}")
    from scipy.stats import chi2

    alpha = 1 - level
    low = 0.0 if count == 0 else float(chi2.ppf(alpha / 2, 2 * count)) / 2
    high = float(chi2.ppf(1 - alpha / 2, 2 * count + 2)) / 2
    return Interval(low / exposure, high / exposure, level)


def poisson_difference_interval(current: PeriodSums, previous: PeriodSums,
                                level: float = DEFAULT_LEVEL) -> Interval | None:
    """Wald interval for current rate - previous rate of two Poisson counts over their exposures."""
    exposure_1 = 1.0 if current.denominator is None else current.denominator
    exposure_0 = 1.0 if previous.denominator is None else previous.denominator
    if exposure_1 <= 0 or exposure_0 <= 0:
        return None
    if current.numerator < 0 or previous.numerator < 0:
        raise ValueError("a Poisson count cannot be negative")
    delta = current.numerator / exposure_1 - previous.numerator / exposure_0
    half_width = normal_quantile(level) * math.sqrt(current.numerator / exposure_1 ** 2
                                                    + previous.numerator / exposure_0 ** 2)
    return Interval(delta - half_width, delta + half_width, level)


def sums_from_totals(metric: Metric, totals: Mapping[str, Any]) -> PeriodSums:
    """A period's sums picked from column totals (say, one row of `select sum(<col>) as <col> ... from <mart>`)
    by the columns the metric (in its chosen variant) names. A total that is None (no rows) counts as 0."""

    def total(column: str | None) -> float | None:
        if column is None:
            return None
        value = totals[column]
        return 0.0 if value is None or value != value else float(value)  # value != value: NaN

    numerator = total(metric.numerator)
    assert numerator is not None
    return PeriodSums(numerator, total(metric.denominator), total(metric.sum_of_squares))


def metric_value(metric: Metric, sums: PeriodSums) -> float | None:
    """The metric's value: sum(numerator) / sum(denominator), or the count; None with no cases."""
    if not metric.is_ratio:
        return float(sums.numerator)
    if not sums.denominator:
        return None
    return sums.numerator / sums.denominator


def cases(metric: Metric, sums: PeriodSums) -> float:
    """The cases behind a figure: the denominator, or the count itself for a plain count."""
    return float(sums.denominator or 0) if metric.is_ratio else float(sums.numerator)


def is_thin(metric: Metric, sums: PeriodSums, min_cases: int = DEFAULT_MIN_CASES) -> bool:
    """Fewer cases than the metric's min_cases (else the setting's) behind this figure."""
    threshold = metric.min_cases if metric.min_cases is not None else min_cases
    return cases(metric, sums) < threshold


def value_interval(metric: Metric, sums: PeriodSums, level: float = DEFAULT_LEVEL) -> Interval | None:
    """The interval of one period's value (a scorecard's figure), by the metric's ci_method."""
    if metric.ci_method == "wilson":
        return wilson_interval(sums.numerator, sums.denominator or 0, level)
    if metric.ci_method == "welch_t":
        return mean_interval(sums, level)
    if metric.ci_method == "poisson":
        return poisson_count_interval(sums.numerator, 1.0 if sums.denominator is None else sums.denominator, level)
    return None


def delta_interval(metric: Metric, current: PeriodSums, previous: PeriodSums,
                   level: float = DEFAULT_LEVEL) -> Interval | None:
    """The interval of current - previous, by the metric's ci_method."""
    if metric.ci_method == "wilson":
        return newcombe_interval(current, previous, level)
    if metric.ci_method == "welch_t":
        return welch_interval(current, previous, level)
    if metric.ci_method == "poisson":
        return poisson_difference_interval(current, previous, level)
    return None


def _improved(direction: str, delta: float | None) -> bool | None:
    if delta is None or direction == "neutral":
        return None
    return delta > 0 if direction == "higher_is_better" else delta < 0


def _note(metric: Metric, current: PeriodSums, previous: PeriodSums, delta: float | None,
          interval: Interval | None) -> str:
    if delta is None:
        missing = [name for name, sums in (("current", current), ("previous", previous))
                   if metric_value(metric, sums) is None]
        return f"no cases in the {' and '.join(missing)} period"
    if interval is not None:
        return ""
    if metric.ci_method == "none":
        return "the catalog gives this metric no interval"
    if metric.ci_method == "welch_t":
        if current.sum_of_squares is None or previous.sum_of_squares is None:
            return "no sum of squares was given for this mean"
        return "a mean needs at least two cases in each period for an interval"
    return "no interval"


def compute_change(metric: Metric, current: PeriodSums, previous: PeriodSums, level: float = DEFAULT_LEVEL,
                   min_cases: int = DEFAULT_MIN_CASES) -> Change:
    """The change of `metric` from `previous` to `current`, with the interval of the delta at `level`
    (settings [metrics] confidence_level) and thin flags (settings [metrics] min_cases unless the metric
    sets its own)."""
    value_now, value_before = metric_value(metric, current), metric_value(metric, previous)
    delta = None if value_now is None or value_before is None else value_now - value_before
    relative = (delta / value_before
                if delta is not None and value_before and metric.unit in RELATIVE_UNITS else None)
    interval = delta_interval(metric, current, previous, level) if delta is not None else None
    return Change(
        metric=metric.name,
        current=value_now,
        previous=value_before,
        delta=delta,
        relative_delta=relative,
        interval=interval,
        method=metric.ci_method,
        within_noise=None if interval is None else interval.contains(0.0),
        is_current_thin=is_thin(metric, current, min_cases),
        is_previous_thin=is_thin(metric, previous, min_cases),
        improved=_improved(metric.direction, delta),
        note=_note(metric, current, previous, delta, interval),
    )


def change_with_settings(metric: Metric, current: PeriodSums, previous: PeriodSums,
                         settings: MetricSettings) -> Change:
    """`compute_change` at the configured [metrics] confidence_level and min_cases."""
    return compute_change(metric, current, previous, level=settings.confidence_level, min_cases=settings.min_cases)
