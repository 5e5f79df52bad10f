"""Erlang C and Erlang A against an independent textbook implementation and a published worked example.

The independent implementation below is the factorial form of Erlang C as printed in textbooks:

    P(W>0) = (A^N / N!) (N / (N - A)) / (sum_{k<N} A^k / k! + (A^N / N!) (N / (N - A)))

computed with exact fractions where A is rational, so it shares no code (and no recursion) with the module.

Published worked example (callcentrehelper.com, "Erlang C formula - made simple"; also in Koole, Call
Center Optimization, ch. 5): 100 calls in 30 minutes, AHT 180 s, target 80% answered in 20 s.
  A = 100 x 180 / 1800 = 10 Erlangs.
  N = 14: P(W>0) = 0.1741, SL = 1 - 0.1741 x exp(-(14 - 10) x 20 / 180) = 1 - 0.1741 x 0.6412 = 0.8884,
  ASA = 0.1741 x 180 / 4 = 7.8 s, occupancy = 10 / 14 = 0.714.
  N = 13: P(W>0) = 0.2853, SL = 1 - 0.2853 x exp(-3 x 20 / 180) = 1 - 0.2853 x 0.7165 = 0.7956 < 0.80,
  so 14 agents are the fewest reaching 80/20.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from etl.capacity.erlang import (
    agents_required,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    patience_seconds_estimate,
    service_level,
    traffic_erlangs,
)


def naive_erlang_c(agents: int, traffic: Fraction) -> float:
    top = traffic ** agents / math.factorial(agents) * Fraction(agents) / (agents - traffic)
    bottom = sum(traffic ** k / math.factorial(k) for k in range(agents)) + top
    return float(top / bottom)


def naive_erlang_b(agents: int, traffic: Fraction) -> float:
    top = traffic ** agents / math.factorial(agents)
    return float(top / sum(traffic ** k / math.factorial(k) for k in range(agents + 1)))


def test_traffic_intensity_of_the_worked_example() -> None:
    # 100 calls x 180 s / 1800 s = 10 Erlangs
    assert traffic_erlangs(100, 180, 1800) == pytest.approx(10.0)


@pytest.mark.parametrize(("agents", "wait_probability", "level"), [(13, 0.2853, 0.7956), (14, 0.1741, 0.8884)])
def test_the_published_worked_example(agents: int, wait_probability: float, level: float) -> None:
    assert erlang_c(agents, 10.0) == pytest.approx(wait_probability, abs=5e-5)
    assert service_level(agents, 10.0, 180, 20) == pytest.approx(level, abs=5e-5)


def test_asa_occupancy_and_agents_of_the_worked_example() -> None:
    # ASA = 0.17413 x 180 / 4 = 7.836 s; occupancy 10 / 14
    assert average_speed_of_answer(14, 10.0, 180) == pytest.approx(0.1741319 * 180 / 4, rel=1e-5)
    assert occupancy(14, 10.0) == pytest.approx(10 / 14)
    need = agents_required(10.0, 180, 20, 0.80)
    assert need.agents == 14
    assert need.service_level == pytest.approx(0.8884, abs=5e-5)


@pytest.mark.parametrize(("agents", "traffic"), [(1, Fraction(1, 2)), (5, Fraction(7, 2)), (14, Fraction(10)),
                                                 (30, Fraction(51, 2)), (120, Fraction(110))])
def test_erlang_b_and_c_agree_with_the_factorial_formula(agents: int, traffic: Fraction) -> None:
    assert erlang_b(agents, float(traffic)) == pytest.approx(naive_erlang_b(agents, traffic), rel=1e-12)
    assert erlang_c(agents, float(traffic)) == pytest.approx(naive_erlang_c(agents, traffic), rel=1e-12)


def test_hundreds_of_agents_do_not_overflow() -> None:
    # 600! overflows a float; the recursion does not. Agreement with exact fractions at N = 600, A = 580.
    assert erlang_c(600, 580.0) == pytest.approx(naive_erlang_c(600, Fraction(580)), rel=1e-10)
    need = agents_required(2_000.0, 300, 20, 0.9)
    assert 2_000 < need.agents < 2_100
    assert need.service_level >= 0.9
    assert service_level(need.agents - 1, 2_000.0, 300, 20) < 0.9


def test_the_required_staffing_is_the_fewest_reaching_the_target() -> None:
    for traffic in (0.3, 2.5, 17.0, 42.0):
        need = agents_required(traffic, 240, 30, 0.85)
        assert service_level(need.agents, traffic, 240, 30) >= 0.85
        below = need.agents - 1
        assert below <= traffic or service_level(below, traffic, 240, 30) < 0.85


def test_an_occupancy_cap_adds_agents() -> None:
    # A = 10: 14 agents meet 80/20 at occupancy 10/14 = 0.714; a 0.70 cap needs ceil(10 / 0.70) = 15
    assert agents_required(10.0, 180, 20, 0.80, max_occupancy=0.70).agents == 15


def test_no_traffic_needs_no_agents_and_overload_waits() -> None:
    assert agents_required(0.0, 180, 20, 0.8).agents == 0
    assert erlang_c(5, 5.0) == 1.0
    assert service_level(5, 6.0, 180, 20) == 0.0
    assert math.isinf(average_speed_of_answer(5, 6.0, 180))
    with pytest.raises(ValueError):
        agents_required(1.0, 180, 20, 1.0)


def test_erlang_a_without_abandonment_is_erlang_c() -> None:
    # patience far longer than any wait: M/M/N+M tends to M/M/N, so P(wait) is Erlang C's 0.1741
    result = erlang_a(14, 100 / 1800, 180, patience_seconds=1e9)
    assert result.wait_probability == pytest.approx(0.1741319, abs=1e-6)
    assert result.average_wait_seconds == pytest.approx(7.836, abs=1e-3)
    assert result.abandon_probability < 1e-6


def test_erlang_a_with_patience_equal_to_handle_time_is_an_infinite_server_queue() -> None:
    # theta = mu: every customer in the system leaves at rate mu, waiting or served, so the number in the
    # system is Poisson(A) as in M/M/inf. With A = 2 and N = 1: P(wait) = P(n >= 1) = 1 - e^-2 = 0.864665,
    # mean queue = E[(n - 1)+] = E[n] - P(n >= 1) = 2 - 0.864665 = 1.135335, P(abandon) = theta E[Q] / lambda
    # = (1/180) x 1.135335 / (2/180) = 0.567668.
    result = erlang_a(1, 2 / 180, 180, patience_seconds=180)
    assert result.wait_probability == pytest.approx(1 - math.exp(-2), abs=1e-9)
    assert result.mean_queue_length == pytest.approx(2 - (1 - math.exp(-2)), abs=1e-9)
    assert result.abandon_probability == pytest.approx((2 - (1 - math.exp(-2))) / 2, abs=1e-9)


def test_patience_estimate() -> None:
    # 4 abandons over 1,200 s of total waiting: mean patience 300 s; no abandons: no estimate
    assert patience_seconds_estimate(4, 1_200.0) == 300.0
    assert patience_seconds_estimate(0, 1_200.0) is None
