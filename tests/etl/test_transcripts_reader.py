"""The transcripts reader: spellings of keys and roles, event turns, ABCD lists; pure, no warehouse."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from etl.parsing import FileError, parse_chunk, read_kind
from etl.sources.transcripts import (
    KINDS,
    TURNS,
    abcd_turns,
    canonical_role,
    iter_json_array,
    turn_from_record,
)
from tests.conftest import FIXTURES

CHATS = FIXTURES / "transcripts" / "chats-2026-05.jsonl"
BY_NAME = {kind.name: kind for kind in KINDS}


@pytest.mark.parametrize(
    ("spelling", "role"),
    [("user", "customer"), ("End-User", "customer"), ("Visitor", "customer"), ("assistant", "bot"),
     ("virtual agent", "bot"), ("human_agent", "agent"), ("rep", "agent"), ("action", "system"),
     ("wizard", "wizard")],
)
def test_role_spellings_become_canonical_roles(spelling: str, role: str) -> None:
    assert canonical_role(spelling) == role


def test_the_first_key_spelling_present_wins() -> None:
    turn = turn_from_record({"conversationId": "c9", "sent_at": "2026-05-07T14:00:00+02:00", "speaker": "visitor",
                             "message": "hello", "phone": "(415) 555-0101", "text": ""})
    assert turn["conversation_id"] == "c9"
    assert turn["author_role"] == "customer"
    assert turn["text"] == "hello"  # an empty "text" does not hide "message"
    assert turn["customer_phone"] == "(415) 555-0101"
    assert turn["channel"] is None


def test_fixture_turns_parse_and_the_bad_ones_are_set_aside() -> None:
    chunks = list(read_kind(CHATS, BY_NAME["turns"]))
    assert [stream.name for stream, _ in chunks] == ["turns"]
    parsed = parse_chunk(TURNS, chunks[0][1])
    # 14 lines: 11 good turns; line 12 role "wizard", line 13 neither text nor event, line 14 cut short
    assert len(parsed.rows) == 11
    reasons = dict(zip(parsed.rejects["source_line"], parsed.rejects["reason"], strict=True))
    assert reasons[12] == "not one of customer, agent, bot, system"
    assert reasons[13] == "a turn needs a text or an event"
    assert reasons[14].startswith("invalid JSON")
    rows = parsed.rows.set_index("_source_line")
    assert rows.at[3, "is_handoff"] is True
    assert rows.at[8, "event_type"] == "escalated"
    assert str(rows.at[6, "sent_at"]) == "2026-05-07 12:00:00"  # 14:00 at +02:00 is 12:00 UTC


def test_abcd_turns_get_one_minute_each_from_the_base_time() -> None:
    conversation = {"convo_id": 7, "scenario": {"personal": {"username": "jd1", "email": "jd@x.example",
                                                             "phone": "(977) 625-2661"},
                                                "flow": "product_defect", "subflow": "return_size"},
                    "original": [["agent", "Hi!"], ["customer", "Hello"], ["action", "Account pulled up"]]}
    turns = abcd_turns(conversation)
    assert [t["sent_at"] for t in turns] == [
        "2021-01-01T00:00:00+00:00", "2021-01-01T00:01:00+00:00", "2021-01-01T00:02:00+00:00",
    ]
    assert [t["author_role"] for t in turns] == ["agent", "customer", "system"]
    assert {t["intent"] for t in turns} == {"product_defect/return_size"}
    assert turns[0]["customer_id"] == "jd1"


def test_a_json_list_is_decoded_one_element_at_a_time() -> None:
    text = '[ {"a": 1}, {"b": "x]"} ,{"c": [1, 2]} ]'
    assert list(iter_json_array(io.StringIO(text), read_chars=4)) == [{"a": 1}, {"b": "x]"}, {"c": [1, 2]}]


def test_an_abcd_file_that_is_not_a_list_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "abcd_broken.json"
    path.write_text('{"convo_id": 1}', encoding="utf-8")
    with pytest.raises(FileError, match="not an ABCD conversation list"):
        list(read_kind(path, BY_NAME["abcd"]))
