"""Erlang C (M/M/N) and Erlang A (M/M/N+M): how many agents an interval needs to answer its contacts on time.

Erlang C (A. K. Erlang, 1917) treats an interval as a queue in steady state: contacts arrive at random
(Poisson) at a constant rate, handle times are exponential with mean AHT, N identical agents, nobody hangs up,
first come first served. With the offered traffic A = arrivals x AHT / interval length (in Erlangs):

    Erlang B   B(0) = 1,  B(n) = A B(n-1) / (n + A B(n-1))        (stable recursion, no factorials)
    Erlang C   P(W > 0) = N B(N) / (N - A (1 - B(N)))               for N > A, else 1
    service    SL(T) = 1 - P(W > 0) exp(-(N - A) T / AHT)
    ASA        P(W > 0) AHT / (N - A)
    occupancy  A / N

Erlang A (Palm 1943; Gans, Koole & Mandelbaum 2003, section 4.2.2) adds customers who give up after an
exponential patience with mean `patience_seconds`. It is solved here as the birth-death chain it is
(arrival rate lambda; departure rate min(n, N) mu + max(n - N, 0) theta), truncated far in the tail. It gives
the probability of waiting and of abandoning; the agent search of this module uses Erlang C, which ignores
abandonment and so errs on the side of more agents (docs/capacity.md says why).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def traffic_erlangs(arrivals: float, aht_seconds: float, interval_seconds: float) -> float:
    """Offered traffic in Erlangs: arrivals x AHT / interval length."""
    if interval_seconds <= 0:
        raise ValueError("interval_seconds must be positive")
    if arrivals < 0 or aht_seconds < 0:
        raise ValueError("arrivals and aht_seconds cannot be negative")
    return arrivals * aht_seconds / interval_seconds


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of an M/M/N/N system, by the recursion B(n) = A B(n-1) / (n + A B(n-1))."""
    if agents < 0:
        raise ValueError("agents cannot be negative")
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def _erlang_c_from_b(agents: int, traffic: float, blocking: float) -> float:
    if agents <= traffic:
        return 1.0
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits at all, P(W > 0); 1 when the agents cannot carry the traffic."""
    if traffic <= 0:
        return 0.0
    return _erlang_c_from_b(agents, traffic, erlang_b(agents, traffic))


def _service_level_from_c(wait_probability: float, agents: int, traffic: float, aht_seconds: float,
                          threshold_seconds: float) -> float:
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return 1.0 - wait_probability * math.exp(-(agents - traffic) * threshold_seconds / aht_seconds)


def service_level(agents: int, traffic: float, aht_seconds: float, threshold_seconds: float) -> float:
    """Share of contacts answered within the threshold: 1 - P(W>0) exp(-(N - A) T / AHT)."""
    return _service_level_from_c(erlang_c(agents, traffic), agents, traffic, aht_seconds, threshold_seconds)


def average_speed_of_answer(agents: int, traffic: float, aht_seconds: float) -> float:
    """Mean wait over all contacts, answered at once or not: P(W>0) AHT / (N - A); inf when N <= A."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * aht_seconds / (agents - traffic)


def occupancy(agents: int, traffic: float) -> float:
    """Share of the agents' time spent handling contacts: A / N (capped at 1)."""
    if agents <= 0:
        return 1.0 if traffic > 0 else 0.0
    return min(1.0, traffic / agents)


@dataclass(frozen=True)
class Requirement:
    agents: int
    traffic_erlangs: float
    wait_probability: float
    service_level: float
    average_speed_of_answer_seconds: float
    occupancy: float


def agents_required(traffic: float, aht_seconds: float, threshold_seconds: float, target_service_level: float,
                    max_occupancy: float | None = None, max_agents: int = 10_000) -> Requirement:
    """The fewest agents whose Erlang C service level reaches the target (and whose occupancy stays at or
    under `max_occupancy`, when given). No traffic needs no agents."""
    if not 0 < target_service_level < 1:
        raise ValueError("target_service_level must be between 0 and 1 (exclusive)")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must be in (0, 1]")
    if traffic <= 0:
        return Requirement(0, 0.0, 0.0, 1.0, 0.0, 0.0)
    if aht_seconds <= 0:
        raise ValueError("aht_seconds must be positive when there is traffic")
    blocking = 1.0
    for agents in range(1, max_agents + 1):
        blocking = traffic * blocking / (agents + traffic * blocking)
        if agents <= traffic:
            continue
        if max_occupancy is not None and traffic / agents > max_occupancy:
            continue
        wait = _erlang_c_from_b(agents, traffic, blocking)
        level = _service_level_from_c(wait, agents, traffic, aht_seconds, threshold_seconds)
        if level >= target_service_level:
            return Requirement(agents, traffic, wait, level, wait * aht_seconds / (agents - traffic),
                               traffic / agents)
    raise ValueError(f"no staffing up to {max_agents} agents reaches the target for {traffic:.1f} Erlangs")


# Erlang A ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangAResult:
    wait_probability: float
    abandon_probability: float
    mean_queue_length: float
    average_wait_seconds: float


def erlang_a(agents: int, arrivals_per_second: float, aht_seconds: float, patience_seconds: float,
             tail_tolerance: float = 1e-12) -> ErlangAResult:
    """Steady state of M/M/N+M: P(wait > 0), P(abandon), mean queue and mean wait (all contacts).

    The chain's stationary probabilities are built as ratios p(n) / p(n-1) = lambda / death(n), summed in
    scaled form (no factorials), and the state space is cut where the tail is below `tail_tolerance`.
    """
    if arrivals_per_second <= 0:
        return ErlangAResult(0.0, 0.0, 0.0, 0.0)
    if aht_seconds <= 0 or patience_seconds <= 0:
        raise ValueError("aht_seconds and patience_seconds must be positive")
    rate = arrivals_per_second
    service_rate = 1.0 / aht_seconds
    abandon_rate = 1.0 / patience_seconds
    weights = [1.0]
    total = 1.0
    n = 0
    while True:
        n += 1
        death = min(n, agents) * service_rate + max(n - agents, 0) * abandon_rate
        weights.append(weights[-1] * rate / death)
        total += weights[-1]
        if n > agents and death > rate and weights[-1] < tail_tolerance * total:
            break
        if total > 1e250:  # rescale to stay within floating point range
            weights = [w / total for w in weights]
            total = 1.0
    total = sum(weights)
    probabilities = [w / total for w in weights]
    wait = sum(probabilities[agents:])
    queue = sum((k - agents) * p for k, p in enumerate(probabilities) if k > agents)
    return ErlangAResult(
        wait_probability=wait,
        abandon_probability=abandon_rate * queue / rate,
        mean_queue_length=queue,
        average_wait_seconds=queue / rate,
    )


def patience_seconds_estimate(count_abandoned: int, total_wait_seconds: float) -> float | None:
    """Mean patience under exponential patience: total time all contacts spent waiting / abandons (the
    maximum-likelihood estimate with answered contacts' waits as censored observations; Gans et al. 2003)."""
    if count_abandoned <= 0 or total_wait_seconds <= 0:
        return None
    return total_wait_seconds / count_abandoned
