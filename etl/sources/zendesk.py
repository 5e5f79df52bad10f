"""Zendesk Support exports: tickets, ticket audits, ticket metrics, users, groups and organizations.

The files follow Zendesk's published API schemas:
- tickets: the Incremental Ticket Export page (`{"tickets": [...], "next_page": ..., "end_of_stream": ...}`,
  https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/), with the
  users, groups and organizations side-loaded by `include=users,groups,organizations` when present; the
  ticket object is the one of https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/
  (`via.channel`, `satisfaction_rating` with `score`/`comment`/`id`, `tags`, `custom_fields`);
- ticket audits: the Ticket Audits list (`{"audits": [...]}`,
  https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/) whose events are described in
  https://developer.zendesk.com/documentation/ticketing/reference-guides/ticket-audit-events-reference
  (Create, Change with `field_name`/`value`/`previous_value`, Comment with `public` and `author_id`);
- ticket metrics: the Ticket Metrics list (`{"ticket_metrics": [...]}`,
  https://developer.zendesk.com/rest_api/docs/core/ticket_metrics), durations as `{"calendar", "business"}`
  minutes;
- comments: one List Comments response per ticket (`{"comments": [...], "next_page": ...}`,
  https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments) saved as
  `comments/<ticket_id>.json`; a comment carries no ticket id, so the ticket is the file's name (a file whose
  name is not a ticket id has every record refused, with that reason);
- users, groups, organizations: their list pages (`{"users": [...]}`, ...) per the Users, Groups and
  Organizations JSON formats (`role` end-user/agent/admin, `default_group_id`, `organization_fields`).

Every file may be a page file (`*.json`, one JSON object holding arrays) or JSON Lines (`*.jsonl`, one entity a
line). Page files are streamed record by record (`iter_page_records`), never loaded whole.

What the reader decides (the rest is in `sql/staging/zendesk/` and `sql/intermediate/zendesk/`):
- intent: the value of the custom field named by the source option `intent_field_id` when it is set on the
  ticket, else the ticket's first tag, else nothing;
- audit events become canonical events: Create of `status` -> created; `assignee_id` set -> agent_assigned;
  `group_id` changed from one group to another -> transferred (the first group set is the initial routing,
  carried by the ticket's group, not an event); `status` changed -> status_changed (Zendesk's own status
  names in from/to), plus solved when it becomes solved, closed when it becomes closed, and reopened when it
  leaves solved for new/open/pending/hold (Zendesk's definition of a reopen); escalated when `priority` rises
  to urgent (reason `priority_urgent`) or when a tag of the source option `escalation_tags` (default
  `["escalated"]`) is added (reason `tag:<tag>`). Other event types are ignored, as Zendesk asks;
- audit Comment events become messages, dated by their audit; their author's role is looked up in staging;
  a List Comments comment becomes a message dated by its own created_at.

A record derived from an audit keeps as payload the audit's header and the one event it came from, with the
canonical event type it was derived as (so that two events derived from one Change stay two records).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

import orjson

from etl.config import SourceConfig
from etl.parsing import CHUNK_RECORDS, RecordChunk
from etl.streams import Field, FileKind, Stream

FORMAT = "zendesk"
TICKET_STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
USER_ROLES = ("end-user", "agent", "admin")
EVENT_TYPES = ("created", "agent_assigned", "transferred", "status_changed", "solved", "closed", "reopened",
               "escalated")
UNSOLVED_STATUSES = frozenset({"new", "open", "pending", "hold"})
DEFAULT_ESCALATION_TAGS = ("escalated",)
INTENT_KEY = "_cxpulse_intent"
"""Key under which the reader adds the derived intent to a flattened ticket (never a Zendesk key)."""
BLOCK_CHARS = 1 << 16
_WHITE_SPACE = re.compile(r"[ \t\r\n]*")
MAX_RECORD_CHARS = 64 << 20
"""A page-file record larger than this is taken to be broken JSON rather than read on into memory."""


def _minutes(prefix: str) -> tuple[Field, Field]:
    return (
        Field(f"{prefix}__calendar", "float", min_value=0.0),
        Field(f"{prefix}__business", "float", min_value=0.0),
    )


STREAMS: tuple[Stream, ...] = (
    Stream(
        FORMAT, "tickets", "tickets*.json*", "jsonl",
        (
            Field("ticket_id", required=True, source="id"),
            Field("created_at", "timestamp", required=True),
            Field("updated_at", "timestamp", required=True),
            Field("status", "enum", required=True, choices=TICKET_STATUSES),
            Field("priority", "enum", choices=PRIORITIES),
            Field("ticket_type", source="type"),
            Field("subject", pii="free_text"),
            Field("description", pii="free_text"),
            Field("via__channel"),
            Field("group_id"),
            Field("assignee_id"),
            Field("requester_id"),
            Field("submitter_id"),
            Field("organization_id"),
            Field("tags"),
            Field("custom_fields"),
            Field("intent", source=INTENT_KEY),
            Field("satisfaction_rating__id"),
            Field("satisfaction_rating__score"),
            Field("satisfaction_rating__comment", pii="free_text"),
        ),
        primary_key="ticket_id", cursor="updated_at", write_mode="merge",
    ),
    Stream(
        FORMAT, "ticket_events", "ticket_audits*.json*", "jsonl",
        (
            Field("event_key", required=True),
            Field("audit_id"),
            Field("ticket_id", required=True),
            Field("occurred_at", "timestamp", required=True),
            Field("event_type", "enum", required=True, choices=EVENT_TYPES),
            Field("field_name"),
            Field("agent_id"),
            Field("group_id"),
            Field("from_value"),
            Field("to_value"),
            Field("reason"),
            Field("author_id"),
        ),
        primary_key="event_key", cursor="occurred_at", write_mode="append",
    ),
    Stream(
        FORMAT, "ticket_comments", "ticket_audits*.json*", "jsonl",
        (
            Field("comment_id", required=True),
            Field("audit_id"),
            Field("ticket_id", required=True),
            Field("sent_at", "timestamp", required=True),
            Field("author_id"),
            Field("body", required=True, pii="free_text"),
            Field("is_public", "bool", source="public"),
            Field("via__channel"),
        ),
        primary_key="comment_id", cursor="sent_at", write_mode="append",
    ),
    Stream(
        FORMAT, "ticket_metrics", "ticket_metrics*.json*", "jsonl",
        (
            Field("ticket_metric_id", required=True, source="id"),
            Field("ticket_id", required=True),
            Field("created_at", "timestamp"),
            Field("updated_at", "timestamp", required=True),
            *_minutes("reply_time_in_minutes"),
            *_minutes("first_resolution_time_in_minutes"),
            *_minutes("full_resolution_time_in_minutes"),
            *_minutes("agent_wait_time_in_minutes"),
            *_minutes("requester_wait_time_in_minutes"),
            *_minutes("on_hold_time_in_minutes"),
            Field("reopens", "int", min_value=0.0),
            Field("replies", "int", min_value=0.0),
            Field("assignee_stations", "int", min_value=0.0),
            Field("group_stations", "int", min_value=0.0),
            Field("assigned_at", "timestamp"),
            Field("initially_assigned_at", "timestamp"),
            Field("solved_at", "timestamp"),
            Field("latest_comment_added_at", "timestamp"),
        ),
        primary_key="ticket_metric_id", cursor="updated_at", write_mode="merge",
    ),
    Stream(
        FORMAT, "users", "users*.json*", "jsonl",
        (
            Field("user_id", required=True, source="id"),
            Field("name", pii="person_name"),
            Field("email", pii="email"),
            Field("phone", pii="phone"),
            Field("role", "enum", required=True, choices=USER_ROLES),
            Field("organization_id"),
            Field("default_group_id"),
            Field("active", "bool"),
            Field("created_at", "timestamp"),
            Field("updated_at", "timestamp", required=True),
        ),
        primary_key="user_id", cursor="updated_at", write_mode="merge",
        staff_rows=("role", ("agent", "admin")),
    ),
    Stream(
        FORMAT, "groups", "groups*.json*", "jsonl",
        (
            Field("group_id", required=True, source="id"),
            Field("name"),
            Field("deleted", "bool"),
            Field("created_at", "timestamp"),
            Field("updated_at", "timestamp", required=True),
        ),
        primary_key="group_id", cursor="updated_at", write_mode="merge",
    ),
    Stream(
        FORMAT, "organizations", "organizations*.json*", "jsonl",
        (
            Field("organization_id", required=True, source="id"),
            Field("name"),
            Field("organization_fields__segment"),
            Field("organization_fields__industry"),
            Field("organization_fields__arr", "float", min_value=0.0, max_value=1e12),
            Field("created_at", "timestamp"),
            Field("updated_at", "timestamp", required=True),
        ),
        primary_key="organization_id", cursor="updated_at", write_mode="merge",
    ),
)

BY_NAME: dict[str, Stream] = {stream.name: stream for stream in STREAMS}


@dataclass(frozen=True)
class ReaderOptions:
    """The source options the reader applies (`cxpulse.toml`: `intent_field_id`, `escalation_tags`)."""

    intent_field_id: str | None = None
    escalation_tags: frozenset[str] = frozenset(DEFAULT_ESCALATION_TAGS)


def options_of(source: SourceConfig) -> ReaderOptions:
    field_id = source.options.get("intent_field_id")
    tags = source.options.get("escalation_tags", DEFAULT_ESCALATION_TAGS)
    if isinstance(tags, str):
        tags = tags.split(",")
    return ReaderOptions(
        intent_field_id=None if field_id in (None, "") else str(field_id),
        escalation_tags=frozenset(str(tag).strip().lower() for tag in tags if str(tag).strip()),
    )


# ---------------------------------------------------------------- pure record functions

Row = tuple[str, dict[str, Any], str]
"""(stream name, flat values, payload text) of one record for one stream."""


def scalar_text(value: Any) -> Any:
    """Numbers and booleans as their JSON text, so that an id stays `98738` (a column of numbers with gaps
    would otherwise become floating point, `98738.0`, when the chunk is framed); lists stay whole."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return orjson.dumps(value).decode()
    return value


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects flattened with `__` (`via.channel` -> `via__channel`), scalars as text."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}__"))
        else:
            flat[name] = scalar_text(value)
    return flat


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


def ticket_intent(ticket: dict[str, Any], intent_field_id: str | None) -> str | None:
    """The configured custom field's value when set, else the first tag, else None."""
    if intent_field_id is not None:
        for custom in ticket.get("custom_fields") or []:
            if isinstance(custom, dict) and str(custom.get("id")) == intent_field_id and _present(custom.get("value")):
                return str(custom["value"])
    tags = ticket.get("tags") or []
    return str(tags[0]) if tags else None


def ticket_rows(ticket: dict[str, Any], text: str, options: ReaderOptions) -> list[Row]:
    values = flatten(ticket)
    values[INTENT_KEY] = ticket_intent(ticket, options.intent_field_id)
    return [("tickets", values, text)]


def _tag_set(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(tag).lower() for tag in value}
    if isinstance(value, str):
        return {tag.lower() for tag in value.split()}
    return set()


def _text_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(scalar_text(value))


def change_event_types(event: dict[str, Any], escalation_tags: frozenset[str]) -> list[tuple[str, str | None]]:
    """The canonical (event type, reason) pairs one Create or Change audit event implies, in order."""
    kind, field = event.get("type"), event.get("field_name")
    value, previous = event.get("value"), event.get("previous_value")
    if kind not in ("Create", "Change"):
        return []
    found: list[tuple[str, str | None]] = []
    if field == "status":
        if kind == "Create":
            return [("created", None)]
        found.append(("status_changed", None))
        if value == "solved":
            found.append(("solved", None))
        elif value == "closed":
            found.append(("closed", None))
        elif previous == "solved" and value in UNSOLVED_STATUSES:
            found.append(("reopened", None))
    elif field == "assignee_id" and _present(value) and str(value) != _text_or_none(previous):
        found.append(("agent_assigned", None))
    elif field == "group_id" and kind == "Change" and _present(previous) and _present(value) \
            and str(value) != str(previous):
        found.append(("transferred", None))
    elif field == "priority" and kind == "Change" and value == "urgent" and previous != "urgent":
        found.append(("escalated", "priority_urgent"))
    elif field == "tags":
        added = _tag_set(value) - _tag_set(previous)
        found.extend(("escalated", f"tag:{tag}") for tag in sorted(added & escalation_tags))
    return found


def _audit_header(audit: dict[str, Any]) -> dict[str, Any]:
    return {key: audit.get(key) for key in ("id", "ticket_id", "created_at", "author_id", "via")}


def _event_row(audit: dict[str, Any], event: dict[str, Any], index: int, event_type: str,
               reason: str | None) -> Row:
    event_id = event.get("id", f"{audit.get('id')}-{index}")
    field, value, previous = event.get("field_name"), event.get("value"), event.get("previous_value")
    values = {
        "event_key": f"{event_id}:{event_type}",
        "audit_id": audit.get("id"),
        "ticket_id": audit.get("ticket_id"),
        "occurred_at": audit.get("created_at"),
        "event_type": event_type,
        "field_name": field,
        "agent_id": value if field == "assignee_id" else None,
        "group_id": value if field == "group_id" else None,
        "from_value": None if field == "tags" else _text_or_none(previous),
        "to_value": None if field == "tags" else _text_or_none(value),
        "reason": reason,
        "author_id": audit.get("author_id"),
    }
    payload = {"audit": _audit_header(audit), "event": event, "derived_event_type": event_type}
    return "ticket_events", {key: scalar_text(value) for key, value in values.items()}, orjson.dumps(payload).decode()


def _comment_row(audit: dict[str, Any], event: dict[str, Any], index: int) -> Row:
    via = event.get("via") or audit.get("via") or {}
    values = {
        "comment_id": event.get("id", f"{audit.get('id')}-{index}"),
        "audit_id": audit.get("id"),
        "ticket_id": audit.get("ticket_id"),
        "sent_at": audit.get("created_at"),
        "author_id": event.get("author_id", audit.get("author_id")),
        "body": event.get("plain_body") or event.get("body"),
        "public": event.get("public"),
        "via__channel": via.get("channel") if isinstance(via, dict) else None,
    }
    payload = {"audit": _audit_header(audit), "event": event}
    return "ticket_comments", {key: scalar_text(value) for key, value in values.items()}, orjson.dumps(payload).decode()


def audit_rows(audit: dict[str, Any], text: str, options: ReaderOptions) -> list[Row]:
    """One row per canonical event and one per comment of an audit."""
    rows: list[Row] = []
    for index, event in enumerate(audit.get("events") or []):
        if not isinstance(event, dict):
            continue
        if event.get("type") in ("Comment", "VoiceComment"):
            rows.append(_comment_row(audit, event, index))
            continue
        for event_type, reason in change_event_types(event, options.escalation_tags):
            rows.append(_event_row(audit, event, index, event_type, reason))
    return rows


def comment_rows(comment: dict[str, Any], text: str, ticket_id: str) -> list[Row]:
    """One message row for a comment of a List Comments response; the ticket id comes from the file name."""
    via = comment.get("via")
    values = {
        "comment_id": comment.get("id"),
        "audit_id": comment.get("audit_id"),
        "ticket_id": ticket_id,
        "sent_at": comment.get("created_at"),
        "author_id": comment.get("author_id"),
        "body": comment.get("plain_body") or comment.get("body"),
        "public": comment.get("public"),
        "via__channel": via.get("channel") if isinstance(via, dict) else None,
    }
    return [("ticket_comments", {key: scalar_text(value) for key, value in values.items()}, text)]


COMMENTS_NAME_REASON = "the file name is not a ticket id (comments/<ticket_id>.json)"


def ticket_id_of_comments_file(path: Path) -> str | None:
    """The ticket id a `comments/<ticket_id>.json` file is named after, or None when the name is not one."""
    stem = path.name.split(".", 1)[0]
    return stem if stem.isdigit() else None


def _plain_rows(stream_name: str) -> Callable[[dict[str, Any], str, ReaderOptions], list[Row]]:
    def rows(record: dict[str, Any], text: str, options: ReaderOptions) -> list[Row]:
        return [(stream_name, flatten(record), text)]

    return rows


RECORD_HANDLERS: dict[str, Callable[[dict[str, Any], str, ReaderOptions], list[Row]]] = {
    "tickets": ticket_rows,
    "audits": audit_rows,
    "ticket_metrics": _plain_rows("ticket_metrics"),
    "users": _plain_rows("users"),
    "groups": _plain_rows("groups"),
    "organizations": _plain_rows("organizations"),
}
"""Array key of a page file -> what each of its records becomes. Other keys (next_page, count...) are skipped."""


# ---------------------------------------------------------------- streaming a page file


SIDE_LOAD_KEYS = ("users", "groups", "organizations")
"""Arrays a page file of any kind may carry besides its own (`include=users,groups,organizations`)."""


class BrokenJson(ValueError):
    """Where a page file stops being JSON. `truncated`: the text ends inside a value (a file cut short)."""

    def __init__(self, line: int, reason: str, truncated: bool = False, records_lost: int = 1) -> None:
        super().__init__(reason)
        self.line = line
        self.truncated = truncated
        self.records_lost = records_lost


def _ends_inside(text: str, error: json.JSONDecodeError) -> bool:
    """Whether a decoding error at the end of the text means the text stops inside a value (cut short)."""
    return error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated string")


class _Cursor:
    """A read position in a text stream with the line it is on, reading blocks as needed."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle, self.text, self.pos, self.line, self.eof = handle, "", 0, 1, False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        block = self.handle.read(BLOCK_CHARS)
        if not block:
            self.eof = True
            return False
        self.text = self.text[self.pos:] + block
        self.pos = 0
        return True

    def _advance_to(self, end: int) -> None:
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            self._advance_to(_WHITE_SPACE.match(self.text, self.pos).end())
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._fill():
                return ""

    def take(self, expected: str) -> None:
        found = self.peek()
        if found == "" and expected in "]}":
            raise BrokenJson(self.line, f"the file ends before its closing {expected!r}", truncated=True,
                             records_lost=0)
        if found != expected:
            raise BrokenJson(self.line, f"invalid JSON: expected {expected!r}, found {found or 'the end'!r}")
        self._advance_to(self.pos + 1)

    def value(self) -> tuple[Any, str, int]:
        """The next JSON value, its text and the line it starts on. A value that is not JSON raises BrokenJson
        with the line it starts on."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except RecursionError as error:
                raise BrokenJson(self.line, "JSON nested too deeply to read (over the recursion limit)") from error
            except json.JSONDecodeError as error:
                if len(self.text) - self.pos > MAX_RECORD_CHARS or not self._fill():
                    broken_line = self.line + self.text.count("\n", self.pos, error.pos)
                    raise BrokenJson(self.line, f"invalid JSON: {error.msg} at line {broken_line}",
                                     truncated=_ends_inside(self.text, error)) from error
                continue
            if end == len(self.text) and not self.eof and self._fill():
                continue  # a number or literal may go on in the next block
            line, text = self.line, self.text[self.pos:end]
            self._advance_to(end)
            return value, text, line


PAGE_KEYS = frozenset({"next_page", "previous_page", "count", "end_time", "end_of_stream", "after_cursor",
                       "before_cursor", "after_url", "before_url", "meta", "links"})
"""Top-level keys of a Zendesk page besides its arrays (pagination and counts): they hold no records."""
_FIRST_KEY = re.compile(r'\{[ \t\r\n]*"((?:[^"\\]|\\.)*)"[ \t\r\n]*:[ \t\r\n]*(.)', re.DOTALL)


@dataclass(frozen=True)
class Unexpected:
    """A record found under a top-level key that is not the file's (`{"results": [...]}`): kept with a reason."""

    reason: str


@dataclass(frozen=True)
class PageNote:
    """Something about a page that loses no record but must be reported (`{"tickets": null}`)."""

    text: str


def _document_is_page(cursor: _Cursor, array_keys: frozenset[str]) -> bool:
    """Whether the JSON object starting at the cursor is a page (first key one of ours or a page key, or an
    array) rather than a record written one per line (NDJSON of entities)."""
    while True:
        match = _FIRST_KEY.match(cursor.text, cursor.pos)
        if match or cursor.eof or len(cursor.text) - cursor.pos > MAX_RECORD_CHARS:
            break
        if not cursor._fill():
            break
    if match is None:
        return True
    key, opener = match.group(1), match.group(2)
    return key in array_keys or key in PAGE_KEYS or opener == "["


def _array_elements(cursor: _Cursor) -> Iterator[tuple[Any, str, int]]:
    """(value, text, line) of each element of the JSON array starting at the cursor."""
    cursor.take("[")
    if cursor.peek() == "]":
        cursor.take("]")
        return
    while True:
        yield cursor.value()
        if cursor.peek() == ",":
            cursor.take(",")
            continue
        cursor.take("]")
        return


def _page_records(cursor: _Cursor, array_keys: frozenset[str],
                  own_key: str) -> Iterator[tuple[str, int, Any, str]]:
    cursor.take("{")
    if cursor.peek() == "}":
        cursor.take("}")
        return
    while True:
        key, _, _ = cursor.value()
        cursor.take(":")
        if cursor.peek() == "[" and key not in PAGE_KEYS:
            for record, text, line in _array_elements(cursor):
                if key in array_keys:
                    yield key, line, record, text
                else:
                    yield own_key, line, Unexpected(f"under the top-level key {key!r}, not {own_key!r}"), text
        else:
            value, _, line = cursor.value()
            if value is None and key in array_keys:
                yield own_key, line, PageNote(f"the top-level key {key!r} is null: no records in it"), ""
        if cursor.peek() == ",":
            cursor.take(",")
            continue
        cursor.take("}")
        return


def iter_page_records(handle: IO[str], array_keys: frozenset[str],
                      own_key: str | None = None) -> Iterator[tuple[str, int, Any, str]]:
    """(array key, line, record, record text) for each element of the top-level arrays of the JSON documents
    in a file, read incrementally. A file may hold several documents one after another (concatenated pages,
    NDJSON); a document may be a page object, a bare array of records, or one record. Records under a
    top-level key that is not ours come as `Unexpected`. Raises BrokenJson where the text stops being JSON."""
    own = own_key or min(array_keys)
    cursor = _Cursor(handle)
    while True:
        opener = cursor.peek()
        if opener == "":
            return
        if opener == "[":
            yield from ((own, line, record, text) for record, text, line in _array_elements(cursor))
        elif opener == "{" and _document_is_page(cursor, array_keys):
            yield from _page_records(cursor, array_keys, own)
        else:
            record, text, line = cursor.value()
            yield own, line, record, text


def _jsonl_records(handle: IO[str], array_key: str) -> Iterator[tuple[str, int, Any, str]]:
    """(array key, line, record, text) per line of a JSON Lines file; a line that is not JSON comes with a
    `NotJson` holding the reason in place of the record."""
    for line_number, line in enumerate(handle, start=1):
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            record = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            yield array_key, line_number, NotJson(f"invalid JSON: {error}"), text
            continue
        yield array_key, line_number, record, text


@dataclass(frozen=True)
class NotJson:
    reason: str


# ---------------------------------------------------------------- the reader


class _Chunks:
    """Per-stream chunks of flat records, handed out when full."""

    def __init__(self) -> None:
        self.chunks: dict[str, RecordChunk] = {}

    def add(self, stream_name: str, line: int, values: dict[str, Any], payload: str, origin: int) -> None:
        chunk = self.chunks.setdefault(stream_name, RecordChunk())
        chunk.lines.append(line)
        chunk.values.append(values)
        chunk.payloads.append(payload)
        chunk.origins.append(origin)

    def unreadable(self, stream_name: str, line: int, reason: str, text: str) -> None:
        self.chunks.setdefault(stream_name, RecordChunk()).unreadable.append((line, reason, text))

    def lost(self, stream_name: str, reason: str) -> None:
        chunk = self.chunks.setdefault(stream_name, RecordChunk())
        chunk.unrecoverable += 1
        chunk.unrecoverable_reason = reason

    def note(self, stream_name: str, text: str) -> None:
        self.chunks.setdefault(stream_name, RecordChunk()).notes.append(text)

    def full(self) -> Iterator[tuple[Stream, RecordChunk]]:
        for name in [name for name, chunk in self.chunks.items() if len(chunk) >= CHUNK_RECORDS]:
            yield BY_NAME[name], self.chunks.pop(name)

    def rest(self) -> Iterator[tuple[Stream, RecordChunk]]:
        for name, chunk in self.chunks.items():
            if len(chunk) or chunk.unrecoverable or chunk.notes:
                yield BY_NAME[name], chunk
        self.chunks = {}


def _records(path: Path, handle: IO[str], array_key: str) -> Iterator[tuple[str, int, Any, str]]:
    if path.suffix.lower() == ".jsonl":
        return _jsonl_records(handle, array_key)
    return iter_page_records(handle, frozenset({array_key, *SIDE_LOAD_KEYS}), array_key)


def broken_reason(error: BrokenJson) -> str:
    """How a break in a page file is reported; it counts as `error.records_lost` unrecoverable records."""
    if not error.records_lost:
        return f"{error}: cut short between records (every record before the cut was read)"
    if error.truncated:
        return (f"the file ends inside a record (from line {error.line}): the incomplete record is counted as"
                " 1 unrecoverable record")
    return (f"{error} (record starting at line {error.line}); the rest of the file was not read: counted as 1"
            " unrecoverable record, as the number of records in it cannot be known")


def _handlers_for(path: Path, array_key: str) -> dict[str, Callable[[dict[str, Any], str, ReaderOptions], list[Row]]]:
    if array_key != "comments":
        return RECORD_HANDLERS
    ticket_id = ticket_id_of_comments_file(path)
    if ticket_id is None:
        return {}
    return {**RECORD_HANDLERS, "comments": lambda record, text, _options: comment_rows(record, text, ticket_id)}


def read_zendesk_file(path: Path, kind: FileKind, array_key: str,
                      options: ReaderOptions) -> Iterator[tuple[Stream, RecordChunk]]:
    """Chunks per stream from one Zendesk export file (page file or JSON Lines). A JSON Lines line that is not
    JSON is unreadable on its own; a page file that stops being JSON is read up to that point, and the rest
    of it is reported unreadable from the line where it breaks."""
    chunks = _Chunks()
    first_stream = kind.streams[0].name
    handlers = _handlers_for(path, array_key)
    with open(path, encoding="utf-8-sig") as handle:
        try:
            for origin, (key, line, record, text) in enumerate(_records(path, handle, array_key)):
                if isinstance(record, NotJson | Unexpected):
                    chunks.unreadable(first_stream, line, record.reason, text)
                elif isinstance(record, PageNote):
                    chunks.note(first_stream, record.text)
                elif not isinstance(record, dict):
                    chunks.unreadable(first_stream, line, "a record must be a JSON object", text)
                elif key not in handlers:
                    chunks.unreadable(first_stream, line, COMMENTS_NAME_REASON, text)
                else:
                    for stream_name, values, payload in handlers[key](record, text, options):
                        chunks.add(stream_name, line, values, payload, origin)
                yield from chunks.full()
        except BrokenJson as error:
            if error.records_lost:
                chunks.lost(first_stream, broken_reason(error))
            else:
                chunks.note(first_stream, broken_reason(error))
    yield from chunks.rest()


SIDE_LOADED = (BY_NAME["users"], BY_NAME["groups"], BY_NAME["organizations"])

KIND_LAYOUT: tuple[tuple[str, str, tuple[Stream, ...]], ...] = (
    ("organizations", "organizations*.json*", (BY_NAME["organizations"],)),
    ("groups", "groups*.json*", (BY_NAME["groups"],)),
    ("users", "users*.json*", (BY_NAME["users"],)),
    ("tickets", "tickets*.json*", (BY_NAME["tickets"], *SIDE_LOADED)),
    ("audits", "ticket_audits*.json*", (BY_NAME["ticket_events"], BY_NAME["ticket_comments"], *SIDE_LOADED)),
    ("ticket_metrics", "ticket_metrics*.json*", (BY_NAME["ticket_metrics"],)),
    ("comments", "comments/*.json*", (BY_NAME["ticket_comments"], *SIDE_LOADED)),
)
"""(array key = kind name, file pattern, streams fed). `tickets*` does not match `ticket_audits*` or
`ticket_metrics*` (the letter after `ticket` differs). A pattern with a `/` is matched in that sub-folder of
the source folder (`comments/<ticket_id>.json`)."""


def kinds_for_options(options: ReaderOptions) -> tuple[FileKind, ...]:
    return tuple(
        FileKind(name, pattern, streams, reader=partial(_read_kind, array_key=name, options=options))
        for name, pattern, streams in KIND_LAYOUT
    )


def _read_kind(path: Path, kind: FileKind, *, array_key: str,
               options: ReaderOptions) -> Iterator[tuple[Stream, RecordChunk]]:
    return read_zendesk_file(path, kind, array_key, options)


def kinds_for(source: SourceConfig) -> tuple[FileKind, ...]:
    return kinds_for_options(options_of(source))


KINDS = kinds_for_options(ReaderOptions())
"""The kinds with default options (no intent field, escalation tag `escalated`)."""
