"""The whole pipeline on tests/fixtures/amazon_connect, on DuckDB and PostgreSQL.

The fixture follows the documented contact record data model
(https://docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html) and the Contact Lens output examples
(contact-lens-example-output-files.html and -chat.html). All times are 2026-05-04, UTC. Every figure below is
worked out by hand from the files:

Contact records: 3 readable lines + 1 truncated (line 4 of the .jsonl file, quarantined) + 4 concatenated = 7
loaded rows, 6 distinct contacts (A is delivered twice), 5 journeys (B's two legs share InitialContactId B1):
  A 1111 answered call: queued 09:00:40, agent 09:01:05 -> wait 25 s; talk 300 + hold 45 + ACW 30 = 375 s.
    Re-delivered with LastUpdateTimestamp 09:30 and intent billing_refund (was billing_dispute): the later wins.
  B 2222..01 -> 2222..02 transferred once: leg 1 queued 10:00:30 (Sales), agent alice 10:00:50; leg 2 (TRANSFER)
    queued 10:02:50 (Support), agent bob 10:03:30. First queued 10:00:30, first answered 10:00:50 -> wait 20 s.
    talk 120 + 200 = 320, hold 0 + 20 = 20, ACW 15 + 40 = 55 -> handle 395 s; last leg: bob, Support.
  C 3333 abandoned: queued 11:00:20, customer hung up 11:01:50 with no agent -> wait 90 s, abandoned.
  D 4444 chat: queued 12:00:30, agent carol 12:00:45 -> wait 15 s; talk 240 + hold 0 + ACW 60 = 300 s.
    First agent turn 12:01:00, created 12:00:00 -> first reply 60 s.
  E 5555 IVR only: never queued -> no wait, not abandoned, no handle time, status closed.
Events: ivr_entered A, B1, C, E (4; B2 was a transfer, D a chat); queued A, B1, B2, C, D (5); answered A, B1,
  B2, D (4); abandoned C (1); transferred B2 (1); disconnected on journeys' last legs A, B2, C, D, E (5) = 20.
Messages: A's voice analysis, 3 turns at agent connect 09:01:05 + 0 / 4.2 / 12.5 s; D's chat, 4 turns at their
  AbsoluteTime (customer, system, agent, customer).
Service level (threshold 20 s, short abandon 5 s): answered A, B, D = 3; offered = 3 + C (90 s is not short) = 4;
  answered within 20 s: B (20) and D (15) = 2; abandoned 1.
"""

from __future__ import annotations

import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

FIXTURE = FIXTURES / "amazon_connect"
A = "amazon_connect:11111111-1111-4111-8111-111111111111"
B = "amazon_connect:22222222-2222-4222-8222-222222222201"
C = "amazon_connect:33333333-3333-4333-8333-333333333333"
D = "amazon_connect:44444444-4444-4444-8444-444444444444"
E = "amazon_connect:55555555-5555-4555-8555-555555555555"
INSTANCE = "amazon_connect:arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


@pytest.fixture
def built(warehouse_url: str) -> str:
    result = run_pipeline(make_settings(warehouse_url, FIXTURE, "amazon_connect"), "run")
    assert result.status == SUCCEEDED, result.problems
    return warehouse_url


def test_one_interaction_per_transfer_chain_with_hand_worked_queue_and_handle_figures(built: str) -> None:
    rows = _query(
        built,
        "select interaction_id, channel, status, intent, agent_id, queue_id, customer_id, queue_wait_seconds,"
        " is_abandoned, count_transfers, talk_seconds, hold_seconds, acw_seconds, handle_seconds,"
        " first_reply_calendar_seconds, created_at, closed_at from core.fct_interactions",
    ).set_index("interaction_id")
    assert sorted(rows.index) == [A, B, C, D, E]
    expected = {
        # id: (wait, abandoned, transfers, talk, hold, acw, handle, status)
        A: (25, False, 0, 300, 45, 30, 375, "closed"),
        B: (20, False, 1, 320, 20, 55, 395, "closed"),
        C: (90, True, 0, None, None, None, None, "abandoned"),
        D: (15, False, 0, 240, 0, 60, 300, "closed"),
        E: (None, False, 0, None, None, None, None, "closed"),
    }
    for interaction_id, (wait, abandoned, transfers, talk, hold, acw, handle, status) in expected.items():
        row = rows.loc[interaction_id]
        got = [row.queue_wait_seconds, row.talk_seconds, row.hold_seconds, row.acw_seconds, row.handle_seconds]
        want = [wait, talk, hold, acw, handle]
        for value, target in zip(got, want, strict=True):
            assert (pd.isna(value) if target is None else float(value) == target), (interaction_id, got, want)
        assert bool(row.is_abandoned) is abandoned, interaction_id
        assert int(row.count_transfers) == transfers, interaction_id
        assert row.status == status, interaction_id
    assert rows.loc[A, "intent"] == "billing_refund"  # the re-delivered record (LastUpdateTimestamp 09:30) wins
    assert rows.loc[B, "intent"] == "plan_change"
    assert rows.loc[B, "agent_id"] == f"{INSTANCE}/agent/ag-bob"
    assert rows.loc[B, "queue_id"] == f"{INSTANCE}/queue/q-support"
    assert rows.loc[B, "customer_id"] == "amazon_connect:+14155550102"
    assert pd.Timestamp(rows.loc[B, "created_at"]) == pd.Timestamp("2026-05-04 10:00:00")
    assert pd.Timestamp(rows.loc[B, "closed_at"]) == pd.Timestamp("2026-05-04 10:07:10")
    assert rows.loc[D, "channel"] == "chat"
    assert float(rows.loc[D, "first_reply_calendar_seconds"]) == 60
    assert pd.isna(rows.loc[C, "agent_id"])


def test_events_read_off_each_leg(built: str) -> None:
    events = _query(
        built,
        "select interaction_id, event_type, occurred_at, agent_id, from_value, to_value, reason"
        " from core.fct_interaction_events",
    )
    counts = events.groupby("event_type").size().to_dict()
    assert counts == {"ivr_entered": 4, "queued": 5, "answered": 4, "abandoned": 1, "transferred": 1,
                      "disconnected": 5}
    transfer = events[events.event_type == "transferred"].iloc[0]
    assert transfer.interaction_id == B
    assert pd.Timestamp(transfer.occurred_at) == pd.Timestamp("2026-05-04 10:02:50")
    assert (transfer.from_value, transfer.to_value) == (f"{INSTANCE}/queue/q-sales", f"{INSTANCE}/queue/q-support")
    assert transfer.agent_id == f"{INSTANCE}/agent/ag-alice"
    abandon = events[events.event_type == "abandoned"].iloc[0]
    assert (abandon.interaction_id, abandon.reason) == (C, "customer_disconnect")
    assert pd.Timestamp(abandon.occurred_at) == pd.Timestamp("2026-05-04 11:01:50")
    assert set(events.loc[events.event_type == "ivr_entered", "interaction_id"]) == {A, B, C, E}


def test_contact_lens_turns_become_messages(built: str) -> None:
    messages = _query(
        built,
        "select interaction_id, message_seq, sent_at, author_role, author_id, message_text from core.fct_messages"
        " order by interaction_id, message_seq",
    )
    voice = messages[messages.interaction_id == A]
    assert [pd.Timestamp(t) for t in voice.sent_at] == [
        pd.Timestamp("2026-05-04 09:01:05"), pd.Timestamp("2026-05-04 09:01:09.200"),
        pd.Timestamp("2026-05-04 09:01:17.500"),
    ]
    assert list(voice.author_role) == ["agent", "customer", "agent"]
    assert voice.author_id.iloc[0] == f"{INSTANCE}/agent/ag-alice"
    chat = messages[messages.interaction_id == D]
    assert list(chat.author_role) == ["customer", "system", "agent", "customer"]
    assert pd.Timestamp(chat.sent_at.iloc[2]) == pd.Timestamp("2026-05-04 12:01:00")
    assert chat.message_text.iloc[3] == "Thank you!"
    assert len(messages) == 7


def test_customers_agents_and_queues(built: str) -> None:
    customers = _query(built, "select customer_id, email, phone from core.dim_customers").set_index("customer_id")
    assert sorted(customers.index) == sorted(
        f"amazon_connect:{key}" for key in ("CUST-001", "+14155550102", "+14155550103", "CUST-004", "+14155550105")
    )
    assert customers.loc["amazon_connect:CUST-004", "email"] == "dana@example.com"  # " Dana@Example.com " trimmed
    assert customers.loc["amazon_connect:CUST-001", "phone"] == "+14155550101"
    agents = _query(built, "select agent_name, team_name, agent_kind from core.dim_agents").set_index("agent_name")
    assert agents["team_name"].to_dict() == {"alice": "Billing Team", "bob": "Support Team", "carol": "Support Team"}
    assert set(agents.agent_kind) == {"human"}
    queues = _query(built, "select queue_name, channel from core.dim_queues").set_index("queue_name")
    assert queues["channel"].to_dict() == {"Billing": "voice", "Sales": "voice", "Support": "voice",
                                          "Chat Support": "chat"}


def test_service_level_totals(built: str) -> None:
    totals = _query(
        built,
        "select sum(count_interactions) as interactions, sum(count_offered) as offered,"
        " sum(count_answered) as answered, sum(count_answered_within_threshold) as within_threshold,"
        " sum(count_abandoned) as abandoned from marts.service_daily",
    ).iloc[0]
    assert {k: float(v) for k, v in totals.items()} == {
        "interactions": 5, "offered": 4, "answered": 3, "within_threshold": 2, "abandoned": 1,
    }


def test_truncated_record_is_quarantined_and_a_second_run_adds_nothing(built: str) -> None:
    rejects = _query(built, "select stream, source_file, source_line, reason from ops.rejected_records")
    assert len(rejects) == 1
    reject = rejects.iloc[0]
    assert reject.stream == "contacts"
    assert reject.source_file.endswith("connect-ctr-stream-1-2026-05-04-09-00-00.jsonl")
    assert int(reject.source_line) == 4
    assert "truncated" in reject.reason
    raw_contacts = int(_query(built, "select count(*) as n from raw.amazon_connect__contacts").iloc[0, 0])
    assert raw_contacts == 7  # 3 + 4 records, A's two deliveries differ and both stay in raw
    again = run_pipeline(make_settings(built, FIXTURE, "amazon_connect"), "run")
    assert again.rows_loaded == 0
    assert len(_query(built, "select interaction_id from core.fct_interactions")) == 5
