"""The step's pure parts: spreading a day's forecast over its intervals, and the Erlang C requirement per
interval, on the published worked example (100 calls in 30 minutes, AHT 180 s, 80/20 -> 14 agents; see
tests/etl/test_erlang.py)."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pandas as pd
import pytest

from etl.enrich.volume_forecast import StaffingRules, input_digest, requirement_rows, spread_over_intervals
from tests.etl.test_erlang import naive_erlang_c

RULES = StaffingRules(interval_minutes=30, service_level_seconds=20, target_service_level=0.8, max_occupancy=1.0)
MONDAY = dt.date(2026, 11, 2)


def _naive_level(agents: int, traffic: Fraction, aht: float = 180, threshold: float = 20) -> float:
    if agents <= traffic:
        return 0.0
    return 1 - naive_erlang_c(agents, traffic) * math.exp(-(agents - float(traffic)) * threshold / aht)


def test_the_day_is_spread_by_its_weekday_profile() -> None:
    # Monday: 120 forecast, 0.75 in 09:00 (interval 18) and 0.25 in 09:30 (19) -> 90 and 30; upper 160 -> 120, 40.
    # Tuesday has no profile: taken as closed, no intervals.
    forecast = pd.DataFrame({"channel": ["voice", "voice"], "date_day": [MONDAY, MONDAY + dt.timedelta(days=1)],
                             "forecast_contacts": [120.0, 50.0], "upper_80": [160.0, 70.0]})
    profile = pd.DataFrame({"channel": ["voice", "voice"], "iso_day_of_week": [1, 1], "interval_of_day": [18, 19],
                            "share_of_day": [0.75, 0.25]})
    spread = spread_over_intervals(forecast, profile, 30)
    assert spread["interval_start_local"].tolist() == [pd.Timestamp("2026-11-02 09:00"),
                                                      pd.Timestamp("2026-11-02 09:30")]
    assert spread["contacts"].tolist() == pytest.approx([90.0, 30.0])
    assert spread["contacts_upper_80"].tolist() == pytest.approx([120.0, 40.0])


def test_the_requirement_of_the_worked_example_and_of_its_upper_bound() -> None:
    intervals = pd.DataFrame({"channel": ["voice"], "date_day": [MONDAY], "interval_of_day": [18],
                              "interval_start_local": [pd.Timestamp("2026-11-02 09:00")], "contacts": [100.0],
                              "contacts_upper_80": [130.0]})
    handle = pd.DataFrame({"channel": ["voice"], "aht_seconds": [180.0], "patience_seconds": [None]})
    row = requirement_rows(intervals, handle, RULES, is_forecast=True).iloc[0]
    # 100 x 180 / 1800 = 10 Erlangs -> 14 agents, SL 0.8884 (published)
    assert row["traffic_erlangs"] == pytest.approx(10.0)
    assert row["agents_required"] == 14
    assert row["expected_service_level"] == pytest.approx(0.8884, abs=5e-5)
    # 130 x 180 / 1800 = 13 Erlangs: the fewest N whose factorial-formula service level reaches 0.8
    upper = int(row["agents_required_upper_80"])
    assert _naive_level(upper, Fraction(13)) >= 0.8 > _naive_level(upper - 1, Fraction(13))
    assert pd.isna(row["expected_abandon_rate_erlang_a"])  # no patience estimate, no Erlang A


def test_past_intervals_use_the_arrivals_for_both_columns() -> None:
    intervals = pd.DataFrame({"channel": ["voice", "email"], "date_day": [MONDAY] * 2, "interval_of_day": [18, 18],
                              "interval_start_local": [pd.Timestamp("2026-11-02 09:00")] * 2,
                              "contacts": [100.0, 5.0]})
    handle = pd.DataFrame({"channel": ["voice"], "aht_seconds": [180.0], "patience_seconds": [600.0]})
    rows = requirement_rows(intervals, handle, RULES, is_forecast=False)
    assert rows["channel"].tolist() == ["voice"]  # e-mail has no handle time: no requirement
    assert rows["agents_required"].tolist() == [14]
    assert rows["agents_required_upper_80"].tolist() == [14]


def test_the_input_digest_ignores_row_order() -> None:
    frame = pd.DataFrame({"channel": ["voice", "chat"], "count": [1.0, 2.0]})
    assert input_digest([frame], "x") == input_digest([frame.iloc[::-1]], "x")
    assert input_digest([frame], "x") != input_digest([frame], "y")
