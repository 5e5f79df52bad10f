"""Scorecard rows and attainment from hand-made sums (values worked out in the comments)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from dashboard.scorecard import NOISE_REAL, NOISE_WITHIN, attainment_by_member, scorecard_rows
from etl.catalog import load_catalog
from etl.config import settings_from_mapping

SETTINGS = settings_from_mapping({"metrics": {"min_cases": 30}}, Path("."))


def _period_rows(metric: str, current: tuple, previous: tuple) -> list[dict]:
    return [
        {"period": "current", "metric": metric, "numerator": current[0], "denominator": current[1],
         "sum_of_squares": None, "value": current[0] / current[1]},
        {"period": "previous", "metric": metric, "numerator": previous[0], "denominator": previous[1],
         "sum_of_squares": None, "value": previous[0] / previous[1]},
    ]


def test_a_large_rise_in_service_level_is_beyond_noise_and_a_small_one_within() -> None:
    metric = replace(load_catalog()["service_level"], ci_method="wilson")
    # 900/1000 = 90% now against 700/1000 = 70%: +20 pp on a thousand calls each side is far beyond noise
    periods = pd.DataFrame(_period_rows("service_level", (900, 1000), (700, 1000)))
    row = scorecard_rows([metric], periods, pd.DataFrame(), SETTINGS)[0]
    assert row.value_text == "90.0%"
    assert row.status == "met"  # target 80%
    assert row.noise == NOISE_REAL
    assert row.change_text.startswith("+20.0 pp")
    assert "95% CI" in row.change_text
    # 41/50 = 82% against 40/50 = 80%: +2 pp on fifty calls could be chance
    periods = pd.DataFrame(_period_rows("service_level", (41, 50), (40, 50)))
    row = scorecard_rows([metric], periods, pd.DataFrame(), SETTINGS)[0]
    assert row.noise == NOISE_WITHIN
    assert not row.is_thin  # 50 cases >= 30


def test_thin_figures_are_marked() -> None:
    metric = load_catalog()["service_level"]
    periods = pd.DataFrame(_period_rows("service_level", (8, 10), (7, 10)))
    row = scorecard_rows([metric], periods, pd.DataFrame(), SETTINGS)[0]
    assert row.is_thin  # 10 offered contacts < 30


def test_watermelon_when_sla_is_met_and_xla_missed() -> None:
    catalog = load_catalog()
    metrics = [catalog["service_level"], catalog["abandonment_rate"], catalog["csat"]]
    csat = catalog["csat"]
    assert csat.kind in {"sla", "xla"}
    rows = []
    # member A: service level 90% (met, target 80%), abandonment 2% (met, target 5%), CSAT 60% (missed, 85%)
    # member B: service level 70% (missed), abandonment 2% (met), CSAT 90% (met)
    for member, sl, ab, cs in (("A", 90, 2, 60), ("B", 70, 2, 90)):
        for name, numerator in (("service_level", sl), ("abandonment_rate", ab), ("csat", cs)):
            rows.append({"member": member, "period": "current", "metric": name, "numerator": numerator,
                         "denominator": 100, "value": numerator / 100})
    table = attainment_by_member(pd.DataFrame(rows), metrics, SETTINGS).set_index("member")
    if csat.kind == "xla":
        # A: SLA 2 of 2 met (100% >= 75%), XLA 0 of 1 met (0% < 50%): a watermelon
        assert table.loc["A", "sla_attainment"] == 1.0
        assert table.loc["A", "xla_attainment"] == 0.0
        assert bool(table.loc["A", "is_watermelon"])
        # B: SLA 1 of 2 (50% < 75%): not a watermelon
        assert table.loc["B", "sla_attainment"] == 0.5
        assert not bool(table.loc["B", "is_watermelon"])
        assert table.loc["A", "missed"] == csat.label


def test_signal_sentences_say_what_triggered_them() -> None:
    from dashboard.app_pages.executive.view import handoff_lines, repetition_lines

    highway = pd.DataFrame([{"period_month": pd.Timestamp("2026-10-01"), "member": "refund_status",
                             "count_bot_sessions": 1200, "count_handoffs": 780, "handoff_rate": 0.65,
                             "previous_handoff_rate": 0.5, "is_above_threshold": True, "is_rising": True}])
    assert handoff_lines(highway) == [
        "refund_status (Oct 2026): the bot handed off 65.0% of 1,200 sessions, above the threshold and up "
        "from 50.0%"]
    loop = pd.DataFrame([{"period_month": pd.Timestamp("2026-09-01"), "member": "billing", "repeat_contact_rate": 0.1,
                          "previous_repeat_contact_rate": 0.1, "restatement_rate": 0.42,
                          "previous_restatement_rate": 0.3, "is_repeat_above_threshold": False,
                          "is_repeat_rising": False, "is_restatement_above_threshold": True,
                          "is_restatement_rising": True, "count_repeat_eligible_contacts": 300}])
    assert repetition_lines(loop) == [
        "billing (Sep 2026): customers repeated themselves after a hand-off in 42.0% (up from 30.0%)"]


def test_risk_snapshots_get_no_change() -> None:
    metric = load_catalog()["revenue_at_risk"]
    periods = pd.DataFrame([
        {"period": "current", "metric": "revenue_at_risk", "numerator": 1000.0, "denominator": None,
         "sum_of_squares": None, "value": 1000.0},
        {"period": "previous", "metric": "revenue_at_risk", "numerator": 10.0, "denominator": None,
         "sum_of_squares": None, "value": 10.0},
    ])
    row = scorecard_rows([metric], periods, pd.DataFrame(), SETTINGS)[0]
    assert row.change is None
    assert row.change_text.startswith("snapshot")


def test_weeks_without_a_figure_are_left_out_of_the_sparkline() -> None:
    from dashboard.app_pages.executive.view import scorecard_frame

    metric = replace(load_catalog()["service_level"], ci_method="wilson")
    periods = pd.DataFrame(_period_rows("service_level", (80, 100), (70, 100)))
    weekly = pd.DataFrame({"metric": ["service_level"] * 3, "value": [0.8, 0.7, float("nan")],
                           "days_in_range": [7, 7, 7]})
    frame = scorecard_frame(scorecard_rows([metric], periods, weekly, SETTINGS))
    assert frame["Weekly trend"].iloc[0] == [0.8, 0.7]
