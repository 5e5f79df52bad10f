"""Bot outcomes, containment, handoffs, restatement and escalation triggers on the hand-made fixture in
tests/fixtures/automation, on DuckDB and PostgreSQL.

Every expected figure is worked out by hand from the fixture files (repeat window 7 days; the data end is the
last contact, L1 on 2026-05-20 09:00):

Bot sessions (chats with a bot_started event), 9:
  B1 C1 billing_dispute 05-04 10:00: customer "Connect me to an agent." (a request), handoff 10:01:00, answered,
     agent's first message 10:02:30 -> escalated_customer_request, 90 s to the first human reply.
  B2 C2 invoice_copy 05-04 11:00: "Found it, thank you!" (a confirmation), no handoff -> contained_confirmed.
  B3 C3 password_reset 05-05 09:00: the bot answers last, the customer leaves -> contained_soft; C3 calls about
     password_reset on 05-08 09:00 (V3), within 7 days -> returned, not truly contained.
  B4 C4 password_reset 05-05 10:00: contained_soft; C4 calls on 05-12 10:00:01 (V4), one second after the
     window closes (05-12 10:00:00) -> no return, truly contained.
  B5 C5 account_access_locked 05-06 09:00: two bot fallbacks, handoff 09:02:00 without a request, agent's first
     message 09:04:00 -> escalated_bot_failure, 120 s.
  B6 C6 refund_request 05-06 10:00: the bot's last turn is "Sorry, I didn't understand that." -> abandoned.
  B9 C6 plan_upgrade 05-06 12:00: "None of those options fit my problem." (the bot's answer rejected), the bot
     asks for more and the customer leaves -> abandoned (without the rejection it would be contained_soft).
  B7 C7 refund_request 05-06 11:00: asks for a person, handoff 11:01:00, leaves the queue 11:03:00 unanswered
     -> abandoned (the handoff still counts as a handoff).
  B8 C10 invoice_copy 05-19 09:00: "That's what I needed, thank you." -> contained_confirmed; 05-19 + 7 days is
     past the data end: return censored.
  Outcomes: confirmed 2 (B2, B8), soft 2 (B3, B4), customer request 1 (B1), bot failure 1 (B5), abandoned 3
  (B6, B7, B9). Contained 4; return known 8 (all but B8), censored 1; truly contained 2 (B2, B4): true
  containment 2/8.
Handoffs: B1, B5, B7 = 3 of 9 sessions. First human reply: 2 (B1 90 s, B5 120 s): sum 210, squares 8,100 +
  14,400 = 22,500.
Sentiment (VADER compounds published in the vaderSentiment README: "Today SUX!" -0.5461, "The book was good."
  0.4404, "Not bad at all" 0.431; the other customer lines hold no word of VADER's lexicon: 0):
  before the handoff: B1 (0, 0) -> 0, B5 (0, 0) -> 0, B7 (0) -> 0: count 3, sum 0.
  after: B1 (-0.5461 + 0 + 0.4404) / 3 = -0.035233; B5 0.431; B7 none: count 2, sum 0.395767.
  change (both sides): B1 -0.035233, B5 0.431: sum 0.395767, squares 0.0012414 + 0.185761 = 0.1870024.
Restatement: B1 before {invoic, list, remov, seat, twic, connect}; after, first two turns with content words:
  "Today SUX!" {today, sux} 0/2, "The invoice lists removed seats twice on our card." {invoic, list, remov,
  seat, twic, card} 5/6 -> 0.8333, a restatement. B5 before {account, lock, login}, after "Not bad at all"
  {bad} 0/1 -> 0.0. B7 wrote nothing after the handoff: not comparable. Comparable 2, restatements 1.
Escalations (escalated event or bot handoff): B1, B5, B7, H1, H2 = 5.
  B1 request -> customer_request; B5 bot fallback -> bot_fallback; B7 request -> customer_request;
  H1 "Today SUX!" (-0.5461 < -0.05) and "I want to speak to a manager." before 09:10 -> escalation_keyword
  (keyword ranks above sentiment); H2 two transfers -> complexity.
  Flags: negative 1 (H1), keyword 1 (H1), request 2 (B1, B7), fallback 1 (B5), complex 1 (H2).
"""

from __future__ import annotations

import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

AUTOMATION = FIXTURES / "automation"


def _run(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, AUTOMATION), "run")
    assert result.status == SUCCEEDED, result.problems


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def test_bot_sessions_outcomes_and_containment(warehouse_url: str) -> None:
    _run(warehouse_url)
    sessions = _query(
        warehouse_url,
        "select interaction_id, bot_outcome, is_truly_contained, is_return_censored, is_handed_off,"
        " handoff_to_first_human_seconds, is_restatement, restatement_similarity from core.fct_bot_sessions",
    ).set_index("interaction_id")
    assert sessions["bot_outcome"].to_dict() == {
        "B1": "escalated_customer_request", "B2": "contained_confirmed", "B3": "contained_soft",
        "B4": "contained_soft", "B5": "escalated_bot_failure", "B6": "abandoned", "B7": "abandoned",
        "B8": "contained_confirmed", "B9": "abandoned",
    }
    assert bool(sessions.loc["B2", "is_truly_contained"]) is True
    assert bool(sessions.loc["B3", "is_truly_contained"]) is False  # back by phone within the window
    assert bool(sessions.loc["B4", "is_truly_contained"]) is True  # back one second after the window
    assert sessions["is_truly_contained"].isna()["B8"]  # censored: unknown, kept apart
    assert bool(sessions.loc["B8", "is_return_censored"]) is True
    assert bool(sessions.loc["B7", "is_handed_off"]) is True
    assert sessions.loc["B1", "handoff_to_first_human_seconds"] == pytest.approx(90)
    assert sessions.loc["B5", "handoff_to_first_human_seconds"] == pytest.approx(120)
    assert bool(sessions.loc["B1", "is_restatement"]) is True
    assert sessions.loc["B1", "restatement_similarity"] == pytest.approx(5 / 6)
    assert bool(sessions.loc["B5", "is_restatement"]) is False


def test_escalation_triggers(warehouse_url: str) -> None:
    _run(warehouse_url)
    escalations = _query(
        warehouse_url, "select interaction_id, primary_trigger, escalation_kind from core.fct_escalations"
    ).set_index("interaction_id")
    assert escalations["primary_trigger"].to_dict() == {
        "B1": "customer_request", "B5": "bot_fallback", "B7": "customer_request",
        "H1": "escalation_keyword", "H2": "complexity",
    }
    assert escalations.loc["H1", "escalation_kind"] == "escalated"
    assert escalations.loc["B1", "escalation_kind"] == "bot_handoff"


def test_automation_mart_totals(warehouse_url: str) -> None:
    _run(warehouse_url)
    columns = [
        "count_bot_sessions", "count_contained_confirmed", "count_contained_soft", "count_escalated_customer_request",
        "count_escalated_bot_failure", "count_bot_abandoned", "count_contained", "count_truly_contained",
        "count_bot_sessions_return_known", "count_bot_sessions_return_censored", "count_handoffs",
        "count_handoffs_human_replied", "sum_handoff_to_first_human_seconds",
        "sum_squares_handoff_to_first_human_seconds", "count_handoffs_sentiment_before",
        "sum_sentiment_before_handoff", "count_handoffs_sentiment_after", "sum_sentiment_after_handoff",
        "count_handoffs_sentiment_change", "sum_sentiment_change_across_handoff",
        "sum_squares_sentiment_change_across_handoff", "count_handoffs_restatement_comparable",
        "count_restatements", "sum_restatement_similarity", "count_escalations",
        "count_escalations_trigger_customer_request", "count_escalations_trigger_keyword",
        "count_escalations_trigger_negative_sentiment", "count_escalations_trigger_bot_fallback",
        "count_escalations_trigger_complexity", "count_escalations_trigger_other",
        "count_escalations_after_negative_sentiment", "count_escalations_with_keyword",
        "count_escalations_with_request", "count_escalations_after_bot_fallback", "count_escalations_complex",
    ]
    frame = _query(warehouse_url, "select " + ", ".join(f"sum({c}) as {c}" for c in columns)
                   + " from marts.automation_daily")
    totals = {k: float(v) for k, v in frame.iloc[0].items()}
    after_b1 = (-0.5461 + 0 + 0.4404) / 3
    assert totals == pytest.approx({
        "count_bot_sessions": 9, "count_contained_confirmed": 2, "count_contained_soft": 2,
        "count_escalated_customer_request": 1, "count_escalated_bot_failure": 1, "count_bot_abandoned": 3,
        "count_contained": 4, "count_truly_contained": 2, "count_bot_sessions_return_known": 8,
        "count_bot_sessions_return_censored": 1, "count_handoffs": 3, "count_handoffs_human_replied": 2,
        "sum_handoff_to_first_human_seconds": 210, "sum_squares_handoff_to_first_human_seconds": 22_500,
        "count_handoffs_sentiment_before": 3, "sum_sentiment_before_handoff": 0,
        "count_handoffs_sentiment_after": 2, "sum_sentiment_after_handoff": after_b1 + 0.431,
        "count_handoffs_sentiment_change": 2, "sum_sentiment_change_across_handoff": after_b1 + 0.431,
        "sum_squares_sentiment_change_across_handoff": after_b1 ** 2 + 0.431 ** 2,
        "count_handoffs_restatement_comparable": 2, "count_restatements": 1, "sum_restatement_similarity": 5 / 6,
        "count_escalations": 5, "count_escalations_trigger_customer_request": 2,
        "count_escalations_trigger_keyword": 1, "count_escalations_trigger_negative_sentiment": 0,
        "count_escalations_trigger_bot_fallback": 1, "count_escalations_trigger_complexity": 1,
        "count_escalations_trigger_other": 0, "count_escalations_after_negative_sentiment": 1,
        "count_escalations_with_keyword": 1, "count_escalations_with_request": 2,
        "count_escalations_after_bot_fallback": 1, "count_escalations_complex": 1,
    }, abs=1e-4)


def test_mart_keeps_the_service_grain(warehouse_url: str) -> None:
    _run(warehouse_url)
    columns = set(_query(warehouse_url, "select * from marts.automation_daily limit 0").columns)
    grain = {"date_day", "week_start", "channel", "queue_id", "queue_name", "team_name", "intent", "segment",
             "service_path"}
    assert grain <= columns
    # B1 and B2 are on 2026-05-04, chat, Q2 (Billing chat), Billing, enterprise; different intents and paths
    rows = _query(warehouse_url, "select intent, service_path, count_bot_sessions from marts.automation_daily"
                  " where date_day = cast('2026-05-04' as date) order by intent")
    assert rows.values.tolist() == [["billing_dispute", "bot_to_human", 1], ["invoice_copy", "bot_only", 1]]
