"""The Genesys Cloud reader: conversation detail records flattened into five streams, nothing lost.

Counts worked out by hand from tests/fixtures/genesys (see the docstring of tests/sql/test_genesys_pipeline.py
for the story of each conversation):

conversations-page-1.json holds conversations A, B, C:
  participants  A: customer, ivr, acd, agent = 4; B: customer, ivr, acd, agent = 4; C: customer, ivr, acd = 3
                -> 11, one session each -> 11 sessions
  segments      A: customer 4 + ivr 1 + acd 1 + agent 5 = 11; B: 2 + 1 + 1 + 1 = 5; C: 2 + 1 + 1 = 4 -> 20
  metrics       A: customer 1 (nConnected) + ivr 1 + acd 2 + agent 9 = 13; B: ivr 1 + acd 3 + agent 2 = 6;
                C: ivr 1 + acd 3 = 4 -> 23
conversations-2026-06-02.jsonl: line 1 = D, line 2 = a truncated record, line 3 = E.
  participants  D: customer, ivr, acd, agent, acd, agent = 6; E: customer, bot workflow, acd, agent = 4 -> 10
  segments      D: 3 + 1 + 1 + 3 + 1 + 3 = 12; E: 2 + 1 + 1 + 3 = 7 -> 19
  metrics       D: ivr 1 + acd 2 + agent 7 + acd 2 + agent 5 = 17; E: bot 4 + acd 2 + agent 5 = 11 -> 28

tests/fixtures/genesys_surveys (see tests/sql/test_genesys_pipeline.py for each conversation):
conversations-2026-06-04.jsonl: G1 (1 survey, Finished), G2 (1 survey, OptOut); conversations-page-1.json: G3
(2 surveys: Finished, Sent); wrapupcodes-page-1.json: 2 wrap-up codes (pageNumber 1 of pageCount 2),
wrapupcodes-page-2.json: 1.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import orjson
import pytest

from etl.parsing import RecordChunk, parse_chunk
from etl.sources import genesys
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "genesys"
PAGES, LINES = genesys.KINDS
CONVERSATION_D = "46c951db-28e7-5aff-a70a-5dc8223192c8"
CONVERSATION_E = "c42c5db8-fb2c-5546-bfdc-eafc10af9a98"


def _collect(chunks: object) -> dict[str, RecordChunk]:
    """All chunks of each stream merged into one."""
    merged: dict[str, RecordChunk] = defaultdict(RecordChunk)
    for stream, chunk in chunks:  # type: ignore[attr-defined]
        target = merged[stream.name]
        target.lines += chunk.lines
        target.values += chunk.values
        target.payloads += chunk.payloads
        target.unreadable += chunk.unreadable
    return merged


def _counts(merged: dict[str, RecordChunk]) -> dict[str, int]:
    return {name: len(chunk.values) for name, chunk in merged.items()}


def test_a_page_file_is_flattened_into_five_streams() -> None:
    merged = _collect(genesys.read_pages(FIXTURE / "conversations-page-1.json", PAGES))
    assert _counts(merged) == {"conversations": 3, "participants": 11, "sessions": 11, "segments": 20, "metrics": 23}
    # in a page, a record's line is its conversation's position: A's 4 participants, B's 4, C's 3
    assert merged["participants"].lines == [1] * 4 + [2] * 4 + [3] * 3


def test_a_page_past_the_last_one_holds_no_conversations() -> None:
    merged = _collect(genesys.read_pages(FIXTURE / "conversations-page-2.json", PAGES))
    assert _counts(merged) == {}


def test_a_jsonl_file_keeps_line_numbers_and_sets_the_truncated_line_aside() -> None:
    merged = _collect(genesys.read_lines(FIXTURE / "conversations-2026-06-02.jsonl", LINES))
    assert _counts(merged) == {"conversations": 2, "participants": 10, "sessions": 10, "segments": 19, "metrics": 28}
    assert merged["conversations"].lines == [1, 3]
    ((line, reason, text),) = merged["conversations"].unreadable
    assert line == 2
    assert reason.startswith("invalid JSON")
    assert text.startswith('{"conversationId"')
    # E (line 3) has 4 participants
    assert merged["participants"].lines.count(3) == 4


def test_payloads_hold_the_node_and_its_ancestors_ids_but_not_its_children() -> None:
    merged = _collect(genesys.read_lines(FIXTURE / "conversations-2026-06-02.jsonl", LINES))
    conversation = orjson.loads(merged["conversations"].payloads[0])
    assert conversation["conversationId"] == CONVERSATION_D
    assert "participants" not in conversation
    session = orjson.loads(merged["sessions"].payloads[0])
    assert set(session) >= {"conversationId", "participantId", "sessionId", "mediaType", "ani"}
    assert "segments" not in session and "metrics" not in session
    segment = orjson.loads(merged["segments"].payloads[0])
    assert segment["conversationId"] == CONVERSATION_D
    assert segment["segmentType"] == "interact"
    # unknown vendor keys stay in the payload (the customer session's provider and requestedRoutings in A)
    page = _collect(genesys.read_pages(FIXTURE / "conversations-page-1.json", PAGES))
    first_session = orjson.loads(page["sessions"].payloads[0])
    assert first_session["provider"] == "Edge"
    assert first_session["requestedRoutings"] == ["Standard"]


def test_identical_segments_of_two_conversations_stay_two_records() -> None:
    def conversation(conversation_id: str) -> dict[str, object]:
        segment = {"segmentType": "interact", "segmentStart": "2026-06-02T09:00:00.000Z"}
        session = {"sessionId": "s1", "mediaType": "voice", "segments": [segment]}
        return {"conversationId": conversation_id, "conversationStart": "2026-06-02T09:00:00.000Z",
                "participants": [{"participantId": "p1", "purpose": "customer", "sessions": [session]}]}

    first = genesys.flatten_conversation(conversation("c1"))["segments"]
    second = genesys.flatten_conversation(conversation("c2"))["segments"]
    assert first[0][1] != second[0][1]


def test_flow_and_positions_are_flattened_and_typed() -> None:
    merged = _collect(genesys.read_lines(FIXTURE / "conversations-2026-06-02.jsonl", LINES))
    sessions = parse_chunk(genesys.STREAM_BY_NAME["sessions"], merged["sessions"]).rows
    bot = sessions[sessions["flow__flow_type"] == "DIGITALBOT"].iloc[0]
    assert bot["flow__flow_name"] == "Order Assistant"
    assert bot["media_type"] == "message"
    assert bot["session_seq"] == 1
    participants = parse_chunk(genesys.STREAM_BY_NAME["participants"], merged["participants"]).rows
    # D's participants in order: customer, ivr, acd, agent (Alice), acd, agent (Carol)
    in_d = participants[participants["conversation_id"] == CONVERSATION_D].sort_values("participant_seq")
    assert list(in_d["purpose"]) == ["customer", "ivr", "acd", "agent", "acd", "agent"]
    assert list(in_d["participant_name"])[3:] == ["Alice Martin", "Support", "Carol Diaz"]
    metrics = parse_chunk(genesys.STREAM_BY_NAME["metrics"], merged["metrics"]).rows
    # Carol's talk: 12:04:55 -> 12:10:25 = 330 s = 330000 ms
    talk = metrics[(metrics["name"] == "tTalkComplete") & (metrics["value"] == 330000.0)]
    assert len(talk) == 1
    assert str(talk.iloc[0]["emit_date"]) == "2026-06-02 12:10:25"
    assert metrics["metric_key"].is_unique


def test_a_conversation_without_a_start_is_rejected_in_every_stream() -> None:
    record = {"conversationId": "c9", "participants": [{"participantId": "p9", "purpose": "customer",
              "sessions": [{"sessionId": "s9", "mediaType": "voice",
                            "metrics": [{"name": "nConnected", "value": 1, "emitDate": "2026-06-02T09:00:00Z"}],
                            "segments": [{"segmentType": "interact", "segmentStart": "2026-06-02T09:00:00Z"}]}]}],
              "surveys": [{"surveyId": "v9", "surveyStatus": "Sent"}]}
    for name, rows in genesys.flatten_conversation(record).items():
        chunk = RecordChunk(lines=[1] * len(rows), values=[v for v, _ in rows], payloads=[p for _, p in rows])
        parsed = parse_chunk(genesys.STREAM_BY_NAME[name], chunk)
        assert parsed.rows.empty, name
        assert list(parsed.rejects["field_name"]) == ["conversation_start"], name


@pytest.mark.parametrize(
    ("text", "reason_start"),
    [
        ('{"conversations": [', "invalid JSON"),
        ("[1, 2]", "a page must be one JSON object"),
        ('{"conversations": {"conversationId": "c1"}}', "conversations is not a list"),
    ],
)
def test_an_unreadable_page_is_set_aside_whole(tmp_path: Path, text: str, reason_start: str) -> None:
    page = tmp_path / "page.json"
    page.write_text(text, encoding="utf-8")
    merged = _collect(genesys.read_pages(page, PAGES))
    ((line, reason, original),) = merged["conversations"].unreadable
    assert (line, original) == (1, text)
    assert reason.startswith(reason_start)


def test_a_conversation_that_is_not_an_object_is_set_aside_with_its_position(tmp_path: Path) -> None:
    page = tmp_path / "page.json"
    page.write_text('{"conversations": [{"conversationId": "c1", "conversationStart": "2026-06-02T09:00:00Z"}, 7]}',
                    encoding="utf-8")
    merged = _collect(genesys.read_pages(page, PAGES))
    assert merged["conversations"].lines == [1]
    assert merged["conversations"].unreadable == [(2, "a conversation must be one JSON object", "7")]


def test_large_files_are_streamed_in_chunks() -> None:
    # chunks are handed over once they reach the size, after a whole conversation: D alone brings 17 metrics
    chunks = list(genesys.read_lines(FIXTURE / "conversations-2026-06-02.jsonl", LINES, chunk_records=10))
    metric_chunks = [len(chunk.values) for stream, chunk in chunks if stream.name == "metrics"]
    assert metric_chunks == [17, 11]


SURVEYED = FIXTURES / "genesys_surveys"


def test_the_surveys_of_a_conversation_are_read_in_both_file_shapes() -> None:
    """JSON lines: G1's Finished survey (promoter 9, total 80) on line 1, G2's OptOut on line 2. Page: G3's two
    surveys (Finished with total 45, Sent), both at position 1. The conversation row leaves its surveys out."""
    lines = _collect(genesys.read_lines(SURVEYED / "conversations-2026-06-04.jsonl", LINES))
    page = _collect(genesys.read_json_file(SURVEYED / "conversations-page-1.json", PAGES))
    assert (lines["surveys"].lines, page["surveys"].lines) == ([1, 2], [1, 1])
    surveys = parse_chunk(genesys.STREAM_BY_NAME["surveys"], lines["surveys"])
    assert len(surveys.rejects) == 0
    g1 = surveys.rows.iloc[0]
    assert (g1["survey_status"], g1["survey_promoter_score"], g1["o_survey_total_score"]) == ("Finished", 9, 80.0)
    assert (g1["survey_form_name"], str(g1["survey_completed_date"])) == ("Post-call survey", "2026-06-04 09:20:00")
    assert surveys.rows.iloc[1]["survey_status"] == "OptOut"
    g3 = parse_chunk(genesys.STREAM_BY_NAME["surveys"], page["surveys"]).rows
    assert list(g3["survey_status"]) == ["Finished", "Sent"] and list(g3["survey_seq"]) == [1, 2]
    assert "surveys" not in orjson.loads(page["conversations"].payloads[0])


def test_wrap_up_code_pages_are_read_as_the_list_the_api_returns() -> None:
    """GET /api/v2/routing/wrapupcodes pages through the `*.json` kind: page 1 names ...a1 and ...c3, page 2
    ...d9; the line of each code is its position in its page; the division is flattened."""
    first = _collect(genesys.read_json_file(SURVEYED / "wrapupcodes-page-1.json", PAGES))
    second = _collect(genesys.read_json_file(SURVEYED / "wrapupcodes-page-2.json", PAGES))
    assert set(first) == set(second) == {"wrapup_codes"}
    rows = parse_chunk(genesys.WRAPUP_CODES, first["wrapup_codes"]).rows
    assert list(zip(rows["wrapup_code_id"], rows["wrapup_code_name"], strict=True)) == [
        ("7c0d0000-0000-4000-8000-0000000000a1", "Billing - Refund"),
        ("7c0d0000-0000-4000-8000-0000000000c3", "Delivery - Damaged item"),
    ]
    assert first["wrapup_codes"].lines == [1, 2]
    assert list(rows["division__name"]) == ["Home", "Home"]
    assert str(rows.iloc[0]["date_modified"]) == "2025-03-02 09:30:00"
    assert parse_chunk(genesys.WRAPUP_CODES, second["wrapup_codes"]).rows["wrapup_code_name"].tolist() == [
        "Sales - Upgrade"]


def test_a_wrap_up_code_file_is_claimed_once_and_a_conversation_page_is_not_taken_for_one() -> None:
    import fnmatch

    names = sorted(p.name for p in SURVEYED.iterdir())
    by_kind = {kind.name: [n for n in names if fnmatch.fnmatch(n, kind.pattern)] for kind in genesys.KINDS}
    assert by_kind == {
        "pages": ["conversations-page-1.json", "wrapupcodes-page-1.json", "wrapupcodes-page-2.json"],
        "lines": ["conversations-2026-06-04.jsonl"],
    }
    page = _collect(genesys.read_json_file(SURVEYED / "conversations-page-1.json", PAGES))
    assert "wrapup_codes" not in page and len(page["conversations"].values) == 1


@pytest.mark.parametrize(
    ("text", "reason_start", "line"),
    [
        ('{"entities": [', "invalid JSON", 1),
        ('{"entities": {"id": "w1"}}', "a wrap-up code page must be one JSON object with an entities list", 1),
        ('{"entities": [{"id": "w1", "name": "One"}, "w2"]}', "a wrap-up code must be a JSON object", 2),
    ],
)
def test_an_unreadable_wrap_up_code_page_or_entry_is_set_aside(tmp_path: Path, text: str, reason_start: str,
                                                                 line: int) -> None:
    path = tmp_path / "wrapupcodes-1.json"
    path.write_text(text, encoding="utf-8")
    merged = _collect(genesys.read_json_file(path, PAGES))
    ((at, reason, _),) = merged["wrapup_codes"].unreadable
    assert (at, reason.startswith(reason_start)) == (line, True)
