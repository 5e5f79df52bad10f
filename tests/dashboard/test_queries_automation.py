"""The Automation page's own queries (dashboard.app_pages.automation.queries) on DuckDB and PostgreSQL, over small marts
written here, with every expected figure worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.app_pages.automation import queries as queries_automation
from dashboard.filters import Filters
from etl.warehouse import open_writer

JUNE = Filters(start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))
FILTER_COLUMNS = ("channel varchar, source_system varchar, queue_name varchar, team_name varchar, intent varchar,"
                  " intent_basis varchar, segment varchar")


def _write(url: str, statements: list[tuple[str, list[dict[str, object]] | None]]) -> None:
    """Create the marts a test reads, through the pipeline's own writer (one transaction)."""
    with open_writer(url) as warehouse, warehouse.transaction():
        warehouse.execute("create schema if not exists marts")
        for sql, rows in statements:
            for row in rows or [{}]:
                warehouse.execute(sql, row)


def _cost_rows() -> list[dict[str, object]]:
    day = dt.date(2026, 6, 1)
    base = {"source_system": "canonical", "queue_name": "Q1", "team_name": "T1", "intent": "billing",
            "intent_basis": "vendor", "segment": "smb"}
    return [
        # June: bot only 2 resolved episodes costing 1.20 in all
        {**base, "date_day": day, "channel": "chat", "episode_path": "bot_only", "resolved": 2, "cost": 1.20,
         "sq": 0.72},
        # June: bot then human, 1 chat episode at 4.80 and 3 voice episodes at 22.20 in all
        {**base, "date_day": day, "channel": "chat", "episode_path": "bot_then_human", "resolved": 1, "cost": 4.80,
         "sq": 23.04},
        {**base, "date_day": dt.date(2026, 6, 2), "channel": "voice", "episode_path": "bot_then_human",
         "resolved": 3, "cost": 22.20, "sq": 164.28},
        # June: human only, 2 e-mail episodes at 7.60 in all
        {**base, "date_day": dt.date(2026, 6, 30), "channel": "email", "episode_path": "human_only", "resolved": 2,
         "cost": 7.60, "sq": 28.88},
        # July: outside the period
        {**base, "date_day": dt.date(2026, 7, 1), "channel": "chat", "episode_path": "bot_only", "resolved": 5,
         "cost": 100.0, "sq": 2000.0},
    ]


def test_cost_per_resolution_by_path(warehouse_url: str) -> None:
    _write(warehouse_url, [
        (f"create table marts.cost_episodes_daily (date_day date, {FILTER_COLUMNS}, episode_path varchar,"
         " count_resolved_episodes_costed bigint, sum_resolved_episode_cost_amount double precision,"
         " sum_sq_resolved_episode_cost_amount double precision)", None),
        ("insert into marts.cost_episodes_daily values (:date_day, :channel, :source_system, :queue_name, :team_name,"
         " :intent, :intent_basis,"
         " :segment, :episode_path, :resolved, :cost, :sq)", _cost_rows()),
    ])
    frame = queries_automation.cost_per_resolution_by_path(warehouse_url, "v1", JUNE).set_index("episode_path")
    # bot only: 1.20 / 2 = 0.60; bot then human: (4.80 + 22.20) / (1 + 3) = 6.75; human only: 7.60 / 2 = 3.80
    assert frame["value"].to_dict() == pytest.approx({"bot_only": 0.60, "bot_then_human": 6.75, "human_only": 3.80})
    assert frame.loc["bot_then_human", "denominator"] == 4
    assert frame.loc["bot_then_human", "sum_of_squares"] == pytest.approx(23.04 + 164.28)

    chat = Filters(start=JUNE.start, end=JUNE.end, channels=("chat",))
    frame = queries_automation.cost_per_resolution_by_path(warehouse_url, "v1", chat).set_index("episode_path")
    # chat only: bot only 1.20 / 2 = 0.60; bot then human 4.80 / 1; no human-only chat episode
    assert frame["value"].to_dict() == pytest.approx({"bot_only": 0.60, "bot_then_human": 4.80})


def test_sentiment_before_and_after_the_handoff_by_intent(warehouse_url: str) -> None:
    base = {"date_day": dt.date(2026, 6, 10), "source_system": "canonical", "queue_name": "Q1", "team_name": "T1",
            "intent_basis": "vendor", "segment": "smb"}
    rows = [
        {**base, "channel": "chat", "intent": "billing", "sb": -1.0, "cb": 4, "sa": 1.2, "ca": 3},
        {**base, "channel": "voice", "intent": "billing", "sb": -0.5, "cb": 1, "sa": 0.0, "ca": 0},
        {**base, "channel": "chat", "intent": "refund", "sb": 0.0, "cb": 0, "sa": 0.0, "ca": 0},
    ]
    _write(warehouse_url, [
        (f"create table marts.automation_daily (date_day date, {FILTER_COLUMNS},"
         " sum_sentiment_before_handoff double precision, count_handoffs_sentiment_before bigint,"
         " sum_sentiment_after_handoff double precision, count_handoffs_sentiment_after bigint)", None),
        ("insert into marts.automation_daily values (:date_day, :channel, :source_system, :queue_name, :team_name,"
         " :intent, :intent_basis,"
         " :segment, :sb, :cb, :sa, :ca)", rows),
    ])
    frame = queries_automation.sentiment_before_after_by_intent(warehouse_url, "v1", JUNE).set_index("intent")
    # billing before: (-1.0 - 0.5) / (4 + 1) = -0.30; after: 1.2 / 3 = 0.40
    assert frame.loc["billing", "mean_before"] == pytest.approx(-0.30)
    assert frame.loc["billing", "mean_after"] == pytest.approx(0.40)
    # refund: no scored message on either side, so no mean (never 0)
    assert pd.isna(frame.loc["refund", "mean_before"])
    assert pd.isna(frame.loc["refund", "mean_after"])


def _highway_row(month: dt.date, dimension: str, member: str, rate: float, previous: float | None,
                 above: bool, rising: bool) -> dict[str, object]:
    return {"period_month": month, "dimension": dimension, "member": member, "sessions": 100, "handoffs": rate * 100,
            "rate": rate, "previous": previous, "above": above, "rising": rising, "flagged": above or rising}


def test_handoff_highway_flags_in_the_months_of_the_period(warehouse_url: str) -> None:
    may, june, july = dt.date(2026, 5, 1), dt.date(2026, 6, 1), dt.date(2026, 7, 1)
    rows = [
        _highway_row(may, "intent", "billing", 0.9, None, True, False),  # before the period
        _highway_row(june, "intent", "billing", 0.8, 0.9, True, False),
        _highway_row(june, "intent", "refund", 0.3, 0.2, False, True),
        _highway_row(june, "intent", "invoice", 0.1, 0.1, False, False),  # not flagged
        _highway_row(june, "queue", "Q1", 0.7, 0.6, True, False),  # another dimension
        _highway_row(july, "intent", "billing", 0.6, 0.8, True, False),
    ]
    _write(warehouse_url, [
        ("create table marts.signal_handoff_highway_monthly (period_month date, dimension varchar, member varchar,"
         " count_bot_sessions double precision, count_handoffs double precision, handoff_rate double precision,"
         " previous_handoff_rate double precision, is_above_threshold boolean, is_rising boolean,"
         " is_flagged boolean)", None),
        ("insert into marts.signal_handoff_highway_monthly values (:period_month, :dimension, :member, :sessions,"
         " :handoffs, :rate, :previous, :above, :rising, :flagged)", rows),
    ])
    # 15 June to 3 July touches June and July: three flagged intent rows, newest month first, then highest rate
    frame = queries_automation.handoff_highway_flags(warehouse_url, "v1", dt.date(2026, 6, 15), dt.date(2026, 7, 3),
                                                     ())
    assert list(zip(frame["period_month"].astype(str), frame["member"], strict=True)) == [
        ("2026-07-01", "billing"), ("2026-06-01", "billing"), ("2026-06-01", "refund")]
    assert frame["total_rows"].tolist() == [3, 3, 3]
    assert frame["is_rising"].tolist() == [False, False, True]
    only_refund = queries_automation.handoff_highway_flags(warehouse_url, "v1", dt.date(2026, 6, 15),
                                                           dt.date(2026, 7, 3), ("refund",))
    assert only_refund["member"].tolist() == ["refund"]


def test_flags_are_paged(warehouse_url: str) -> None:
    june = dt.date(2026, 6, 1)
    # 52 flagged intents: a page holds 50, the second the last 2 (rates 0.01 and 0.00 are the lowest)
    rows = [_highway_row(june, "intent", f"intent_{i:02d}", i / 100, None, True, False) for i in range(52)]
    _write(warehouse_url, [
        ("create table marts.signal_handoff_highway_monthly (period_month date, dimension varchar, member varchar,"
         " count_bot_sessions double precision, count_handoffs double precision, handoff_rate double precision,"
         " previous_handoff_rate double precision, is_above_threshold boolean, is_rising boolean,"
         " is_flagged boolean)", None),
        ("insert into marts.signal_handoff_highway_monthly values (:period_month, :dimension, :member, :sessions,"
         " :handoffs, :rate, :previous, :above, :rising, :flagged)", rows),
    ])
    first = queries_automation.handoff_highway_flags(warehouse_url, "v1", june, dt.date(2026, 6, 30), (), 0)
    second = queries_automation.handoff_highway_flags(warehouse_url, "v1", june, dt.date(2026, 6, 30), (), 1)
    assert len(first) == queries_automation.ROWS_PER_PAGE == 50
    assert first["member"].iloc[0] == "intent_51"
    assert second["member"].tolist() == ["intent_01", "intent_00"]
    assert second["total_rows"].tolist() == [52, 52]


def test_repetition_loop_flags(warehouse_url: str) -> None:
    june = dt.date(2026, 6, 1)
    columns = ("period_month, dimension, member, restatement_rate, previous_restatement_rate,"
               " count_handoffs_comparable, repeat_contact_rate, previous_repeat_contact_rate,"
               " count_repeat_eligible_contacts, is_restatement_above_threshold, is_restatement_rising,"
               " is_repeat_above_threshold, is_repeat_rising, is_flagged")
    rows = [
        {"m": june, "d": "intent", "member": "billing", "r": 0.45, "pr": 0.30, "c": 40, "rc": 0.10, "prc": 0.1,
         "e": 200, "ra": True, "rr": True, "pa": False, "pr2": False, "f": True},
        {"m": june, "d": "intent", "member": "refund", "r": None, "pr": None, "c": 0, "rc": 0.25, "prc": 0.2,
         "e": 150, "ra": False, "rr": False, "pa": True, "pr2": True, "f": True},
        {"m": june, "d": "intent", "member": "invoice", "r": 0.10, "pr": 0.1, "c": 50, "rc": 0.05, "prc": 0.05,
         "e": 300, "ra": False, "rr": False, "pa": False, "pr2": False, "f": False},
    ]
    _write(warehouse_url, [
        ("create table marts.signal_repetition_loop_monthly (period_month date, dimension varchar,"
         " member varchar, restatement_rate double precision, previous_restatement_rate double precision,"
         " count_handoffs_comparable double precision, repeat_contact_rate double precision,"
         " previous_repeat_contact_rate double precision, count_repeat_eligible_contacts double precision,"
         " is_restatement_above_threshold boolean, is_restatement_rising boolean,"
         " is_repeat_above_threshold boolean, is_repeat_rising boolean, is_flagged boolean)", None),
        (f"insert into marts.signal_repetition_loop_monthly ({columns}) values (:m, :d, :member, :r, :pr, :c, :rc,"
         " :prc, :e, :ra, :rr, :pa, :pr2, :f)", rows),
    ])
    frame = queries_automation.repetition_loop_flags(warehouse_url, "v1", june, dt.date(2026, 6, 30), ())
    # billing (restatement 0.45) before refund (no restatement rate: nulls last on both engines)
    assert frame["member"].tolist() == ["billing", "refund"]
    assert frame["is_repeat_rising"].tolist() == [False, True]
