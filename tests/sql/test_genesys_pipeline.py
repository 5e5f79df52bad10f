"""The whole pipeline on the Genesys Cloud fixture (tests/fixtures/genesys), on DuckDB and PostgreSQL.

The fixture follows the analytics conversation detail schema of the Genesys Cloud Platform API (see the
docstring of etl/sources/genesys.py). Five conversations on 2026-06-02 (UTC); metric values are in ms.

A  voice, Billing queue. acd interact 09:00:15-09:00:27; Alice tAnswered emitted 09:00:27; she talks
   09:00:27-09:03:00 (153 s), holds 09:03:00-09:04:00 (60 s), talks 09:04:00-09:07:00 (180 s), wraps up
   09:07:00-09:07:30. queued 09:00:15 -> answered 09:00:27 = 12 s (within 20 s).
   tTalkComplete 333000 -> 333 s (153 + 180); tHeldComplete 60000 -> 60 s; tAcw 30000 -> 30 s;
   handle = 333 + 60 + 30 = 423 s. Events: ivr_entered, queued, answered, hold_started, hold_ended.
B  voice, Billing queue. acd interact 10:00:10-10:00:50, tAbandon 40000 emitted 10:00:50; Bob was alerted
   (tAlert, tNotResponding) but never answered. queued 10:00:10 -> abandoned 10:00:50 = 40 s: abandoned,
   offered, not a short abandon. No talk: talk/hold/acw/handle null.
C  voice, Support queue. acd interact 11:00:05-11:00:08, tAbandon 3000 at 11:00:08: 3 s < 5 s, a short
   abandon, left out of offered.
D  voice. Billing: acd 12:00:10-12:00:25, Alice tAnswered at 12:00:25, talks 240 s, nTransferred 1 (with
   nBlindTransferred) at 12:04:25, tAcw 20 s. Support: acd 12:04:25-12:04:55, Carol tAnswered at 12:04:55,
   talks 330 s, tAcw 15 s. Queue wait = both acd interact segments: 12:00:10-12:00:25 (15 s) + 12:04:25-12:04:55
   (30 s) = 45 s; speed of answer = first queue entry 12:00:10 -> first answer 12:00:25 = 15 s (within 20 s).
   One transfer. talk 240 + 330 = 570; hold 0 (no tHeldComplete); acw 20 + 15 = 35;
   handle 605. Last queue Support, last agent Carol, intent = Carol's wrap-up code.
E  web messaging (mediaType message -> chat). The Order Assistant bot (purpose workflow, flow DIGITALBOT)
   13:00:00-13:03:00, then Chat Support acd 13:03:00-13:03:45, Dan tAnswered at 13:03:45: wait 45 s
   (answered late). bot_started 13:00:00, handoff 13:03:00 -> service path bot_to_human. talk 240, hold 0,
   acw 15, handle 255.
service_daily (threshold 20 s, short abandon 5 s): offered A, B, D, E = 4; answered A, D, E = 3; within
threshold A (12 s), D (15 s) = 2; abandoned B = 1; short abandons C = 1.
The JSONL file's second line is truncated: one record quarantined, from line 2.
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


def _phone(e164: str) -> str:
    return expected_pseudonym("ph_", e164)


FIXTURE = FIXTURES / "genesys"
A = "genesys:a349b186-e80a-5334-b373-25d6a0ff3cec"
B = "genesys:134f5032-024e-56cc-83f9-25143c210565"
C = "genesys:4f0b7f10-4e11-5c55-8893-65b8b69a7461"
D = "genesys:46c951db-28e7-5aff-a70a-5dc8223192c8"
E = "genesys:c42c5db8-fb2c-5546-bfdc-eafc10af9a98"
BILLING = "genesys:8c6f2d14-3a5b-4f7e-b1c2-d3e4f5a6b7c8"
SUPPORT = "genesys:1e2d3c4b-5a69-4788-97a6-b5c4d3e2f1a0"
CHAT_SUPPORT = "genesys:4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d"
ALICE = "genesys:3b0f4e2a-9d8c-4b7a-8e6f-5d4c3b2a1f01"
BOB = "genesys:3b0f4e2a-9d8c-4b7a-8e6f-5d4c3b2a1f02"
CAROL = "genesys:3b0f4e2a-9d8c-4b7a-8e6f-5d4c3b2a1f03"
DAN = "genesys:3b0f4e2a-9d8c-4b7a-8e6f-5d4c3b2a1f04"
ORDER_BOT = "genesys:d7c6b5a4-f3e2-4d1c-b0a9-f8e7d6c5b4a3"


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _run(url: str, source: Path = FIXTURE) -> None:
    result = run_pipeline(make_settings(url, source, "genesys"), "run")
    assert result.status == SUCCEEDED, result.problems


def _contacts(url: str) -> pd.DataFrame:
    return _query(
        url,
        "select interaction_id, channel, service_path, status, queue_id, agent_id, intent, queue_wait_seconds,"
        " is_answered, is_abandoned, is_short_abandon, is_offered, is_answered_within_threshold, count_transfers,"
        " count_holds, talk_seconds, hold_seconds, acw_seconds, handle_seconds from core.fct_interactions",
    ).set_index("interaction_id")


def test_interactions_carry_the_hand_worked_queue_outcomes_and_durations(warehouse_url: str) -> None:
    _run(warehouse_url)
    contacts = _contacts(warehouse_url)
    assert sorted(contacts.index) == sorted([A, B, C, D, E])
    expected = {
        # id: (wait s, answered, abandoned, short abandon, offered, within 20 s, transfers, holds)
        A: (12.0, True, False, False, True, True, 0, 1),
        B: (40.0, False, True, False, True, False, 0, 0),
        C: (3.0, False, True, True, False, False, 0, 0),
        D: (45.0, True, False, False, True, True, 1, 0),
        E: (45.0, True, False, False, True, False, 0, 0),
    }
    for interaction_id, values in expected.items():
        row = contacts.loc[interaction_id]
        actual = (
            float(row["queue_wait_seconds"]), bool(row["is_answered"]), bool(row["is_abandoned"]),
            bool(row["is_short_abandon"]), bool(row["is_offered"]), bool(row["is_answered_within_threshold"]),
            int(row["count_transfers"]), int(row["count_holds"]),
        )
        assert actual == values, interaction_id
    durations = {
        # id: (talk, hold, acw, handle) in seconds
        A: (333.0, 60.0, 30.0, 423.0),
        D: (570.0, 0.0, 35.0, 605.0),
        E: (240.0, 0.0, 15.0, 255.0),
    }
    for interaction_id, values in durations.items():
        row = contacts.loc[interaction_id]
        assert tuple(float(row[c]) for c in ("talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds")) \
            == values, interaction_id
    for interaction_id in (B, C):
        assert contacts.loc[[interaction_id], ["talk_seconds", "handle_seconds"]].isna().all(axis=None)


def test_interactions_carry_channel_path_status_queue_and_agent(warehouse_url: str) -> None:
    _run(warehouse_url)
    contacts = _contacts(warehouse_url)
    assert contacts.loc[E, "channel"] == "chat"  # mediaType message
    assert set(contacts.loc[[A, B, C, D], "channel"]) == {"voice"}
    assert contacts.loc[E, "service_path"] == "bot_to_human"
    assert set(contacts.loc[[A, B, C, D], "service_path"]) == {"human_only"}
    assert list(contacts.loc[[A, B, C, D, E], "status"]) == ["closed", "abandoned", "abandoned", "closed", "closed"]
    # D was transferred from Billing to Support: the last queue and the last agent who answered
    assert contacts.loc[D, "queue_id"] == SUPPORT
    assert contacts.loc[D, "agent_id"] == CAROL
    # its wrap-up code id ...c63, named by no wrap-up code list, maps onto no intent of the taxonomy
    assert contacts.loc[D, "intent"] == "unclassified"
    # Bob was only alerted on B: nobody handled it
    assert pd.isna(contacts.loc[B, "agent_id"])
    assert contacts.loc[B, "queue_id"] == BILLING


def test_events_follow_segments_and_metrics(warehouse_url: str) -> None:
    _run(warehouse_url)
    events = _query(
        warehouse_url,
        "select interaction_id, event_seq, event_type, cast(occurred_at as text) as occurred_at, agent_id,"
        " queue_id, reason from core.fct_interaction_events order by interaction_id, event_seq",
    )

    def trail(interaction_id: str) -> list[tuple[str, str]]:
        rows = events[events["interaction_id"] == interaction_id]
        return [(row.event_type, row.occurred_at[11:19]) for row in rows.itertuples()]

    assert trail(A) == [("ivr_entered", "09:00:00"), ("queued", "09:00:15"), ("answered", "09:00:27"),
                        ("hold_started", "09:03:00"), ("hold_ended", "09:04:00")]
    assert trail(B) == [("ivr_entered", "10:00:00"), ("queued", "10:00:10"), ("abandoned", "10:00:50")]
    assert trail(C) == [("ivr_entered", "11:00:00"), ("queued", "11:00:05"), ("abandoned", "11:00:08")]
    d_types = sorted(event_type for event_type, _ in trail(D))
    assert d_types == ["answered", "answered", "ivr_entered", "queued", "queued", "transferred"]
    assert trail(E) == [("bot_started", "13:00:00"), ("handoff", "13:03:00"), ("queued", "13:03:00"),
                        ("answered", "13:03:45")]
    transfer = events[events["event_type"] == "transferred"].iloc[0]
    assert (transfer["agent_id"], transfer["queue_id"], transfer["reason"]) == (ALICE, BILLING, "blind")
    answers = events[(events["interaction_id"] == D) & (events["event_type"] == "answered")]
    assert list(zip(answers["agent_id"], answers["queue_id"], strict=True)) == [(ALICE, BILLING), (CAROL, SUPPORT)]
    bot = events[events["event_type"] == "bot_started"].iloc[0]
    assert bot["agent_id"] == ORDER_BOT


def test_service_daily_totals(warehouse_url: str) -> None:
    _run(warehouse_url)
    totals = _query(
        warehouse_url,
        "select count(distinct date_day) as days, sum(count_interactions) as interactions,"
        " sum(count_offered) as offered, sum(count_answered) as answered,"
        " sum(count_answered_within_threshold) as within_threshold, sum(count_abandoned) as abandoned,"
        " sum(count_short_abandoned) as short_abandoned, sum(sum_speed_of_answer_seconds) as speed_of_answer"
        " from marts.service_daily",
    ).iloc[0]
    assert int(totals["days"]) == 1
    assert int(totals["interactions"]) == 5
    assert int(totals["offered"]) == 4
    assert int(totals["answered"]) == 3
    assert int(totals["within_threshold"]) == 2
    assert int(totals["abandoned"]) == 1
    assert int(totals["short_abandoned"]) == 1
    assert float(totals["speed_of_answer"]) == pytest.approx(12 + 15 + 45)


def test_dimensions_come_from_participants(warehouse_url: str) -> None:
    _run(warehouse_url)
    queues = _query(warehouse_url, "select queue_id, queue_name, channel from core.dim_queues").set_index("queue_id")
    assert queues.to_dict("index") == {
        BILLING: {"queue_name": "Billing", "channel": "voice"},
        SUPPORT: {"queue_name": "Support", "channel": "voice"},
        CHAT_SUPPORT: {"queue_name": "Chat Support", "channel": "chat"},
    }
    agents = _query(warehouse_url, "select agent_id, agent_name, agent_kind from core.dim_agents").set_index("agent_id")
    assert agents.to_dict("index") == {
        ALICE: {"agent_name": "Alice Martin", "agent_kind": "human"},
        BOB: {"agent_name": "Bob Chen", "agent_kind": "human"},
        CAROL: {"agent_name": "Carol Diaz", "agent_kind": "human"},
        DAN: {"agent_name": "Dan Okafor", "agent_kind": "human"},
        ORDER_BOT: {"agent_name": "Order Assistant", "agent_kind": "bot"},
    }
    customers = _query(
        warehouse_url,
        "select customer_id, email, phone, cast(created_at as text) as created_at from core.dim_customers",
    ).set_index("customer_id")
    # B and D came from the same number: four customers; E is a known external contact
    # addresses are pseudonymised at ingest (docs/privacy.md): a customer known by its number carries its key
    b_and_d = "genesys:" + _phone("+13175550102")
    assert sorted(customers.index) == sorted([
        "genesys:" + _phone("+13175550101"), b_and_d, "genesys:" + _phone("+13175550103"),
        "genesys:5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e",
    ])
    assert customers.loc[b_and_d, "phone"] == _phone("+13175550102")
    assert customers.loc[b_and_d, "created_at"].startswith("2026-06-02 10:00:00")  # B, before D
    ana = customers.loc["genesys:5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e", "email"]
    assert ana == expected_pseudonym("em_", "ana.silva@example.com")
    contacts = _query(warehouse_url, "select interaction_id, customer_id from core.fct_interactions")
    assert set(contacts.loc[contacts["interaction_id"].isin([B, D]), "customer_id"]) == {b_and_d}


def test_the_truncated_line_is_quarantined_with_file_and_line(warehouse_url: str) -> None:
    _run(warehouse_url)
    rejects = _query(warehouse_url, "select stream, source_file, source_line, reason from ops.rejected_records")
    assert len(rejects) == 1
    reject = rejects.iloc[0]
    assert reject["stream"] == "conversations"
    assert Path(reject["source_file"]).name == "conversations-2026-06-02.jsonl"
    assert int(reject["source_line"]) == 2
    assert reject["reason"].startswith("invalid JSON")


def test_a_page_exported_again_under_another_name_adds_nothing(warehouse_url: str, tmp_path: Path) -> None:
    source = tmp_path / "exports"
    shutil.copytree(FIXTURE, source)
    settings = make_settings(warehouse_url, source, "genesys")
    run_pipeline(settings, "run")
    before = _contacts(warehouse_url)
    # the overlapping export repeats page 1 (A, B, C), compact and in another order (another file digest):
    # 3 + 11 + 11 + 20 + 23 = 68 records, all known
    page = json.loads((source / "conversations-page-1.json").read_text(encoding="utf-8"))
    page["conversations"].reverse()
    (source / "conversations-page-1-again.json").write_text(json.dumps(page), encoding="utf-8")
    result = run_pipeline(settings, "run")
    again = next(f for f in result.files if f.path.name == "conversations-page-1-again.json")
    assert (again.rows_loaded, again.rows_duplicate) == (0, 68)
    pd.testing.assert_frame_equal(_contacts(warehouse_url).sort_index(), before.sort_index())


def _callback_without_acd_participant() -> dict[str, object]:
    """A callback whose queue shows only on the customer's segments, answered by a user (purpose user)."""
    def segment(segment_type: str, start: str, end: str, **extra: str) -> dict[str, str]:
        return {"segmentStart": f"2026-06-03T{start}Z", "segmentEnd": f"2026-06-03T{end}Z",
                "segmentType": segment_type, **extra}

    queue = SUPPORT.removeprefix("genesys:")
    return {
        "conversationId": "f0000000-0000-4000-8000-00000000000f",
        "conversationStart": "2026-06-03T08:00:00Z", "conversationEnd": "2026-06-03T08:05:00Z",
        "originatingDirection": "outbound",
        "participants": [
            {"participantId": "pf-customer", "purpose": "customer", "sessions": [{
                "sessionId": "sf-customer", "mediaType": "callback", "ani": "tel:+13175550199",
                "segments": [segment("interact", "08:00:00", "08:00:30", queueId=queue),
                             segment("interact", "08:00:30", "08:05:00", queueId=queue)]}]},
            {"participantId": "pf-user", "purpose": "user", "userId": "eve-0001", "participantName": "Eve Laurent",
             "sessions": [{
                 "sessionId": "sf-user", "mediaType": "callback",
                 "metrics": [{"name": "tAnswered", "value": 30000, "emitDate": "2026-06-03T08:00:30Z"},
                             {"name": "tTalkComplete", "value": 210000, "emitDate": "2026-06-03T08:04:00Z"},
                             {"name": "tAcw", "value": 60000, "emitDate": "2026-06-03T08:05:00Z"}],
                 "segments": [segment("interact", "08:00:30", "08:04:00", queueId=queue),
                              segment("wrapup", "08:04:00", "08:05:00", queueId=queue)]}]},
        ],
    }


def test_a_callback_queued_only_on_the_customer_segments(warehouse_url: str, tmp_path: Path) -> None:
    # queued at the customer's first segment naming a queue (08:00:00), answered at tAnswered's emitDate
    # (08:00:30): wait 30 s; talk 210 s, no hold (0), acw 60 s -> handle 270 s; callback counts as voice
    (tmp_path / "callbacks.jsonl").write_text(json.dumps(_callback_without_acd_participant()) + "\n",
                                              encoding="utf-8")
    _run(warehouse_url, tmp_path)
    row = _contacts(warehouse_url).loc["genesys:f0000000-0000-4000-8000-00000000000f"]
    assert row["channel"] == "voice"
    assert (float(row["queue_wait_seconds"]), bool(row["is_answered"])) == (30.0, True)
    assert (row["queue_id"], row["agent_id"]) == (SUPPORT, "genesys:eve-0001")
    assert tuple(float(row[c]) for c in ("talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds")) \
        == (210.0, 0.0, 60.0, 270.0)


# ---------------------------------------------------------------- direction, surveys, wrap-up code names, queue
# time and Genesys's own figures (tests/fixtures/genesys_surveys, 2026-06-04 UTC, built once per engine)
#
# conversations-2026-06-04.jsonl (one conversation per line) and conversations-page-1.json (an analytics query
# response page), following AnalyticsConversation / AnalyticsSurvey; wrapupcodes-page-1.json and -page-2.json,
# two pages of GET /api/v2/routing/wrapupcodes (WrapupCodeEntityListing: 2 + 1 entities, pageCount 2):
#   ...a1 "Billing - Refund", ...c3 "Delivery - Damaged item", ...d9 "Sales - Upgrade". Code ...b2 is in no list.
#   G1 inbound voice, Billing: acd interact 09:00:10-09:00:28 (tAcd 18000), Alice tAnswered at 09:00:28; tTalk
#      120000 + 120000, tTalkComplete 240000, tHeld = tHeldComplete 40000, tAcw 30000, tHandle 310000; wrap-up
#      ...a1. Survey Finished: surveyPromoterScore 9, oSurveyTotalScore 80, completed 09:20:00.
#   G2 outbound voice (originatingDirection outbound), Bob dialled an external party: tTalk = tTalkComplete
#      150000, tAcw 20000, tHandle 170000; no acd; wrap-up ...b2. Survey OptOut (not an answer).
#   G3 inbound web messaging: Chat Support acd 13:00:05-13:00:25 (tAcd 20000), Carol tAnswered 13:00:25, tTalk
#      180000, nTransferred 1 (blind), tAcw 15000, tHandle 195000, wrap-up ...d9; Returns acd 13:03:25-13:04:00
#      (tAcd 35000), Dan tAnswered 13:04:00, tTalk 240000, tAcw 25000, tHandle 265000, wrap-up ...c3 (the
#      latest). Surveys: Finished with oSurveyTotalScore 45 and no promoter score, completed 13:30:00; Sent.

SURVEYED = FIXTURES / "genesys_surveys"
G1 = "genesys:9b1e0000-0000-4000-8000-000000000001"
G2 = "genesys:9b1e0000-0000-4000-8000-000000000002"
G3 = "genesys:9b1e0000-0000-4000-8000-000000000003"
UNNAMED_WRAP_UP = "7c0d0000-0000-4000-8000-0000000000b2"


@pytest.fixture(scope="module")
def surveyed(module_warehouse_url: str) -> str:
    result = run_pipeline(make_settings(module_warehouse_url, SURVEYED, "genesys"), "run")
    assert result.status == SUCCEEDED, result.problems
    return module_warehouse_url


def test_direction_and_wrap_up_names_reach_the_interactions(surveyed: str) -> None:
    """originatingDirection: G1 and G3 inbound, G2 outbound. Intent = the latest wrap-up segment's code, named by
    the wrap-up code list: G1 ...a1 -> "Billing - Refund"; G3's latest wrap-up (Dan, 13:08:00) ...c3 ->
    "Delivery - Damaged item" (Carol's earlier ...d9 is not the intent); G2's ...b2 is in no list: its id stays
    (was: every intent a GUID, no direction). The fixture taxonomy maps the two names onto billing_refund and
    damaged_item; G2's id maps onto nothing: G2 is unclassified and the id is listed to be mapped."""
    contacts = _query(surveyed, "select interaction_id, direction, intent, intent_reason, channel"
                                " from core.fct_interactions")
    contacts = contacts.set_index("interaction_id")
    assert contacts["direction"].to_dict() == {G1: "inbound", G2: "outbound", G3: "inbound"}
    assert contacts["intent"].to_dict() == {G1: "billing_refund", G2: "unclassified", G3: "damaged_item"}
    assert contacts.loc[G1, "intent_reason"] == "genesys wrap_up_code = Billing - Refund"
    unmapped = _query(surveyed, "select source_kind, vendor_field, vendor_value, count_contacts"
                                " from ops.intent_unmapped_vendor_values")
    assert [tuple(r) for r in unmapped.itertuples(index=False)] == [("genesys", "wrap_up_code", UNNAMED_WRAP_UP, 1)]
    assert contacts.loc[G3, "channel"] == "chat"


def test_wrap_up_codes_no_list_names_are_listed_for_the_lead(surveyed: str) -> None:
    """Codes on wrap-up segments: ...a1 (G1), ...b2 (G2), ...d9 and ...c3 (G3); the two pages name a1, c3, d9:
    only ...b2 is unnamed, on 1 conversation, its wrap-up segment starting 11:02:45."""
    unnamed = _query(surveyed, "select wrap_up_code, count_conversations, first_seen_at"
                               " from ops.genesys_unmapped_wrap_up_codes")
    assert unnamed["wrap_up_code"].tolist() == [UNNAMED_WRAP_UP]
    assert int(unnamed["count_conversations"].iloc[0]) == 1
    assert pd.Timestamp(unnamed["first_seen_at"].iloc[0]) == pd.Timestamp("2026-06-04 11:02:45")


def test_finished_surveys_become_nps_and_csat_answers(surveyed: str) -> None:
    """Only Finished surveys are answers (G2's OptOut and G3's Sent are not). G1: surveyPromoterScore 9 -> NPS 9;
    oSurveyTotalScore 80 % -> CSAT 1 + 4 x 80 / 100 = 4.2 (satisfied, >= 4). G3: 45 % -> CSAT 1 + 4 x 45 / 100 =
    2.8 (not satisfied), no NPS. Dated by surveyCompletedDate; the customer is the conversation's (G1 the
    caller +13175550201, G3 the external contact)."""
    surveys = _query(
        surveyed,
        "select interaction_id, survey_type, score, responded_at, is_csat_satisfied, customer_id from core.fct_surveys",
    )
    got = sorted((r.interaction_id, r.survey_type, round(float(r.score), 9), bool(r.is_csat_satisfied))
                 for r in surveys.itertuples())
    assert got == [(G1, "csat", 4.2, True), (G1, "nps", 9.0, False), (G3, "csat", 2.8, False)]
    g1 = surveys[surveys.interaction_id == G1]
    assert {pd.Timestamp(t) for t in g1.responded_at} == {pd.Timestamp("2026-06-04 09:20:00")}
    assert set(g1.customer_id) == {"genesys:" + _phone("+13175550201")}
    assert set(surveys.loc[surveys.interaction_id == G3, "customer_id"]) == {
        "genesys:6a7b0000-0000-4000-8000-000000000003"}


def test_queue_time_counts_every_acd_queue_and_speed_of_answer_the_first(surveyed: str) -> None:
    """G3 waited in Chat Support 13:00:05-13:00:25 (20 s) and in Returns 13:03:25-13:04:00 (35 s): queue wait
    20 + 35 = 55 s; speed of answer = first queue entry 13:00:05 -> Carol's answer 13:00:25 = 20 s (within 20 s).
    G1: 09:00:10 -> 09:00:28 = 18 s both. G2 never queued. Durations (ours, from tTalkComplete, tHeldComplete,
    tAcw): G1 talk 240 + hold 40 + ACW 30 = 310; G3 talk 180 + 240 = 420, hold 0, ACW 15 + 25 = 40, handle 460,
    one transfer."""
    rows = _query(
        surveyed,
        "select interaction_id, queue_wait_seconds, speed_of_answer_seconds, is_answered_within_threshold,"
        " talk_seconds, hold_seconds, acw_seconds, handle_seconds, count_transfers from core.fct_interactions",
    ).set_index("interaction_id")
    assert (float(rows.loc[G3, "queue_wait_seconds"]), float(rows.loc[G3, "speed_of_answer_seconds"])) == (55, 20)
    assert bool(rows.loc[G3, "is_answered_within_threshold"])
    assert (float(rows.loc[G1, "queue_wait_seconds"]), float(rows.loc[G1, "speed_of_answer_seconds"])) == (18, 18)
    assert pd.isna(rows.loc[G2, "queue_wait_seconds"])
    durations = ("talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds")
    assert [float(rows.loc[G1, c]) for c in durations] == [240, 40, 30, 310]
    assert [float(rows.loc[G3, c]) for c in durations] == [420, 0, 40, 460]
    assert int(rows.loc[G3, "count_transfers"]) == 1


def test_vendor_figures_are_the_conversations_own_metrics_summed(surveyed: str) -> None:
    """Per conversation, each metric summed over its sessions (ms -> s): G1 tAcd 18, tTalk 120 + 120 = 240,
    tHeld 40, tAcw 30, tHandle 310 (no nTransferred: no transfers figure); G2 tTalk 150, tAcw 20, tHandle 170;
    G3 tAcd 20 + 35 = 55, tTalk 180 + 240 = 420, tAcw 15 + 25 = 40, tHandle 195 + 265 = 460, nTransferred 1."""
    figures = _query(
        surveyed,
        "select interaction_id, figure_name, figure_basis, vendor_value, figure_unit"
        " from staging.int_vendor_figures_unioned where source_system = 'genesys'",
    )
    got = {(r.interaction_id, r.figure_name): (float(r.vendor_value), r.figure_unit) for r in figures.itertuples()}
    assert set(figures["figure_basis"]) == {"none"}
    expected = {
        G1: {"queue_wait": 18, "talk": 240, "hold": 40, "acw": 30, "handle": 310},
        G2: {"talk": 150, "acw": 20, "handle": 170},
        G3: {"queue_wait": 55, "talk": 420, "acw": 40, "handle": 460, "transfers": 1},
    }
    assert got == {(conversation, name): (float(value), "count" if name == "transfers" else "seconds")
                   for conversation, values in expected.items() for name, value in values.items()}
