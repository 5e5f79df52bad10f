"""The Amazon Connect reader on the fixture in tests/fixtures/amazon_connect and on small in-memory streams.

The fixture follows the documented contact record data model
(https://docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html) and the Contact Lens output examples
(https://docs.aws.amazon.com/connect/latest/adminguide/contact-lens-example-output-files.html, and -chat.html):

connect-ctr-stream-1-2026-05-04-09-00-00.jsonl, one record per line:
  line 1 contact 1111... (answered call with a hold), line 2 contact 2222...01 (first leg of a transfer),
  line 3 contact 3333... (abandoned in queue), line 4 a record cut off after `"DisconnectTimestamp":null,`.
connect-ctr-stream-1-2026-05-04-12-00-00 (no extension, as Firehose names files), four records concatenated on
  one line: 2222...02 (second leg), 4444... (chat), 5555... (IVR only), 1111... again (re-delivered).
1111..._analysis_2026-05-04T09:08:00Z.json: voice analysis without CustomerMetadata, three turns.
4444..._analysis_2026-05-04T12:06:00Z.json: chat analysis with CustomerMetadata.ContactId, four turns.

tests/fixtures/amazon_connect_journeys (see tests/sql/test_amazon_connect_pipeline.py for its journeys):
connect-ctr-journeys-2026-05-05.jsonl, six records one per line (T1, T2, O, A, C, X);
connect-ctr-journeys-2026-05-05-11-00-00, two records concatenated (K1, K2);
a1...02_analysis_2026-05-05T09:13:00Z.json and its _analysis_redacted_ twin: T2's call, 4 turns, 2 categories;
e5...01_analysis_2026-05-05T15:08:00Z.json: C's chat, 7 transcript items (3 EVENTs), 1 category.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from etl.parsing import parse_chunk
from etl.sources import amazon_connect as ac
from etl.sources import connectors
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "amazon_connect"
JSONL_FILE = FIXTURE / "connect-ctr-stream-1-2026-05-04-09-00-00.jsonl"
CONCATENATED_FILE = FIXTURE / "connect-ctr-stream-1-2026-05-04-12-00-00"
VOICE_ANALYSIS = FIXTURE / "11111111-1111-4111-8111-111111111111_analysis_2026-05-04T09:08:00Z.json"
CHAT_ANALYSIS = FIXTURE / "44444444-4444-4444-8444-444444444444_analysis_2026-05-04T12:06:00Z.json"
CONTACT_KIND, LENS_KIND = ac.KINDS


def _contact_chunks(path: Path) -> list:
    return [chunk for _, chunk in ac.read_contact_records(path, CONTACT_KIND)]


def _lens_chunks(path: Path) -> dict[str, object]:
    """The one chunk of each stream a small analysis file gives, by stream name."""
    chunks: dict[str, object] = {}
    for stream, chunk in ac.read_contact_lens(path, LENS_KIND):
        assert stream.name not in chunks
        chunks[stream.name] = chunk
    return chunks


def test_the_connector_is_discovered_by_its_format_name() -> None:
    assert connectors()["amazon_connect"] is ac


def test_file_patterns_tell_contact_records_from_contact_lens_files() -> None:
    import fnmatch

    names = sorted(p.name for p in FIXTURE.iterdir())
    ctr = [n for n in names if fnmatch.fnmatch(n, CONTACT_KIND.pattern)]
    lens = [n for n in names if fnmatch.fnmatch(n, LENS_KIND.pattern)]
    assert ctr == [JSONL_FILE.name, CONCATENATED_FILE.name]
    assert lens == [VOICE_ANALYSIS.name, CHAT_ANALYSIS.name]


def test_one_record_per_line_keeps_lines_payloads_and_sends_the_truncated_last_record_to_unreadable() -> None:
    (chunk,) = _contact_chunks(JSONL_FILE)
    assert chunk.lines == [1, 2, 3]
    assert [v["ContactId"] for v in chunk.values] == [
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222201",
        "33333333-3333-4333-8333-333333333333",
    ]
    first_line = JSONL_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert chunk.payloads[0] == first_line  # the original text, byte for byte
    ((line, reason, text),) = chunk.unreadable
    assert line == 4
    assert "truncated at the end of the file" in reason
    assert text.endswith('"DisconnectTimestamp":null,')


def test_concatenated_records_are_split_without_a_separator() -> None:
    (chunk,) = _contact_chunks(CONCATENATED_FILE)
    assert chunk.unreadable == []
    assert chunk.lines == [1, 1, 1, 1]  # Firehose writes them all on one line
    assert [v["ContactId"][:8] for v in chunk.values] == ["22222222", "44444444", "55555555", "11111111"]
    assert "".join(chunk.payloads) == CONCATENATED_FILE.read_text(encoding="utf-8")


def test_nested_keys_are_flattened_and_unknown_keys_stay_in_the_payload() -> None:
    (chunk,) = _contact_chunks(JSONL_FILE)
    answered = chunk.values[0]
    assert answered["Queue.Name"] == "Billing"
    assert answered["Agent.HierarchyGroups.Level1.GroupName"] == "Billing Team"
    assert answered["Agent.CustomerHoldDuration"] == 45
    assert answered["Attributes.customerId"] == "CUST-001"
    assert '"Recording":{' in chunk.payloads[0] and '"Tags":{' in chunk.payloads[0]


def test_contact_records_parse_with_durations_in_seconds_and_utc_timestamps() -> None:
    (chunk,) = _contact_chunks(JSONL_FILE)
    parsed = parse_chunk(ac.CONTACTS, chunk)
    assert len(parsed.rows) == 3 and len(parsed.rejects) == 1
    first = parsed.rows.iloc[0]
    assert first["channel"] == "voice"
    assert str(first["queue__enqueue_timestamp"]) == "2026-05-04 09:00:40"
    assert first["agent__agent_interaction_duration_seconds"] == 300
    assert first["agent__after_contact_work_duration_seconds"] == 30
    abandoned = parsed.rows.iloc[2]
    assert pd.isna(abandoned["agent__username"])  # "Agent": null
    assert abandoned["queue__duration_seconds"] == 90


def test_a_small_read_block_gives_the_same_objects_and_finds_a_truncated_concatenated_tail() -> None:
    text = '{"ContactId":"a","Queue":{"Name":"Q"}}{"ContactId":"b"}\n{"ContactId":"c","Attr'
    decoded = list(ac.iter_json_objects(io.StringIO(text), block_chars=5))
    assert [d.value for d in decoded[:3]] == [{"ContactId": "a", "Queue": {"Name": "Q"}}, {"ContactId": "b"}, None]
    assert [d.line for d in decoded] == [1, 1, 2]
    assert decoded[2].text == '{"ContactId":"c","Attr'
    assert decoded[2].failure is not None and "truncated" in decoded[2].failure


def test_a_corrupt_line_in_the_middle_is_set_aside_and_reading_resumes_at_the_next_record() -> None:
    text = '{"ContactId":"a"}\n{"ContactId": oops}\n{"ContactId":"c"}\n'
    decoded = list(ac.iter_json_objects(io.StringIO(text), block_chars=8))
    assert [(d.line, d.value) for d in decoded] == [(1, {"ContactId": "a"}), (2, None), (3, {"ContactId": "c"})]
    assert decoded[1].text == '{"ContactId": oops}'
    assert decoded[1].failure is not None and "bad JSON" in decoded[1].failure


def test_a_record_that_is_not_an_object_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "x-ctr-1"
    path.write_text('{"ContactId":"a","Channel":"VOICE"}\n[1, 2]\n', encoding="utf-8")
    (chunk,) = _contact_chunks(path)
    assert chunk.lines == [1]
    assert chunk.unreadable == [(2, "a contact record must be a JSON object", "[1, 2]")]


def test_voice_analysis_names_its_contact_by_file_name_and_keeps_contact_lens_sentiment() -> None:
    chunk = _lens_chunks(VOICE_ANALYSIS)["transcript_turns"]
    parsed = parse_chunk(ac.TRANSCRIPT_TURNS, chunk)
    rows = parsed.rows
    assert list(rows["turn_key"]) == [f"11111111-1111-4111-8111-111111111111:v-t{n}" for n in (1, 2, 3)]
    assert list(rows["participant_id"]) == ["AGENT", "CUSTOMER", "AGENT"]
    assert list(rows["begin_offset_millis"]) == [0, 4200, 12500]
    assert list(rows["sentiment"]) == ["NEUTRAL", "NEGATIVE", "POSITIVE"]
    assert rows["absolute_time"].isna().all()
    assert '"ContactId":"11111111-1111-4111-8111-111111111111"' in rows["_payload"].iloc[0]


def test_chat_analysis_names_its_contact_from_customer_metadata_and_keeps_absolute_times() -> None:
    rows = parse_chunk(ac.TRANSCRIPT_TURNS, _lens_chunks(CHAT_ANALYSIS)["transcript_turns"]).rows
    assert set(rows["contact_id"]) == {"44444444-4444-4444-8444-444444444444"}
    assert list(rows["participant_role"]) == ["CUSTOMER", "SYSTEM", "AGENT", "CUSTOMER"]
    assert [str(t) for t in rows["absolute_time"]] == [
        "2026-05-04 12:00:05", "2026-05-04 12:00:45", "2026-05-04 12:01:00", "2026-05-04 12:02:30",
    ]


def test_the_same_turn_in_two_contacts_is_two_records() -> None:
    turn = {"Id": "t1", "ParticipantId": "AGENT", "Content": "Hello", "BeginOffsetMillis": 0}
    first = ac.transcript_turns({"Channel": "VOICE", "Transcript": [turn]}, "c-1")
    second = ac.transcript_turns({"Channel": "VOICE", "Transcript": [turn]}, "c-2")
    assert first[0][0]["turn_key"] == "c-1:t1" and second[0][0]["turn_key"] == "c-2:t1"
    assert first[0][1] != second[0][1]  # payloads differ, so the loader's record hash keeps both


def test_a_turn_without_any_time_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "c-9_analysis_x.json"
    path.write_text('{"Channel": "VOICE", "Transcript": [{"Id": "t1", "ParticipantId": "AGENT", "Content": "Hi"}]}')
    parsed = parse_chunk(ac.TRANSCRIPT_TURNS, _lens_chunks(path)["transcript_turns"])
    assert parsed.rows.empty
    assert parsed.rejects.iloc[0]["field_name"] == "begin_offset_millis"
    assert parsed.rejects.iloc[0]["reason"] == "neither AbsoluteTime nor BeginOffsetMillis"


def test_contact_id_of_analysis_prefers_customer_metadata() -> None:
    document = {"CustomerMetadata": {"ContactId": "from-metadata"}}
    assert ac.contact_id_of_analysis(document, "from-name_analysis_x.json") == "from-metadata"
    assert ac.contact_id_of_analysis({}, "from-name_analysis_x.json") == "from-name"
    assert ac.contact_id_of_analysis({}, "unrelated.json") is None


JOURNEYS = FIXTURES / "amazon_connect_journeys"
T2_CALL = JOURNEYS / "a1000000-0000-4000-8000-000000000002_analysis_2026-05-05T09:13:00Z.json"
T2_CALL_REDACTED = JOURNEYS / "a1000000-0000-4000-8000-000000000002_analysis_redacted_2026-05-05T09:13:00Z.json"
C_CHAT = JOURNEYS / "e5000000-0000-4000-8000-000000000001_analysis_2026-05-05T15:08:00Z.json"


def test_both_contact_record_shapes_of_the_journeys_read_whole() -> None:
    """Six records one per line, two concatenated on one line: 8 records, 0 unreadable."""
    (lines,) = _contact_chunks(JOURNEYS / "connect-ctr-journeys-2026-05-05.jsonl")
    (concatenated,) = _contact_chunks(JOURNEYS / "connect-ctr-journeys-2026-05-05-11-00-00")
    assert (lines.lines, lines.unreadable) == ([1, 2, 3, 4, 5, 6], [])
    assert (concatenated.lines, concatenated.unreadable) == ([1, 1], [])
    methods = [v["InitiationMethod"] for v in lines.values + concatenated.values]
    assert methods == ["INBOUND", "TRANSFER", "OUTBOUND", "API", "API", "EXTERNAL_OUTBOUND", "INBOUND", "CALLBACK"]
    callback = parse_chunk(ac.CONTACTS, concatenated).rows.iloc[1]
    # the documented example: created 11:37:00, queued after a 99 s initial delay, Duration 120 = 99 + 21
    assert str(callback["queue__enqueue_timestamp"]) == "2026-05-05 11:38:39"
    assert callback["queue__duration_seconds"] == 120


def test_a_call_analysis_gives_its_overall_figures_and_categories() -> None:
    """OverallSentiment AGENT 2.5 / CUSTOMER -0.8; TalkTime 284000 ms (AGENT 150000, CUSTOMER 134000);
    NonTalkTime 61000 ms; Interruptions 2; TotalConversationDurationMillis 345000; the analysis time comes from
    the file name (09:13:00); categories Cancellation (1 point of interest) and Retention offer (2)."""
    chunks = _lens_chunks(T2_CALL)
    analysis = parse_chunk(ac.CONTACT_ANALYSES, chunks["contact_analyses"])
    assert len(analysis.rejects) == 0
    row = analysis.rows.iloc[0]
    assert row["contact_id"] == "a1000000-0000-4000-8000-000000000002"
    assert str(row["analyzed_at"]) == "2026-05-05 09:13:00"
    assert (row["customer_sentiment_score"], row["agent_sentiment_score"]) == (-0.8, 2.5)
    assert (row["talk_time_millis"], row["agent_talk_time_millis"], row["customer_talk_time_millis"]) == (
        284000, 150000, 134000)
    assert (row["non_talk_time_millis"], row["interruptions_count"]) == (61000, 2)
    assert (row["total_conversation_duration_millis"], row["count_matched_categories"], row["output"]) == (
        345000, 2, "Raw")
    assert '"Transcript"' not in row["_payload"] and '"ConversationCharacteristics"' in row["_payload"]
    categories = parse_chunk(ac.MATCHED_CATEGORIES, chunks["matched_categories"]).rows
    assert list(zip(categories["category_name"], categories["count_points_of_interest"], strict=True)) == [
        ("Cancellation", 1), ("Retention offer", 2)]
    turns = parse_chunk(ac.TRANSCRIPT_TURNS, chunks["transcript_turns"]).rows
    assert list(turns["sentiment"]) == ["NEUTRAL", "NEGATIVE", "POSITIVE", "MIXED"]


def test_a_redacted_twin_repeats_the_categories_and_differs_only_where_it_redacts() -> None:
    """Same analysis time and categories: the category records are identical (the loader keeps one copy); the
    analysis records differ by ContentMetadata.Output, the first turn by its [PII] text."""
    raw, redacted = _lens_chunks(T2_CALL), _lens_chunks(T2_CALL_REDACTED)
    assert raw["matched_categories"].payloads == redacted["matched_categories"].payloads
    assert raw["contact_analyses"].payloads != redacted["contact_analyses"].payloads
    raw_turns, redacted_turns = raw["transcript_turns"].payloads, redacted["transcript_turns"].payloads
    assert raw_turns[0] != redacted_turns[0] and raw_turns[1:] == redacted_turns[1:]


def test_a_chat_analysis_puts_each_groups_sentiment_on_its_turns_and_keeps_event_items() -> None:
    """7 transcript items: 3 EVENTs with no Content load as turns (not messages); the 4 messages' sentiments come
    from DetailsByTranscriptItemGroup (c-m1 NEGATIVE, c-m3 NEUTRAL, c-m4 POSITIVE; the system message c-m2 is in no
    group). Overall sentiment from DetailsByParticipantRole: CUSTOMER 0.6, AGENT 1.2; a chat has no talk time."""
    chunks = _lens_chunks(C_CHAT)
    turns = parse_chunk(ac.TRANSCRIPT_TURNS, chunks["transcript_turns"])
    assert len(turns.rejects) == 0
    rows = turns.rows
    assert list(rows["turn_type"]) == ["EVENT", "MESSAGE", "MESSAGE", "EVENT", "MESSAGE", "MESSAGE", "EVENT"]
    assert rows.loc[rows["turn_type"] == "EVENT", "content"].isna().all()
    sentiments = {turn: None if pd.isna(label) else label
                  for turn, label in zip(rows["turn_id"], rows["sentiment"], strict=True)}
    assert {k: sentiments[k] for k in ("c-m1", "c-m2", "c-m3", "c-m4")} == {
        "c-m1": "NEGATIVE", "c-m2": None, "c-m3": "NEUTRAL", "c-m4": "POSITIVE"}
    assert '"GroupSentiment":"NEGATIVE"' in rows.loc[rows["turn_id"] == "c-m1", "_payload"].iloc[0]
    analysis = parse_chunk(ac.CONTACT_ANALYSES, chunks["contact_analyses"]).rows.iloc[0]
    assert (analysis["customer_sentiment_score"], analysis["agent_sentiment_score"]) == (0.6, 1.2)
    assert pd.isna(analysis["talk_time_millis"]) and pd.isna(analysis["non_talk_time_millis"])
    categories = parse_chunk(ac.MATCHED_CATEGORIES, chunks["matched_categories"]).rows
    assert list(categories["category_name"]) == ["Damaged item"]


def test_an_undecodable_analysis_is_unreadable_in_the_analysis_stream(tmp_path: Path) -> None:
    path = tmp_path / "c-1_analysis_2026-05-05T10:00:00Z.json"
    path.write_text('{"Channel": "VOICE", "Transcript": {"not": "a list"}}', encoding="utf-8")
    chunks = _lens_chunks(path)
    assert list(chunks) == ["contact_analyses"]
    ((line, reason, _),) = chunks["contact_analyses"].unreadable
    assert line == 1 and "Transcript is a list" in reason


def test_the_analysis_time_is_read_from_the_file_name_only_when_it_is_there() -> None:
    assert ac.analysis_time_of("x_analysis_2020-02-04T21:14:16Z.json") == "2020-02-04T21:14:16Z"
    assert ac.analysis_time_of("x_analysis_redacted_2020-02-04T21:14:16Z.json") == "2020-02-04T21:14:16Z"
    assert ac.analysis_time_of("x_analysis_x.json") is None
