"""etl.change against independent sources: Newcombe (1998) Table II, statsmodels, and arithmetic by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.rates import confint_poisson, confint_poisson_2indep
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from etl.catalog import Metric
from etl.change import (
    Interval,
    PeriodSums,
    change_with_settings,
    compute_change,
    mean_interval,
    newcombe_interval,
    normal_quantile,
    poisson_difference_interval,
    sums_from_totals,
    value_interval,
    welch_interval,
    wilson_interval,
)


def _metric(ci_method: str, unit: str = "rate", direction: str = "higher_is_better", denominator: str | None = "d",
            min_cases: int | None = None) -> Metric:
    return Metric(name="m", label="M", description="", mart="marts.x", numerator="n", denominator=denominator,
                  grain="day", unit=unit, direction=direction, target=None, source="", version=1,
                  ci_method=ci_method, sum_of_squares="s" if ci_method == "welch_t" else None, min_cases=min_cases)


def _sums(values: list[float]) -> PeriodSums:
    array = np.asarray(values, dtype=float)
    return PeriodSums(float(array.sum()), float(len(array)), float((array ** 2).sum()))


# --- Wilson ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("successes", "trials"), [(0, 10), (1, 10), (56, 70), (48, 80), (10, 10), (3, 1000)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(successes: int, trials: int, level: float) -> None:
    low, high = proportion_confint(successes, trials, alpha=1 - level, method="wilson")
    interval = wilson_interval(successes, trials, level)
    assert interval is not None
    assert interval.low == pytest.approx(low, abs=1e-12)
    assert interval.high == pytest.approx(high, abs=1e-12)


def test_wilson_by_hand() -> None:
    # 0 of 10 at 95%: z = 1.959964, z^2/n = 0.384146; centre = (0 + 0.192073) / 1.384146 = 0.138766;
    # half width = z / 1.384146 * sqrt(0 + 0.384146 / 40) = 1.415987 * 0.097999 = 0.138766 -> [0, 0.277533]
    interval = wilson_interval(0, 10)
    assert interval is not None
    assert interval.low == 0
    assert interval.high == pytest.approx(0.277533, abs=1e-6)


def test_wilson_rejects_impossible_share_and_has_nothing_without_trials() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


# --- Newcombe's hybrid score interval ----------------------------------------------------------------------

# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (score interval for the difference,
# from Wilson intervals): published 95% limits to four decimals
NEWCOMBE_TABLE_II = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (0, 10, 0, 10, -0.2775, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
    (10, 10, 0, 10, 0.6075, 1.0000),
]


@pytest.mark.parametrize(("x1", "n1", "x0", "n0", "low", "high"), NEWCOMBE_TABLE_II)
def test_newcombe_matches_the_published_table(x1: int, n1: int, x0: int, n0: int, low: float, high: float) -> None:
    interval = newcombe_interval(PeriodSums(x1, n1), PeriodSums(x0, n0))
    assert interval is not None
    assert round(interval.low, 4) == low
    assert round(interval.high, 4) == high


@pytest.mark.parametrize(("x1", "n1", "x0", "n0"), [(56, 70, 48, 80), (120, 400, 95, 410), (3, 31, 9, 29)])
def test_newcombe_matches_statsmodels(x1: int, n1: int, x0: int, n0: int) -> None:
    low, high = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff", alpha=0.1)
    interval = newcombe_interval(PeriodSums(x1, n1), PeriodSums(x0, n0), level=0.9)
    assert interval is not None
    assert interval.low == pytest.approx(low, abs=1e-10)
    assert interval.high == pytest.approx(high, abs=1e-10)


def test_rate_change_from_newcombes_example() -> None:
    # 56/70 = 0.8 this period, 48/80 = 0.6 before: +0.2000 (20 points), 95% CI 0.0524 to 0.3339 -> not noise
    change = compute_change(_metric("wilson"), PeriodSums(56, 70), PeriodSums(48, 80))
    assert change.current == pytest.approx(0.8)
    assert change.previous == pytest.approx(0.6)
    assert change.delta == pytest.approx(0.2)
    assert change.relative_delta is None  # a rate moves in points
    assert change.interval is not None
    assert (round(change.interval.low, 4), round(change.interval.high, 4)) == (0.0524, 0.3339)
    assert change.within_noise is False
    assert change.improved is True
    assert not change.is_current_thin and not change.is_previous_thin  # 70 and 80 cases >= 30


# --- Welch t -----------------------------------------------------------------------------------------------

WELCH_SAMPLES = [
    ([3.0, 5.0, 7.0, 9.0], [2.0, 2.0, 4.0]),
    ([120.0, 340.0, 95.0, 610.0, 44.0, 230.0], [400.0, 380.0, 900.0, 150.0, 75.0, 610.0, 290.0, 33.0]),
    ([-0.5, 0.2, 0.43, 0.0, 0.9], [0.1, -0.2, -0.6, 0.3]),
]


@pytest.mark.parametrize(("current", "previous"), WELCH_SAMPLES)
@pytest.mark.parametrize("level", [0.9, 0.95])
def test_welch_from_sums_matches_statsmodels_on_raw_samples(current: list[float], previous: list[float],
                                                            level: float) -> None:
    compare = CompareMeans(DescrStatsW(np.asarray(current)), DescrStatsW(np.asarray(previous)))
    low, high = compare.tconfint_diff(alpha=1 - level, usevar="unequal")
    interval = welch_interval(_sums(current), _sums(previous), level)
    assert interval is not None
    assert interval.low == pytest.approx(low, rel=1e-9)
    assert interval.high == pytest.approx(high, rel=1e-9)


def test_welch_by_hand() -> None:
    # current 3, 5, 7, 9: mean 6, variance (9 + 1 + 1 + 9) / 3 = 20/3; previous 2, 2, 4: mean 8/3,
    # variance ((2/3)^2 * 2 + (4/3)^2) / 2 = 4/3. se^2 = (20/3)/4 + (4/3)/3 = 5/3 + 4/9 = 19/9;
    # df = (19/9)^2 / ((5/3)^2 / 3 + (4/9)^2 / 2) = 4.45679 / 1.02469 = 4.3494; t(0.975, 4.3494) ~ 2.7136
    # (between t(4) = 2.7764 and t(5) = 2.5706); half width ~ 2.7136 * 1.45297 = 3.943; delta = 10/3 = 3.3333
    interval = welch_interval(_sums([3, 5, 7, 9]), _sums([2, 2, 4]))
    assert interval is not None
    assert (interval.low + interval.high) / 2 == pytest.approx(10 / 3)
    half_width = (interval.high - interval.low) / 2
    assert 2.5706 * math.sqrt(19 / 9) < half_width < 2.7764 * math.sqrt(19 / 9)


@pytest.mark.parametrize("values", [[3.0, 5.0, 7.0, 9.0], [120.0, 340.0, 95.0], [1.0, 1.0]])
def test_mean_interval_matches_statsmodels(values: list[float]) -> None:
    low, high = DescrStatsW(np.asarray(values)).tconfint_mean(alpha=0.05)
    interval = mean_interval(_sums(values))
    assert interval is not None
    assert interval.low == pytest.approx(low, rel=1e-9)
    assert interval.high == pytest.approx(high, rel=1e-9)


def test_a_mean_of_one_case_has_no_interval() -> None:
    metric = _metric("welch_t", unit="seconds", direction="lower_is_better")
    change = compute_change(metric, _sums([100.0]), _sums([50.0, 70.0]))
    # 100 / 1 - 120 / 2 = 40 seconds slower: a value, but no interval
    assert change.delta == pytest.approx(40.0)
    assert change.interval is None
    assert change.within_noise is None
    assert change.improved is False
    assert "two cases" in change.note
    assert mean_interval(_sums([100.0])) is None


# --- Poisson -----------------------------------------------------------------------------------------------

def test_poisson_difference_by_hand_and_statsmodels() -> None:
    # 10 contacts now, 4 before: delta 6; Wald half width z sqrt(10 + 4) = 1.959964 * 3.741657 = 7.333514
    interval = poisson_difference_interval(PeriodSums(10), PeriodSums(4))
    assert interval is not None
    assert interval.low == pytest.approx(6 - 7.333514, abs=1e-6)
    assert interval.high == pytest.approx(6 + 7.333514, abs=1e-6)
    low, high = confint_poisson_2indep(10, 1, 4, 1, method="wald", compare="diff")
    assert (interval.low, interval.high) == (pytest.approx(low), pytest.approx(high))


def test_poisson_rate_per_exposure_matches_statsmodels() -> None:
    # transfers per contact: 30 transfers over 200 contacts now, 12 over 150 before
    low, high = confint_poisson_2indep(30, 200, 12, 150, method="wald", compare="diff")
    interval = poisson_difference_interval(PeriodSums(30, 200), PeriodSums(12, 150))
    assert interval is not None
    assert (interval.low, interval.high) == (pytest.approx(low), pytest.approx(high))


def test_count_change() -> None:
    # 1,100 contacts against 1,000: +100, +10%; half width 1.959964 * sqrt(2,100) = 89.82 -> [10.18, 189.82]
    metric = _metric("poisson", unit="count", direction="neutral", denominator=None)
    change = compute_change(metric, PeriodSums(1100), PeriodSums(1000))
    assert change.delta == 100
    assert change.relative_delta == pytest.approx(0.10)
    assert change.interval is not None
    assert change.interval.low == pytest.approx(100 - 1.959964 * math.sqrt(2100), abs=1e-4)
    assert change.within_noise is False
    assert change.improved is None  # neutral


@pytest.mark.parametrize("count", [0, 1, 4, 25])
def test_exact_count_interval_matches_statsmodels(count: int) -> None:
    low, high = confint_poisson(count, 1, method="exact-c")
    interval = value_interval(_metric("poisson", unit="count", denominator=None), PeriodSums(count))
    assert interval is not None
    assert interval.low == pytest.approx(low, abs=1e-9)
    assert interval.high == pytest.approx(high, abs=1e-9)


# --- edge cases and flags ----------------------------------------------------------------------------------

def test_zero_denominator_gives_no_value() -> None:
    change = compute_change(_metric("wilson"), PeriodSums(0, 0), PeriodSums(5, 10))
    assert change.current is None
    assert change.previous == pytest.approx(0.5)
    assert change.delta is None and change.interval is None and change.within_noise is None
    assert change.improved is None
    assert change.is_current_thin is True
    assert change.note == "no cases in the current period"


@pytest.mark.parametrize(("method", "sums"), [
    ("wilson", PeriodSums(40, 50)),
    ("welch_t", _sums([3.0, 5.0, 7.0, 9.0])),
    ("poisson", PeriodSums(25)),
])
def test_identical_periods_are_within_noise(method: str, sums: PeriodSums) -> None:
    metric = _metric(method, denominator=None if method == "poisson" else "d")
    change = compute_change(metric, sums, sums)
    assert change.delta == 0
    assert change.within_noise is True
    assert change.improved is False


def test_no_interval_for_ci_method_none() -> None:
    change = compute_change(_metric("none"), PeriodSums(3, 4), PeriodSums(1, 4))
    assert change.delta == pytest.approx(0.5)
    assert change.interval is None and change.within_noise is None
    assert change.note == "the catalog gives this metric no interval"
    assert value_interval(_metric("none"), PeriodSums(3, 4)) is None


def test_thin_uses_the_metric_threshold_else_the_setting() -> None:
    # 20 cases now, 40 before; setting 30: current thin only. The metric's own min_cases 50: both thin.
    current, previous = PeriodSums(10, 20), PeriodSums(20, 40)
    change = compute_change(_metric("wilson"), current, previous, min_cases=30)
    assert (change.is_current_thin, change.is_previous_thin) == (True, False)
    change = compute_change(_metric("wilson", min_cases=50), current, previous, min_cases=30)
    assert (change.is_current_thin, change.is_previous_thin) == (True, True)


def test_direction_decides_improved() -> None:
    # abandonment 10/100 -> 5/100: down 5 points, better when lower
    lower = compute_change(_metric("wilson", direction="lower_is_better"), PeriodSums(5, 100), PeriodSums(10, 100))
    assert lower.delta == pytest.approx(-0.05)
    assert lower.improved is True
    higher = compute_change(_metric("wilson"), PeriodSums(5, 100), PeriodSums(10, 100))
    assert higher.improved is False


def test_relative_delta_only_on_ratio_scales() -> None:
    # first reply 3,600 s -> 4,500 s: +900 s, +25%; a score (-1..+1) has no relative change
    seconds = _metric("welch_t", unit="seconds", direction="lower_is_better")
    change = compute_change(seconds, PeriodSums(9000, 2, 9000 ** 2 / 2), PeriodSums(7200, 2, 7200 ** 2 / 2))
    assert change.relative_delta == pytest.approx(0.25)
    score = _metric("welch_t", unit="score")
    change = compute_change(score, PeriodSums(0.4, 2, 0.1), PeriodSums(0.2, 2, 0.1))
    assert change.delta == pytest.approx(0.1)
    assert change.relative_delta is None


def test_level_changes_the_width() -> None:
    wide = newcombe_interval(PeriodSums(56, 70), PeriodSums(48, 80), level=0.99)
    narrow = newcombe_interval(PeriodSums(56, 70), PeriodSums(48, 80), level=0.8)
    assert wide is not None and narrow is not None
    assert wide.low < 0.0524 < narrow.low and narrow.high < 0.3339 < wide.high
    with pytest.raises(ValueError):
        normal_quantile(1.0)


def test_interval_contains() -> None:
    assert Interval(-0.1, 0.2, 0.95).contains(0.0)
    assert not Interval(0.05, 0.2, 0.95).contains(0.0)


def test_sums_from_the_warehouse_become_floats() -> None:
    # PostgreSQL returns sum() of integers as numeric (Decimal); 3/4 vs 1/4 is +0.5 either way
    from decimal import Decimal

    sums = PeriodSums(Decimal(3), np.int64(4), None)
    assert isinstance(sums.numerator, float) and isinstance(sums.denominator, float)
    change = compute_change(_metric("wilson"), sums, PeriodSums(Decimal(1), Decimal(4)))
    assert change.delta == pytest.approx(0.5)


def test_a_mean_without_sum_of_squares_says_so() -> None:
    metric = _metric("welch_t", unit="seconds")
    change = compute_change(metric, PeriodSums(300, 3), PeriodSums(200, 2))
    assert change.delta == pytest.approx(0.0)  # 300 / 3 = 100 = 200 / 2
    assert change.interval is None
    assert change.note == "no sum of squares was given for this mean"


def test_change_with_settings_uses_the_configured_level_and_min_cases() -> None:
    from etl.config import MetricSettings

    settings = MetricSettings(confidence_level=0.9, min_cases=100)
    change = change_with_settings(_metric("wilson"), PeriodSums(56, 70), PeriodSums(48, 80), settings)
    # the 90% interval agrees with statsmodels' Newcombe at alpha 0.1; 70 and 80 cases are under 100
    low, high = confint_proportions_2indep(56, 70, 48, 80, method="newcomb", compare="diff", alpha=0.1)
    assert change.interval is not None
    assert (change.interval.low, change.interval.high) == (pytest.approx(low), pytest.approx(high))
    assert change.interval.level == 0.9
    assert change.is_current_thin and change.is_previous_thin


def test_sums_from_totals_follow_the_metric_columns() -> None:
    # a mean metric reads n from the denominator column and the squares from its sum_of_squares column;
    # a None total (no rows in the period) counts as 0, so the value is missing rather than an error
    metric = _metric("welch_t", unit="seconds")
    totals = {"n": 300, "d": 3, "s": 30_200, "other": 9}
    assert sums_from_totals(metric, totals) == PeriodSums(300, 3, 30_200)
    empty = sums_from_totals(metric, {"n": None, "d": None, "s": float("nan")})
    assert empty == PeriodSums(0, 0, 0)
    assert compute_change(metric, empty, PeriodSums(300, 3, 30_200)).note == "no cases in the current period"
    count = _metric("poisson", unit="count", denominator=None)
    assert sums_from_totals(count, {"n": 12}) == PeriodSums(12)
