"""Parsing: typed rows or rejects with line, field and reason; nothing lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from etl.parsing import FileError, RecordChunk, _as_text, parse_chunk, read_records
from etl.sources.canonical import STREAMS

BY_NAME = {stream.name: stream for stream in STREAMS}


def _chunk(records: list[dict[str, object]]) -> RecordChunk:
    return RecordChunk(
        lines=list(range(2, 2 + len(records))),
        values=records,
        payloads=[str(r) for r in records],
    )


def _interaction(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "interaction_id": "I1", "channel": "chat", "status": "open",
        "created_at": "2026-05-04T09:00:00Z", "updated_at": "2026-05-04T09:00:00Z",
    }
    record.update(overrides)
    return record


def test_a_valid_record_is_typed() -> None:
    parsed = parse_chunk(BY_NAME["interactions"], _chunk([_interaction(talk_seconds="12.5", channel="Voice")]))
    assert parsed.rejects.empty
    row = parsed.rows.iloc[0]
    assert row["channel"] == "voice"  # enums are case-insensitive and stored lower-case
    assert row["talk_seconds"] == 12.5
    assert row["created_at"] == pd.Timestamp("2026-05-04 09:00:00")
    assert row["_source_line"] == 2


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"interaction_id": ""}, "interaction_id", "required field is empty or missing"),
        ({"channel": "fax"}, "channel", "not one of voice, chat, email, ticket, social"),
        ({"created_at": "yesterday"}, "created_at", "not an ISO 8601 timestamp"),
        ({"created_at": "1899-12-31T00:00:00Z"}, "created_at", "timestamp outside 1970-2099"),
        ({"talk_seconds": "-1"}, "talk_seconds", "below the minimum 0"),
        ({"talk_seconds": "90000"}, "talk_seconds", "above the maximum 86400"),
        ({"hold_seconds": "ten"}, "hold_seconds", "not a number"),
    ],
)
def test_a_bad_value_is_rejected_with_its_field_and_reason(overrides: dict, field: str, reason: str) -> None:
    parsed = parse_chunk(BY_NAME["interactions"], _chunk([_interaction(), _interaction(**overrides)]))
    assert len(parsed.rows) == 1
    assert parsed.rejects[["source_line", "field_name", "reason"]].values.tolist() == [[3, field, reason]]


def test_the_first_failing_field_is_named_when_several_fail() -> None:
    parsed = parse_chunk(BY_NAME["interactions"], _chunk([_interaction(channel="fax", status="lost")]))
    assert parsed.rejects["field_name"].tolist() == ["channel"]


def test_offsets_are_converted_to_utc_and_naive_times_take_the_source_zone() -> None:
    records = [
        _interaction(created_at="2026-05-04T11:00:00+02:00"),
        _interaction(interaction_id="I2", created_at="2026-05-04 11:00:00"),
    ]
    parsed = parse_chunk(BY_NAME["interactions"], _chunk(records), timezone="Europe/Rome")
    # Rome is UTC+2 in May: both are 09:00 UTC
    assert parsed.rows["created_at"].tolist() == [pd.Timestamp("2026-05-04 09:00:00")] * 2


def test_a_local_time_that_does_not_exist_is_rejected() -> None:
    # Clocks in Rome jumped from 02:00 to 03:00 on 2026-03-29: 02:30 never happened
    parsed = parse_chunk(
        BY_NAME["interactions"], _chunk([_interaction(created_at="2026-03-29 02:30:00")]), timezone="Europe/Rome"
    )
    assert parsed.rows.empty
    assert "ambiguous or does not exist" in parsed.rejects.at[0, "reason"]


def test_a_missing_event_id_is_derived_from_the_record() -> None:
    event = {"interaction_id": "I1", "occurred_at": "2026-05-04T09:00:00Z", "event_type": "queued"}
    first = parse_chunk(BY_NAME["events"], _chunk([event]))
    again = parse_chunk(BY_NAME["events"], _chunk([dict(event)]))
    assert first.rejects.empty
    assert first.rows.at[0, "event_id"] == again.rows.at[0, "event_id"]
    assert first.rows.at[0, "event_id"].startswith("k")


def test_booleans_and_dates_parse() -> None:
    message = {"interaction_id": "I1", "sent_at": "2026-05-04T09:00:00Z", "author_role": "agent", "text": "hi",
               "is_public": "FALSE"}
    parsed = parse_chunk(BY_NAME["messages"], _chunk([message]))
    assert parsed.rows.at[0, "is_public"] is False
    account = {"account_id": "A", "segment": "smb", "started_on": "2025-02-30", "updated_at": "2026-01-01T00:00:00Z"}
    rejected = parse_chunk(BY_NAME["accounts"], _chunk([account]))
    assert rejected.rejects.at[0, "reason"] == "not a YYYY-MM-DD date"
    account["started_on"] = "2025-02-28"
    assert parse_chunk(BY_NAME["accounts"], _chunk([account])).rows.at[0, "started_on"] == dt.date(2025, 2, 28)


def test_csv_reading_counts_lines_across_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "interactions.csv"
    path.write_text(
        "\ufeffinteraction_id,channel,status,created_at,updated_at,subject,unknown_extra\n"
        'I1,chat,open,2026-05-04T09:00:00Z,2026-05-04T09:00:00Z,"two\nlines",x\n'
        "I2,chat,open\n"
        "I3,chat,open,2026-05-04T09:00:00Z,2026-05-04T09:00:00Z,plain,y\n",
        encoding="utf-8",
    )
    chunks = list(read_records(path, BY_NAME["interactions"]))
    assert sum(len(c) for c in chunks) == 3
    parsed = parse_chunk(BY_NAME["interactions"], chunks[0])
    assert parsed.rows["_source_line"].tolist() == [2, 5]
    assert parsed.rows.at[0, "subject"] == "two\nlines"
    assert '"unknown_extra":"x"' in parsed.rows.at[0, "_payload"]  # unknown columns are kept in the payload
    assert parsed.rejects[["source_line", "reason"]].values.tolist() == [[4, "expected 7 fields, found 3"]]


def test_missing_required_columns_are_named_before_any_row_is_read(tmp_path: Path) -> None:
    path = tmp_path / "interactions.csv"
    path.write_text("interaction_id,channel\nI1,chat\n", encoding="utf-8")
    with pytest.raises(FileError, match="missing required column\\(s\\) status, created_at, updated_at"):
        list(read_records(path, BY_NAME["interactions"]))


def test_missing_and_undecodable_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="file not found"):
        list(read_records(tmp_path / "nope.csv", BY_NAME["interactions"]))
    latin = tmp_path / "interactions.csv"
    latin.write_bytes(b"interaction_id,channel,status,created_at,updated_at,subject\n"
                      + "I1,chat,open,2026-05-04T09:00:00Z,2026-05-04T09:00:00Z,caf\xe9\n".encode("latin-1"))
    with pytest.raises(FileError, match=r"interactions\.csv: not valid UTF-8"):
        list(read_records(latin, BY_NAME["interactions"]))


def test_jsonl_rejects_truncated_and_non_object_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"interaction_id":"I1","occurred_at":"2026-05-04T09:00:00Z","event_type":"queued"}\n'
        "\n"
        "[1, 2]\n"
        '{"interaction_id":"I1","occurred_at":"2026-05-04T09:0\n',
        encoding="utf-8",
    )
    chunk = next(read_records(path, BY_NAME["events"]))
    parsed = parse_chunk(BY_NAME["events"], chunk)
    assert len(parsed.rows) == 1
    reasons = dict(zip(parsed.rejects["source_line"], parsed.rejects["reason"], strict=True))
    assert reasons[3] == "a line must hold one JSON object"
    assert reasons[4].startswith("invalid JSON")


def test_survey_scores_are_checked_against_their_own_scale() -> None:
    surveys = [
        {"survey_response_id": "S1", "survey_type": "ces", "score": "7", "responded_at": "2026-05-04T09:00:00Z"},
        {"survey_response_id": "S2", "survey_type": "csat", "score": "7", "responded_at": "2026-05-04T09:00:00Z"},
        {"survey_response_id": "S3", "survey_type": "nps", "score": "0", "responded_at": "2026-05-04T09:00:00Z"},
    ]
    parsed = parse_chunk(BY_NAME["surveys"], _chunk(surveys))
    assert parsed.rows["survey_response_id"].tolist() == ["S1", "S3"]
    assert parsed.rejects["reason"].tolist() == ["score 7 is outside the csat scale 1-5"]


def test_a_column_of_strings_is_stripped_as_a_whole_and_a_mixed_one_value_by_value() -> None:
    strings = pd.Series([" a ", None, "", " \x00b ", "  "], dtype=object)
    assert _as_text(strings).tolist() == ["a", None, None, "\ufffdb", None]
    mixed = pd.Series([" a ", 7, True, {"k": 1}], dtype=object)
    assert _as_text(mixed).tolist() == ["a", "7", "true", '{"k":1}']
