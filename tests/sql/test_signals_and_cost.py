"""Signals of the empathy gap and cost to serve on the small canonical fixture, worked out by hand.

The fixture (tests/fixtures/canonical_small) holds seven contacts (the eighth, a fax, is quarantined):
  I1 voice  C1 billing_dispute  answered by a person          -> human 6.50
  I2 voice  C2 password_reset   abandoned in the queue          -> nothing
  I3 voice  C1 billing_dispute  abandoned in the queue          -> nothing
  I4 voice  C2 password_reset   answered by a person          -> human 6.50
  I5 chat   C1 billing_dispute  bot, then handed to a person  -> bot 0.60 + human 4.20 = 4.80
  I6 email  C3 invoice_copy     answered by a person          -> human 3.80
  I7 chat   C2 invoice_copy     bot alone                     -> bot 0.60
Total 22.20 over 7 contacts. C1 (account A1) and C2 (account A2, churned on 2026-06-30) are the people.
"""

from __future__ import annotations

from contextlib import closing

import pytest

from etl.pipeline import run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

UNIT_COSTS = {"voice": {"human": 6.5}, "chat": {"bot": 0.6, "human": 4.2}, "email": {"human": 3.8}}


@pytest.fixture
def built(warehouse_url: str) -> str:
    settings = make_settings(
        warehouse_url, FIXTURES / "canonical_small", unit_costs=UNIT_COSTS,
        signals={"min_cases": 1, "handoff_highway_rate": 0.5, "repetition_loop_rate": 0.2},
    )
    result = run_pipeline(settings, "run")
    assert result.rows_loaded > 0
    return warehouse_url


def test_cost_to_serve(built: str) -> None:
    with closing(open_reader(built)) as reader:
        totals = reader.query_df(
            "select sum(count_contacts_costed) as contacts, sum(sum_cost_amount) as cost,"
            " sum(sum_bot_cost_amount) as bot, sum(sum_human_cost_amount) as human,"
            " sum(count_contacts_without_cost) as unpriced from marts.cost_daily"
        ).iloc[0]
        by_path = reader.query_df(
            "select episode_path, sum(sum_episode_cost_amount) as cost, sum(count_episodes_costed) as episodes"
            " from marts.cost_episodes_daily group by episode_path order by episode_path"
        )
    assert int(totals["contacts"]) == 7
    assert float(totals["cost"]) == pytest.approx(22.2)
    assert float(totals["bot"]) == pytest.approx(1.2)  # I5 and I7
    assert float(totals["human"]) == pytest.approx(21.0)  # 6.5 + 6.5 + 4.2 + 3.8
    assert int(totals["unpriced"]) == 0
    # episodes: C1 billing_dispute (I1, I3, I5: a bot in I5) = 11.30; C2 password_reset (I2, I4) = 6.50;
    # C3 invoice_copy (I6) = 3.80; C2 invoice_copy (I7, bot alone) = 0.60
    assert dict(zip(by_path["episode_path"], [round(float(c), 2) for c in by_path["cost"]], strict=True)) == {
        "bot_only": 0.6, "bot_then_human": 11.3, "human_only": 10.3}


def test_handoff_highway(built: str) -> None:
    with closing(open_reader(built)) as reader:
        rows = reader.query_df(
            "select dimension, member, count_bot_sessions, count_handoffs, handoff_rate, is_flagged"
            " from marts.signal_handoff_highway_monthly where dimension in ('intent', 'team') order by 1, 2"
        )
    got = {(r.dimension, r.member): (int(r.count_bot_sessions), int(r.count_handoffs), bool(r.is_flagged))
           for r in rows.itertuples()}
    # bot sessions: I5 (handed off, billing_dispute) and I7 (bot alone, invoice_copy), both team Billing
    assert got[("intent", "billing_dispute")] == (1, 1, True)  # 1/1 >= 0.5
    assert got[("intent", "invoice_copy")] == (1, 0, False)  # 0/1
    assert got[("team", "Billing")] == (2, 1, True)  # 1/2 = 0.5 >= 0.5


def test_repetition_loop(built: str) -> None:
    with closing(open_reader(built)) as reader:
        rows = reader.query_df(
            "select member, count_repeat_contacts, count_repeat_eligible_contacts, is_flagged"
            " from marts.signal_repetition_loop_monthly where dimension = 'intent' order by member"
        )
    got = {r.member: (int(r.count_repeat_contacts), int(r.count_repeat_eligible_contacts), bool(r.is_flagged))
           for r in rows.itertuples()}
    # billing_dispute: C1's I1, then I3 and I5 within 7 days -> 2 repeats of 3 (0.67 >= 0.2)
    # password_reset: C2's I2, then I4 -> 1 of 2; invoice_copy: C3's I6 and C2's I7, different people -> 0 of 2
    assert got == {"billing_dispute": (2, 3, True), "invoice_copy": (0, 2, False), "password_reset": (1, 2, True)}


def test_silent_exodus(built: str) -> None:
    with closing(open_reader(built)) as reader:
        rows = reader.query_df("select * from marts.signal_silent_exodus_accounts")
    # A2 churned on 2026-06-30; in the 60 days before, its person C2 made three contacts (I2, I4, I7), none
    # escalated, none with a negative message, and answered no survey (S5's CSAT of 9 is out of range and
    # quarantined): it left without a word. A1 has not churned and is not listed.
    assert rows["account_id"].tolist() == ["A2"]
    row = rows.iloc[0]
    assert int(row["count_contacts"]) == 3
    assert int(row["count_bot_only_contacts"]) == 1
    assert int(row["count_survey_answers"]) == 0
    assert bool(row["is_without_a_word"]) and not bool(row["is_after_bots_only"]) and bool(row["is_silent_exodus"])
    assert row["silence_kind"] == "no complaint, no survey"
