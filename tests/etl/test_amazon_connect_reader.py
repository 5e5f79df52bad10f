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
    ((stream, chunk),) = list(ac.read_contact_lens(VOICE_ANALYSIS, LENS_KIND))
    assert stream is ac.TRANSCRIPT_TURNS
    parsed = parse_chunk(stream, chunk)
    rows = parsed.rows
    assert list(rows["turn_key"]) == [f"11111111-1111-4111-8111-111111111111:v-t{n}" for n in (1, 2, 3)]
    assert list(rows["participant_id"]) == ["AGENT", "CUSTOMER", "AGENT"]
    assert list(rows["begin_offset_millis"]) == [0, 4200, 12500]
    assert list(rows["sentiment"]) == ["NEUTRAL", "NEGATIVE", "POSITIVE"]
    assert rows["absolute_time"].isna().all()
    assert '"ContactId":"11111111-1111-4111-8111-111111111111"' in rows["_payload"].iloc[0]


def test_chat_analysis_names_its_contact_from_customer_metadata_and_keeps_absolute_times() -> None:
    ((stream, chunk),) = list(ac.read_contact_lens(CHAT_ANALYSIS, LENS_KIND))
    rows = parse_chunk(stream, chunk).rows
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
    ((stream, chunk),) = list(ac.read_contact_lens(path, LENS_KIND))
    parsed = parse_chunk(stream, chunk)
    assert parsed.rows.empty
    assert parsed.rejects.iloc[0]["field_name"] == "begin_offset_millis"
    assert parsed.rejects.iloc[0]["reason"] == "neither AbsoluteTime nor BeginOffsetMillis"


def test_contact_id_of_analysis_prefers_customer_metadata() -> None:
    document = {"CustomerMetadata": {"ContactId": "from-metadata"}}
    assert ac.contact_id_of_analysis(document, "from-name_analysis_x.json") == "from-metadata"
    assert ac.contact_id_of_analysis({}, "from-name_analysis_x.json") == "from-name"
    assert ac.contact_id_of_analysis({}, "unrelated.json") is None
