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
    queued 10:02:50 (Support), agent bob 10:03:30. Queue wait over the journey = leg 1 20 s (10:00:30 -> dequeued
    10:00:50) + leg 2 40 s (10:02:50 -> dequeued 10:03:30) = 60 s; speed of answer = first queued 10:00:30 ->
    first answered 10:00:50 = 20 s (the service level is measured on it).
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
from tests.conftest import FIXTURES, expected_pseudonym, make_settings

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
        B: (60, False, 1, 320, 20, 55, 395, "closed"),
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
    speed = _query(built, "select interaction_id, speed_of_answer_seconds from core.fct_interactions")
    assert float(speed.set_index("interaction_id").loc[B, "speed_of_answer_seconds"]) == 20
    assert rows.loc[A, "intent"] == "billing_refund"  # the re-delivered record (LastUpdateTimestamp 09:30) wins
    assert rows.loc[B, "intent"] == "plan_change"
    assert rows.loc[B, "agent_id"] == f"{INSTANCE}/agent/ag-bob"
    assert rows.loc[B, "queue_id"] == f"{INSTANCE}/queue/q-support"
    assert rows.loc[B, "customer_id"] == "amazon_connect:" + expected_pseudonym("ph_", "+14155550102")
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
        f"amazon_connect:{key}" for key in ("CUST-001", *(expected_pseudonym("ph_", phone) for phone in (
            "+14155550102", "+14155550103", "+14155550105")), "CUST-004")
    )  # a customer without an id is known by its phone, pseudonymised at ingest (docs/privacy.md)
    # " Dana@Example.com " trimmed and lower-cased before its key is computed
    assert customers.loc["amazon_connect:CUST-004", "email"] == expected_pseudonym("em_", "dana@example.com")
    assert customers.loc["amazon_connect:CUST-001", "phone"] == expected_pseudonym("ph_", "+14155550101")
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


# ---------------------------------------------------------------- journeys: transfers, a callback, direction,
# Contact Lens analyses (tests/fixtures/amazon_connect_journeys, 2026-05-05 UTC, built once per engine)
#
# connect-ctr-journeys-2026-05-05.jsonl (one record per line) and connect-ctr-journeys-2026-05-05-11-00-00 (two
# records concatenated, as Firehose writes them), following the contact record data model and the documented
# queued-callback example (adminguide/queued-callback-example.html):
#   T  T1 INBOUND voice, Sales: EnqueueTimestamp 09:00:12, DequeueTimestamp 09:01:00, Queue.Duration 48; alice
#      connected 09:01:00, AgentInteractionDuration 160, CustomerHoldDuration 20, ACW 30; NextContactId T2.
#      T2 TRANSFER (InitialContactId = PreviousContactId = T1), Support: enqueued 09:04:05, dequeued 09:05:40,
#      Duration 95; bob connected 09:05:40, interaction 300, hold 45, ACW 60.
#   K  K1 INBOUND voice, Billing: enqueued 11:35:00, dequeued 11:37:00 (Duration 120) when the customer asked
#      for a callback; no agent, CONTACT_FLOW_DISCONNECT at 11:37:00. K2 CALLBACK initiated 11:37:00, put in
#      CallbackQueue after the flow's 99 s initial delay (EnqueueTimestamp 11:38:39), taken by an agent at
#      DequeueTimestamp 11:39:00, Queue.Duration 120 (= 99 s delay + 21 s in queue); customer called 11:39:10,
#      carol connected 11:39:25, interaction 335, hold 0, ACW 25.
#   O  OUTBOUND voice (dave dialled): no queue wait; interaction 240, ACW 30.
#   A  API voice (StartOutboundVoiceContact): Outbound Campaign queue 14:00:25 -> 14:00:31 (Duration 6); erin
#      connected 14:00:31; interaction 120, ACW 10.
#   C  API chat (StartChatContact): Chat Support 15:00:30 -> 15:00:50 (Duration 20); frank connected 15:00:50;
#      interaction 400, ACW 20.
#   X  EXTERNAL_OUTBOUND voice (gina): no queue; interaction 90, ACW 0.
# Contact Lens: T2's analysis (raw and redacted twins, same analysis time 09:13:00), C's chat analysis.

JOURNEYS = FIXTURES / "amazon_connect_journeys"
T = "amazon_connect:a1000000-0000-4000-8000-000000000001"
T2_ANALYSIS = "amazon_connect:a1000000-0000-4000-8000-000000000002"
K = "amazon_connect:b2000000-0000-4000-8000-000000000001"
OUTBOUND_CALL = "amazon_connect:c3000000-0000-4000-8000-000000000001"
API_VOICE = "amazon_connect:d4000000-0000-4000-8000-000000000001"
API_CHAT = "amazon_connect:e5000000-0000-4000-8000-000000000001"
X = "amazon_connect:f6000000-0000-4000-8000-000000000001"


@pytest.fixture(scope="module")
def journeys(module_warehouse_url: str) -> str:
    result = run_pipeline(make_settings(module_warehouse_url, JOURNEYS, "amazon_connect"), "run")
    assert result.status == SUCCEEDED, result.problems
    return module_warehouse_url


def _journeys(url: str) -> pd.DataFrame:
    return _query(
        url,
        "select interaction_id, direction, status, queue_wait_seconds, speed_of_answer_seconds, is_answered,"
        " is_abandoned, is_answered_within_threshold, count_transfers, talk_seconds, hold_seconds, acw_seconds,"
        " handle_seconds from core.fct_interactions",
    ).set_index("interaction_id")


def test_a_transferred_journey_waited_in_both_queues_and_was_answered_after_its_first(journeys: str) -> None:
    """T: queue wait = leg 1 (09:00:12 -> 09:01:00) 48 s + leg 2 (09:04:05 -> 09:05:40) 95 s = 143 s (was 48:
    only the first leg counted). Speed of answer = first queue entry 09:00:12 -> first answer 09:01:00 = 48 s,
    over the 20 s threshold. One transfer (T2 started by TRANSFER). talk 160 + 300 = 460, hold 20 + 45 = 65,
    ACW 30 + 60 = 90, handle 460 + 65 + 90 = 615."""
    row = _journeys(journeys).loc[T]
    assert float(row.queue_wait_seconds) == 48 + 95
    assert float(row.speed_of_answer_seconds) == 48
    assert bool(row.is_answered) and not bool(row.is_answered_within_threshold)
    assert int(row.count_transfers) == 1
    assert [float(row[c]) for c in ("talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds")] == [
        160 + 300, 20 + 45, 30 + 60, 615]


def test_a_queued_callback_waits_its_queue_duration_from_the_request_not_from_its_enqueue(journeys: str) -> None:
    """K: the inbound leg waited 11:35:00 -> 11:37:00 = 120 s on the line; the callback waited from its creation
    11:37:00 to an agent taking it 11:39:00 = 120 s, its Queue.Duration (the 99 s initial delay + 21 s in
    queue); DequeueTimestamp - EnqueueTimestamp would give only 11:38:39 -> 11:39:00 = 21 s (141 s in all).
    Queue wait = 120 + 120 = 240 s. Speed of answer = first queue entry 11:35:00 -> carol connected 11:39:25
    = 265 s. The inbound leg ended by the flow (CONTACT_FLOW_DISCONNECT), not by the customer: not abandoned.
    talk 335, hold 0, ACW 25, handle 360; a callback is not a transfer."""
    row = _journeys(journeys).loc[K]
    assert float(row.queue_wait_seconds) == 120 + 120
    assert float(row.speed_of_answer_seconds) == 4 * 60 + 25
    assert bool(row.is_answered) and not bool(row.is_abandoned)
    assert int(row.count_transfers) == 0
    assert [float(row[c]) for c in ("talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds")] == [
        335, 0, 25, 360]


def test_direction_follows_the_initiation_method_of_the_journeys_first_leg(journeys: str) -> None:
    """INBOUND (T, its TRANSFER leg inherits; K, its CALLBACK leg too) and API chat (StartChatContact, C) are the
    customer's: inbound. OUTBOUND (O), API voice (StartOutboundVoiceContact, A) and EXTERNAL_OUTBOUND (X) are the
    company's: outbound. Waits: A 14:00:25 -> 14:00:31 = 6 s, C 15:00:30 -> 15:00:50 = 20 s (within 20 s); O and X
    were never queued (no wait, not answered from a queue)."""
    rows = _journeys(journeys)
    assert rows["direction"].to_dict() == {
        T: "inbound", K: "inbound", API_CHAT: "inbound",
        OUTBOUND_CALL: "outbound", API_VOICE: "outbound", X: "outbound",
    }
    assert float(rows.loc[API_VOICE, "queue_wait_seconds"]) == 6
    assert float(rows.loc[API_CHAT, "queue_wait_seconds"]) == 20
    assert bool(rows.loc[API_CHAT, "is_answered_within_threshold"])
    assert rows.loc[[OUTBOUND_CALL, X], "queue_wait_seconds"].isna().all()
    assert not rows.loc[[OUTBOUND_CALL, X], "is_answered"].any()


def test_vendor_figures_are_connects_own_summed_over_legs(journeys: str) -> None:
    """One row per journey x figure, each leg as Connect reports it: queue_wait = sum of Queue.Duration
    (T 48 + 95 = 143; K 120 + 120 = 240; A 6; C 20; O and X have none), talk = sum of AgentInteractionDuration,
    hold = sum of CustomerHoldDuration, acw = sum of AfterContactWorkDuration, handle = sum over legs of the
    three (T (160 + 20 + 30) + (300 + 45 + 60) = 615), transfers = legs started by TRANSFER/QUEUE_TRANSFER."""
    figures = _query(
        journeys,
        "select interaction_id, figure_name, figure_basis, vendor_value, figure_unit"
        " from staging.int_vendor_figures_unioned where source_system = 'amazon_connect'",
    )
    got = {(r.interaction_id, r.figure_name): (float(r.vendor_value), r.figure_unit) for r in figures.itertuples()}
    assert set(figures["figure_basis"]) == {"none"}
    expected = {
        T: {"queue_wait": 143, "talk": 460, "hold": 65, "acw": 90, "handle": 615, "transfers": 1},
        K: {"queue_wait": 240, "talk": 335, "hold": 0, "acw": 25, "handle": 360, "transfers": 0},
        OUTBOUND_CALL: {"talk": 240, "hold": 0, "acw": 30, "handle": 270, "transfers": 0},
        API_VOICE: {"queue_wait": 6, "talk": 120, "hold": 0, "acw": 10, "handle": 130, "transfers": 0},
        API_CHAT: {"queue_wait": 20, "talk": 400, "hold": 0, "acw": 20, "handle": 420, "transfers": 0},
        X: {"talk": 90, "hold": 0, "acw": 0, "handle": 90, "transfers": 0},
    }
    want = {(journey, name): (float(value), "count" if name == "transfers" else "seconds")
            for journey, values in expected.items() for name, value in values.items()}
    assert got == want


def test_contact_lens_sentiment_talk_time_and_categories_reach_core(journeys: str) -> None:
    """T2's analysis (its raw and redacted files give one analysis): OverallSentiment CUSTOMER -0.8, AGENT 2.5;
    TalkTime 284000 ms = 284 s, NonTalkTime 61000 ms = 61 s, TotalConversationDurationMillis 345000 = 345 s,
    Interruptions.TotalCount 2; it belongs to journey T. C's chat analysis: DetailsByParticipantRole CUSTOMER
    0.6, AGENT 1.2, no talk figures. Categories: T2 Cancellation, Retention offer; C Damaged item."""
    analyses = _query(
        journeys,
        "select analysis_id, interaction_id, customer_sentiment_score, agent_sentiment_score, talk_seconds,"
        " non_talk_seconds, conversation_seconds, count_interruptions from core.fct_vendor_contact_analyses",
    ).set_index("analysis_id")
    assert sorted(analyses.index) == [T2_ANALYSIS, API_CHAT]
    voice = analyses.loc[T2_ANALYSIS]
    assert voice.interaction_id == T
    assert [float(voice[c]) for c in ("customer_sentiment_score", "agent_sentiment_score", "talk_seconds",
                                      "non_talk_seconds", "conversation_seconds")] == [-0.8, 2.5, 284, 61, 345]
    assert int(voice.count_interruptions) == 2
    chat = analyses.loc[API_CHAT]
    assert (float(chat.customer_sentiment_score), float(chat.agent_sentiment_score)) == (0.6, 1.2)
    assert chat[["talk_seconds", "non_talk_seconds", "conversation_seconds", "count_interruptions"]].isna().all()
    categories = _query(journeys, "select interaction_id, category_name from core.fct_vendor_categories")
    assert sorted(map(tuple, categories.to_numpy().tolist())) == [
        (T, "Cancellation"), (T, "Retention offer"), (API_CHAT, "Damaged item")]


def test_each_message_carries_contact_lens_sentiment_beside_ours(journeys: str) -> None:
    """T2's four voice turns, placed at bob's connection 09:05:40 + BeginOffsetMillis (0, 3.5, 9.5, 16 s), carry
    their own Sentiment: NEUTRAL, NEGATIVE, POSITIVE, MIXED; the redacted file (loaded after the raw one) gives
    the first turn's text. C's chat: 7 transcript items, of which 3 EVENTs (participants joining and leaving, no
    Content) are not messages; the 4 messages take their group's sentiment (DetailsByTranscriptItemGroup):
    customer NEGATIVE, system none, agent NEUTRAL, customer POSITIVE."""
    messages = _query(
        journeys,
        "select interaction_id, message_seq, sent_at, author_role, vendor_sentiment, message_text"
        " from core.fct_messages order by interaction_id, message_seq",
    )
    voice = messages[messages.interaction_id == T]
    assert [pd.Timestamp(t) for t in voice.sent_at] == [
        pd.Timestamp("2026-05-05 09:05:40"), pd.Timestamp("2026-05-05 09:05:43.500"),
        pd.Timestamp("2026-05-05 09:05:49.500"), pd.Timestamp("2026-05-05 09:05:56")]
    assert list(voice.vendor_sentiment) == ["neutral", "negative", "positive", "mixed"]
    assert voice.message_text.iloc[0] == "Thanks for holding, this is [PII] from Support."
    chat = messages[messages.interaction_id == API_CHAT]
    assert list(chat.author_role) == ["customer", "system", "agent", "customer"]
    assert [None if pd.isna(v) else v for v in chat.vendor_sentiment] == ["negative", None, "neutral", "positive"]
    assert len(messages) == 8
