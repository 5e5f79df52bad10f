"""Chat and bot conversation transcripts: one turn per record (format "transcripts").

Two file kinds feed one raw stream, `raw.transcripts__turns` (one row per turn); the staging model in
`sql/staging/transcripts/` keeps each turn's latest copy, and the models in `sql/intermediate/transcripts/`
group the turns of a conversation into its interaction, messages, events and customer, so that a conversation
split over several files still becomes one interaction.

## `*.jsonl`: one JSON object per turn
| key (first spelling found wins) | meaning |
|---|---|
| `conversation_id`, `conversationId`, `conversation`, `session_id`, `chat_id`, `thread_id` | required |
| `timestamp`, `sent_at`, `time`, `ts`, `created_at` | ISO 8601, required |
| `role`, `author_role`, `speaker`, `author`, `sender`, `from` | who wrote the turn (spellings below) |
| `text`, `message`, `body`, `content`, `utterance` | what was written |
| `intent` | optional; the conversation's intent is the first one seen |
| `handoff`, `handover`, `is_handoff` | `true` on the turn where the bot hands over to a person |
| `event`, `event_type` | an event turn (no text): a canonical event type such as `handoff` or `escalated` |
| `customer_id`, `user_id`, `visitor_id`; `customer_email`, `email`; `customer_phone`, `phone` | optional |
| `channel` | `chat` when absent |
| `author_id`, `agent_id`, `sender_id` | optional |
| `turn_id`, `message_id`, `id` | optional; derived from the other keys when absent |

Author roles, case-insensitive (`-` and spaces read as `_`): `customer`, `user`, `visitor`, `end_user`,
`client` -> customer; `agent`, `human_agent`, `human`, `rep`, `representative` -> agent; `bot`,
`assistant`, `virtual_agent`, `chatbot` -> bot; `system`, `action` -> system. Any other role is quarantined.
A turn needs a text or an event; a turn with text needs a role.

## `abcd*.json`: the Action-Based Conversations Dataset (ASAPP)
A JSON list of conversations `{convo_id, scenario: {personal, flow, subflow}, original: [[speaker, text]]}`.
Speakers `agent`, `customer` and `action`; an `action` (the agent's tool step, "Account has been pulled up")
becomes a `system` message, not public. The intent is `<flow>/<subflow>`; the customer is the scenario's
`username`, `email` and `phone`. ABCD has no timestamps: every conversation is taken to start at
`ABCD_STARTED_AT` (2021-01-01 00:00 UTC) and turn n (from 0) at that time plus n minutes, so that turns keep
their order and conversations a day; those turns carry `times_are_synthetic`, and no duration (first reply,
handle time...) is measured from them. The record number within the file stands in for the line.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson
import pandas as pd

from etl.parsing import CHUNK_RECORDS, FileError, RecordChunk
from etl.sources.canonical import CHANNELS, EVENT_TYPES
from etl.streams import Field, FileKind, Stream

FORMAT = "transcripts"
ROLES = ("customer", "agent", "bot", "system")
ROLE_SPELLINGS: dict[str, str] = {
    "customer": "customer", "user": "customer", "visitor": "customer", "end_user": "customer",
    "enduser": "customer", "client": "customer",
    "agent": "agent", "human_agent": "agent", "human": "agent", "rep": "agent", "representative": "agent",
    "bot": "bot", "assistant": "bot", "virtual_agent": "bot", "chatbot": "bot",
    "system": "system", "action": "system",
}
KEY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "turn_id": ("turn_id", "message_id", "id"),
    "conversation_id": ("conversation_id", "conversationId", "conversation", "session_id", "chat_id", "thread_id"),
    "sent_at": ("timestamp", "sent_at", "time", "ts", "created_at"),
    "author_role": ("role", "author_role", "speaker", "author", "sender", "from"),
    "author_id": ("author_id", "agent_id", "sender_id"),
    "text": ("text", "message", "body", "content", "utterance"),
    "intent": ("intent",),
    "is_handoff": ("handoff", "handover", "is_handoff"),
    "event_type": ("event", "event_type"),
    "customer_id": ("customer_id", "user_id", "visitor_id"),
    "customer_email": ("customer_email", "email"),
    "customer_phone": ("customer_phone", "phone"),
    "channel": ("channel",),
}
ABCD_STARTED_AT = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
ABCD_SECONDS_PER_TURN = 60
JSON_READ_CHARS = 1 << 16


def turn_reasons(frame: pd.DataFrame) -> pd.Series:
    """Per turn, why it cannot be used (None when it can): no text and no event, or text without a role."""
    reasons = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    reasons[frame["text"].isna() & frame["event_type"].isna()] = "a turn needs a text or an event"
    reasons[frame["text"].notna() & frame["author_role"].isna()] = "a turn with text needs an author role"
    return reasons


TURNS = Stream(
    FORMAT, "turns", "*.jsonl", "jsonl",
    (
        Field("turn_id", required=True),
        Field("conversation_id", required=True),
        Field("sent_at", "timestamp", required=True),
        Field("author_role", "enum", choices=ROLES),
        Field("author_id"),
        Field("text", pii="free_text"),
        Field("intent"),
        Field("is_handoff", "bool"),
        Field("event_type", "enum", choices=EVENT_TYPES),
        Field("customer_id"),
        Field("customer_email", pii="email"),
        Field("customer_phone", pii="phone"),
        Field("channel", "enum", choices=CHANNELS),
        # true when the connector made the time up (ABCD states turn order only): durations are then not measured
        Field("times_are_synthetic", "bool"),
    ),
    primary_key="turn_id", cursor="sent_at", write_mode="append",
    key_from=("conversation_id", "sent_at", "author_role", "text", "event_type"),
    row_checks=(("text", turn_reasons),),
)
STREAMS: tuple[Stream, ...] = (TURNS,)


def canonical_role(spelling: Any) -> Any:
    """The canonical author role of a spelling; an unknown spelling is returned as it is (and quarantined)."""
    if not isinstance(spelling, str):
        return spelling
    key = spelling.strip().lower().replace("-", "_").replace(" ", "_")
    return ROLE_SPELLINGS.get(key, spelling)


def turn_from_record(record: dict[str, Any]) -> dict[str, Any]:
    """One vendor turn as a flat record keyed by field name: the first spelling present wins."""
    turn: dict[str, Any] = {}
    for name, spellings in KEY_SPELLINGS.items():
        turn[name] = next((record[key] for key in spellings if record.get(key) not in (None, "")), None)
    turn["author_role"] = canonical_role(turn["author_role"])
    return turn


def read_turn_lines(path: Path, kind: FileKind) -> Iterator[tuple[Stream, RecordChunk]]:
    """Turns from a JSONL file, in chunks."""
    chunk = RecordChunk()
    with open(path, encoding="utf-8-sig") as handle:
        for line_number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                record = orjson.loads(text)
            except orjson.JSONDecodeError as error:
                chunk.unreadable.append((line_number, f"invalid JSON: {error}", text))
                continue
            if not isinstance(record, dict):
                chunk.unreadable.append((line_number, "a line must hold one JSON object", text))
                continue
            chunk.lines.append(line_number)
            chunk.values.append(turn_from_record(record))
            chunk.payloads.append(text)
            if len(chunk) >= CHUNK_RECORDS:
                yield TURNS, chunk
                chunk = RecordChunk()
    if len(chunk):
        yield TURNS, chunk


class CutShort(ValueError):
    """The file ends inside a conversation: the conversations before it were read."""


def iter_json_array(handle: IO[str], read_chars: int = JSON_READ_CHARS) -> Iterator[Any]:
    """The elements of the top-level JSON arrays of a file (one, or several concatenated), decoded one at a
    time (memory bounded by the largest element). Raises CutShort when the text ends inside an element."""
    decoder = json.JSONDecoder()
    buffer = handle.read(read_chars).lstrip()
    if not buffer.startswith("["):
        raise ValueError("an ABCD file must hold one JSON list of conversations")
    buffer = buffer[1:]
    while True:
        buffer = buffer.lstrip().lstrip(",").lstrip()
        if buffer.startswith("]"):
            buffer = (buffer[1:] + handle.read(read_chars)).lstrip()
            if not buffer:
                return
            if not buffer.startswith("["):
                raise ValueError("text after the list of conversations that is not another list")
            buffer = buffer[1:]
            continue
        try:
            element, end = decoder.raw_decode(buffer)
        except json.JSONDecodeError:
            more = handle.read(read_chars)
            if not more:
                raise CutShort("the file ends inside a conversation") from None
            buffer += more
            continue
        yield element
        buffer = buffer[end:]
        if len(buffer) < read_chars:
            buffer += handle.read(read_chars)


def abcd_turns(conversation: dict[str, Any]) -> list[dict[str, Any]]:
    """The turns of one ABCD conversation, with synthetic times (ABCD_STARTED_AT + one minute per turn)."""
    scenario = conversation.get("scenario") or {}
    personal = scenario.get("personal") or {}
    flow, subflow = scenario.get("flow"), scenario.get("subflow")
    intent = f"{flow}/{subflow}" if flow and subflow else flow
    turns = []
    for position, (speaker, text) in enumerate(conversation.get("original") or []):
        sent_at = ABCD_STARTED_AT + dt.timedelta(seconds=ABCD_SECONDS_PER_TURN * position)
        turns.append({
            "turn_id": f"{conversation.get('convo_id')}:{position}",
            "conversation_id": conversation.get("convo_id"),
            "sent_at": sent_at.isoformat(),
            "times_are_synthetic": True,
            "author_role": canonical_role(speaker),
            "author_id": None,
            "text": text,
            "intent": intent,
            "is_handoff": None,
            "event_type": None,
            "customer_id": personal.get("username"),
            "customer_email": personal.get("email"),
            "customer_phone": personal.get("phone"),
            "channel": "chat",
        })
    return turns


def read_abcd(path: Path, kind: FileKind) -> Iterator[tuple[Stream, RecordChunk]]:
    """Turns of an ABCD conversation list; the record number in the file stands in for the line. A
    conversation whose turns cannot be read is quarantined whole; a file cut short keeps the conversations
    before the cut and counts the one it cuts as unrecoverable."""
    chunk = RecordChunk()
    record_number = 0
    with open(path, encoding="utf-8-sig") as handle:
        conversations = iter_json_array(handle)
        for origin in itertools.count():
            try:
                conversation = next(conversations)
            except StopIteration:
                break
            except CutShort as error:
                chunk.unrecoverable, chunk.unrecoverable_reason = 1, f"{error}: counted as 1 unrecoverable record"
                break
            except ValueError as error:
                raise FileError(path, f"not an ABCD conversation list: {error}") from error
            try:
                turns = abcd_turns(conversation) if isinstance(conversation, dict) else None
            except (TypeError, ValueError) as error:
                turns, reason = None, f"a turn is not a [speaker, text] pair ({error})"
            else:
                reason = "a conversation must be a JSON object"
            if turns is None:
                record_number += 1
                chunk.unreadable.append((record_number, reason, orjson.dumps(conversation).decode()))
                continue
            for turn in turns:
                record_number += 1
                chunk.lines.append(record_number)
                chunk.values.append(turn)
                chunk.payloads.append(orjson.dumps(turn).decode())
                chunk.origins.append(origin)
            if len(chunk) >= CHUNK_RECORDS:
                yield TURNS, chunk
                chunk = RecordChunk()
    if len(chunk) or chunk.unrecoverable:
        yield TURNS, chunk


KINDS: tuple[FileKind, ...] = (
    FileKind("turns", "*.jsonl", (TURNS,), reader=read_turn_lines),
    FileKind("abcd", "abcd*.json", (TURNS,), reader=read_abcd),
)
