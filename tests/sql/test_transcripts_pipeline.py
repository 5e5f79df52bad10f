"""Transcripts through the whole pipeline, on DuckDB and PostgreSQL (tests/fixtures/transcripts).

Worked by hand from chats-2026-05.jsonl (14 lines; lines 12-14 are quarantined: role "wizard", a turn with
neither text nor event, a line cut short):
  conv-1 (chat): user 09:00:00, assistant 09:00:05 (intent billing_dispute), virtual_agent 09:00:20 with
    handoff, human_agent AG1 09:02:00, End-User 09:03:00 (intent "thanks", not the first intent).
    -> created 09:00:00, closed 09:03:00, intent billing_dispute, 5 messages, bot_started 09:00:05 (the first
    turn not by the customer is the bot's), handoff 09:00:20, path bot_to_human,
    first reply 09:00:00 -> 09:02:00 = 120 s; customer by e-mail "ADA@Acme.Example " -> ada@acme.example,
    pseudonymised at ingest (docs/privacy.md): em_ + HMAC-SHA256 of it under the test key.
  conv-2 (chat, +02:00 times): visitor 14:00 = 12:00 UTC, rep AG2 12:01 (intent password_reset), an
    escalated event turn at 12:01:30, system "Chat closed" 12:02 (not public).
    -> 3 messages, no bot start (the first service turn is a person's), human_only, first reply 60 s.
  conv-3 (social): customer 18:00:00, bot 18:00:02 -> bot_started 18:00:02, bot_only, no human reply.
  Totals: 3 interactions, 5 + 3 + 2 = 10 messages, 2 + 1 + 1 = 4 events, 3 customers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, expected_pseudonym, make_settings

ADA = expected_pseudonym("em_", "ada@acme.example")

TRANSCRIPTS = FIXTURES / "transcripts"


def test_conversations_become_interactions_messages_and_events(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, TRANSCRIPTS, "transcripts"), "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 3
    reader = open_reader(warehouse_url)
    try:
        contacts = reader.query_df(
            "select interaction_id, channel, customer_id, agent_id, intent, status, service_path,"
            " first_reply_calendar_seconds, count_customer_messages, count_agent_messages, count_bot_messages,"
            " is_escalated from core.fct_interactions"
        ).set_index("interaction_id")
        events = reader.query_df(
            "select interaction_id, event_type, occurred_at from core.fct_interaction_events"
            " order by interaction_id, event_seq"
        )
        count_messages = reader.scalar("select count(*) from core.fct_messages")
        count_private = reader.scalar("select count(*) from core.fct_messages where not is_public")
        customers = reader.query_df("select customer_id, email, phone from core.dim_customers").set_index(
            "customer_id"
        )
    finally:
        reader.close()
    assert sorted(contacts.index) == ["transcripts:conv-1", "transcripts:conv-2", "transcripts:conv-3"]
    one, two, three = (contacts.loc[f"transcripts:conv-{n}"] for n in (1, 2, 3))
    assert (one.channel, one.intent, one.status, one.service_path) == ("chat", "billing_dispute", "closed",
                                                                       "bot_to_human")
    assert one.customer_id == f"transcripts:{ADA}"
    assert one.agent_id == "transcripts:AG1"
    assert one.first_reply_calendar_seconds == pytest.approx(120)
    assert (one.count_customer_messages, one.count_agent_messages, one.count_bot_messages) == (2, 1, 2)
    assert (two.intent, two.service_path, bool(two.is_escalated)) == ("password_reset", "human_only", True)
    assert two.first_reply_calendar_seconds == pytest.approx(60)
    assert (three.channel, three.service_path, three.intent) == ("social", "bot_only", "order_status")
    assert count_messages == 10
    assert count_private == 1
    trail = [(row.interaction_id, row.event_type, str(row.occurred_at)) for row in events.itertuples()]
    assert trail == [
        ("transcripts:conv-1", "bot_started", "2026-05-06 09:00:05"),
        ("transcripts:conv-1", "handoff", "2026-05-06 09:00:20"),
        ("transcripts:conv-2", "escalated", "2026-05-07 12:01:30"),
        ("transcripts:conv-3", "bot_started", "2026-05-08 18:00:02"),
    ]
    # "(415) 555-0101" is +14155550101 under the default country code 1
    assert customers.loc["transcripts:visitor-77", "phone"] == expected_pseudonym("ph_", "+14155550101")
    assert customers.loc[f"transcripts:{ADA}", "email"] == ADA
    assert len(customers) == 3


def test_a_second_run_adds_nothing(warehouse_url: str) -> None:
    settings = make_settings(warehouse_url, TRANSCRIPTS, "transcripts")
    run_pipeline(settings, "run")
    again = run_pipeline(settings, "run")
    assert again.rows_loaded == 0
    reader = open_reader(warehouse_url)
    try:
        assert reader.scalar("select count(*) from core.fct_messages") == 10
    finally:
        reader.close()


def test_abcd_turn_order_gives_no_durations(warehouse_url: str, tmp_path: Path) -> None:
    """ABCD states the order of the turns, not their times: the connector places turn n at 2021-01-01 00:00 UTC
    + n minutes so that the conversation keeps its order and its day, and marks those times as made up. Made-up
    times would give this conversation a first reply of 60 s (customer at turn 0, agent at turn 1): it must have
    none, while the timed conversations of the JSONL file keep theirs (conv-1: 120 s)."""
    shutil.copy(TRANSCRIPTS / "chats-2026-05.jsonl", tmp_path / "chats-2026-05.jsonl")
    conversation = {"convo_id": 901, "scenario": {"personal": {"username": "kim1"}, "flow": "shipping",
                                                   "subflow": "status"},
                    "original": [["customer", "Hi, my order is late"], ["agent", "Sorry, let me check"],
                                 ["customer", "Thanks"]]}
    (tmp_path / "abcd_sample.json").write_text(json.dumps([conversation]), encoding="utf-8")
    result = run_pipeline(make_settings(warehouse_url, tmp_path, "transcripts"), "run")
    assert result.status == SUCCEEDED, result.problems
    reader = open_reader(warehouse_url)
    try:
        contacts = reader.query_df(
            "select interaction_id, date_day, times_are_synthetic, first_reply_calendar_seconds,"
            " first_reply_business_seconds, count_customer_messages from core.fct_interactions"
        ).set_index("interaction_id")
    finally:
        reader.close()
    abcd = contacts.loc["transcripts:901"]
    assert bool(abcd.times_are_synthetic) is True
    assert pd.isna(abcd.first_reply_calendar_seconds) and pd.isna(abcd.first_reply_business_seconds)
    assert str(abcd.date_day)[:10] == "2021-01-01"
    assert abcd.count_customer_messages == 2
    timed = contacts.loc["transcripts:conv-1"]
    assert bool(timed.times_are_synthetic) is False
    assert timed.first_reply_calendar_seconds == pytest.approx(120)
