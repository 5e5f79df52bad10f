"""Automation models on the demo warehouse (DuckDB): layers reconcile and the outcome rules are exhaustive."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.warehouse import open_reader

OUTCOMES = {"contained_confirmed", "contained_soft", "escalated_customer_request", "escalated_bot_failure",
            "abandoned"}


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


@pytest.mark.slow
def test_every_bot_contact_has_one_known_outcome(demo_warehouse_url: str) -> None:
    sessions = _query(demo_warehouse_url, "select bot_outcome, is_handed_off from core.fct_bot_sessions")
    bot_contacts = _query(
        demo_warehouse_url,
        "select count(*) as n from core.fct_interactions where service_path in ('bot_only', 'bot_to_human')",
    )["n"].iloc[0]
    assert len(sessions) == bot_contacts > 100
    assert set(sessions["bot_outcome"]) == OUTCOMES
    # handed-off sessions end escalated or abandoned in the queue, never contained
    handed_off = sessions[sessions["is_handed_off"].astype(bool)]
    assert not handed_off["bot_outcome"].str.startswith("contained").any()


@pytest.mark.slow
def test_mart_reconciles_with_the_facts(demo_warehouse_url: str) -> None:
    mart = _query(
        demo_warehouse_url,
        "select sum(count_bot_sessions) as sessions, sum(count_contained) as contained,"
        " sum(count_truly_contained) as truly, sum(count_handoffs) as handoffs,"
        " sum(count_contained_confirmed + count_contained_soft + count_escalated_customer_request"
        " + count_escalated_bot_failure + count_bot_abandoned) as by_outcome,"
        " sum(count_escalations) as escalations,"
        " sum(count_escalations_trigger_customer_request + count_escalations_trigger_keyword"
        " + count_escalations_trigger_negative_sentiment + count_escalations_trigger_bot_fallback"
        " + count_escalations_trigger_complexity + count_escalations_trigger_other) as by_trigger"
        " from marts.automation_daily",
    ).iloc[0].astype(int)
    facts = _query(
        demo_warehouse_url,
        "select (select count(*) from core.fct_bot_sessions) as sessions,"
        " (select count(*) from core.fct_bot_sessions where is_handed_off) as handoffs,"
        " (select count(*) from core.fct_escalations) as escalations",
    ).iloc[0].astype(int)
    assert mart["sessions"] == mart["by_outcome"] == facts["sessions"]
    assert mart["handoffs"] == facts["handoffs"]
    assert mart["escalations"] == mart["by_trigger"] == facts["escalations"]
    assert 0 < mart["truly"] <= mart["contained"] < mart["sessions"]


@pytest.mark.slow
def test_the_simulated_restatements_are_found(demo_warehouse_url: str) -> None:
    # the simulator's restatements open with a phrase such as "As I already told the bot," (etl/demo/phrases.py
    # RESTATEMENT_PREFIXES): every handed-off chat whose customer wrote one to the person must be a restatement
    frame = _query(
        demo_warehouse_url,
        "select b.interaction_id, b.is_restatement from core.fct_bot_sessions b"
        " where b.is_handed_off and exists (select 1 from core.fct_messages m"
        " where m.interaction_id = b.interaction_id and m.author_role = 'customer'"
        " and m.sent_at >= b.handed_off_at and (m.message_text like '%As I already told the bot,%'"
        " or m.message_text like '%Like I said before,%' or m.message_text like '%I have to repeat myself, but%'))",
    )
    assert len(frame) > 10
    assert frame["is_restatement"].astype(bool).all()
