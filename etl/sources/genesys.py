"""Genesys Cloud: analytics conversation detail records.

Reads what `POST /api/v2/analytics/conversations/details/query` returns, saved either as page files (one
response body per file, `{"conversations": [...], "totalHits": n}`, matched by `*.json`) or as JSONL with one
conversation per line (`*.jsonl`), and the wrap-up code list `GET /api/v2/routing/wrapupcodes` returns, saved
as page files named `wrapupcodes*.json` (WrapupCodeEntityListing: `{"entities": [{"id", "name", "division",
"description", "dateCreated", "dateModified", "createdBy", "modifiedBy", "selfUri"}], "pageSize", "pageNumber",
"total", "pageCount", "firstUri", "nextUri", "lastUri", "selfUri"}`; platform-client-sdk-python
`docs/WrapupCode.md`), which names the wrap-up codes that the conversation segments carry only as ids.
The record shape follows the documented analytics models of the Genesys Cloud Platform API, as published in
MyPureCloud's client SDKs:
AnalyticsConversationQueryResponse (conversations, totalHits), AnalyticsConversation (conversationId,
conversationStart, conversationEnd, originatingDirection, divisionIds, mediaStatsMinConversationMos,
participants, surveys; platform-client-sdk-go `analyticsconversation.go`), AnalyticsSurvey (surveyId,
surveyFormId, surveyFormName, surveyFormContextId, eventTime, userId, queueId, surveyStatus, surveyPromoterScore,
surveyCompletedDate, oSurveyTotalScore; `analyticssurvey.go`), AnalyticsParticipant (participantId,
participantName, purpose, userId, externalContactId, externalOrganizationId, teamId, sessions;
platform-client-sdk-python `docs/AnalyticsParticipantWithoutAttributes.md`), AnalyticsSession (mediaType,
sessionId, direction, ani, dnis, addressFrom, addressTo, addressSelf, addressOther, peerId, flow, metrics,
segments; `docs/AnalyticsSession.md`), AnalyticsConversationSegment (segmentType, segmentStart, segmentEnd,
queueId, wrapUpCode, wrapUpNote, disconnectType, conference, sourceSessionId, destinationSessionId; the
purecloudplatformclientv2 gem) and AnalyticsSessionMetric (name, value, emitDate; durations `t*` in
milliseconds, counts `n*`).

The reader flattens each conversation into five raw streams, one row per node of the tree:

  conversations  one row per conversation (its own keys; participants left out)
  participants   one row per participant, with its conversation id and position (participant_seq)
  sessions       one row per session, with its participant and conversation ids and `flow.*` flattened
  segments       one row per segment, with its session, participant and conversation ids
  metrics        one row per session metric, with its session, participant and conversation ids
  surveys        one row per survey of the conversation (its `surveys` list), with the conversation id

Each row keeps as payload its own part of the original JSON (children left out) together with the ids of
its ancestors, so that two identical segments of different conversations remain two records. Every row
carries its conversation's `conversationStart` as cursor: a conversation without one is quarantined in every
stream, and no orphan rows are left behind. In a page file a record's line is its conversation's position
in the page (1, 2, ...); in a JSONL file it is the line number. A wrap-up code page gives one `wrapup_codes`
row per entity, its line being the entity's position in the page.

The staging models in sql/staging/genesys/ type these streams, one model each, and the models in
sql/intermediate/genesys/ put them together into the canonical entities.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from etl.parsing import CHUNK_RECORDS, RecordChunk
from etl.streams import Field, FileKind, Stream

FORMAT = "genesys"

CONVERSATION_KEY = "conversationId"
PARTICIPANT_KEY = "participantId"
SESSION_KEY = "sessionId"
CURSOR_KEY = "conversationStart"
CHILD_LISTS = ("participants", "sessions", "segments", "metrics", "surveys")
WRAPUP_CODES_PATTERN = "wrapupcodes*.json"

Flattened = dict[str, list[tuple[dict[str, Any], str]]]
"""Stream name -> (flat values, payload text) of each row one conversation yields."""


def _id(name: str, source: str, required: bool = True) -> Field:
    return Field(name, required=required, source=source)


def _cursor() -> Field:
    return Field("conversation_start", "timestamp", required=True, source=CURSOR_KEY)


STREAMS: tuple[Stream, ...] = (
    Stream(
        FORMAT, "conversations", "*.json", "jsonl",
        (
            _id("conversation_id", CONVERSATION_KEY),
            _cursor(),
            Field("conversation_end", "timestamp", source="conversationEnd"),
            Field("originating_direction", "enum", choices=("inbound", "outbound"), source="originatingDirection"),
            Field("division_ids", source="divisionIds"),
            Field("external_tag", source="externalTag"),
            Field("media_stats_min_conversation_mos", "float", min_value=0.0, max_value=5.0,
                  source="mediaStatsMinConversationMos"),
        ),
        primary_key="conversation_id", cursor="conversation_start", write_mode="merge",
    ),
    Stream(
        FORMAT, "participants", "*.json", "jsonl",
        (
            _id("participant_id", PARTICIPANT_KEY),
            _id("conversation_id", CONVERSATION_KEY),
            _cursor(),
            Field("participant_seq", "int", required=True, min_value=1),
            Field("purpose", required=True, source="purpose"),
            Field("participant_name", source="participantName", pii="person_name"),
            Field("user_id", source="userId"),
            Field("external_contact_id", source="externalContactId"),
            Field("external_organization_id", source="externalOrganizationId"),
            Field("team_id", source="teamId"),
        ),
        primary_key="participant_id", cursor="conversation_start", write_mode="merge",
        customer_rows=("purpose", ("customer", "external")),
    ),
    Stream(
        FORMAT, "sessions", "*.json", "jsonl",
        (
            _id("session_id", SESSION_KEY),
            _id("participant_id", PARTICIPANT_KEY),
            _id("conversation_id", CONVERSATION_KEY),
            _cursor(),
            Field("session_seq", "int", required=True, min_value=1),
            Field("media_type", required=True, source="mediaType"),
            Field("message_type", source="messageType"),
            Field("direction", source="direction"),
            Field("ani", source="ani", pii="contact_address"),
            Field("dnis", source="dnis", pii="contact_address"),
            Field("address_from", source="addressFrom", pii="contact_address"),
            Field("address_to", source="addressTo", pii="contact_address"),
            Field("address_self", source="addressSelf", pii="contact_address"),
            Field("address_other", source="addressOther", pii="contact_address"),
            Field("peer_id", source="peerId"),
            Field("flow__flow_id", source="flow.flowId"),
            Field("flow__flow_name", source="flow.flowName"),
            Field("flow__flow_type", source="flow.flowType"),
        ),
        primary_key="session_id", cursor="conversation_start", write_mode="merge",
    ),
    Stream(
        FORMAT, "segments", "*.json", "jsonl",
        (
            Field("segment_key", required=True),
            _id("session_id", SESSION_KEY),
            _id("participant_id", PARTICIPANT_KEY),
            _id("conversation_id", CONVERSATION_KEY),
            _cursor(),
            Field("segment_seq", "int", required=True, min_value=1),
            Field("segment_type", required=True, source="segmentType"),
            Field("segment_start", "timestamp", required=True, source="segmentStart"),
            Field("segment_end", "timestamp", source="segmentEnd"),
            Field("queue_id", source="queueId"),
            Field("wrap_up_code", source="wrapUpCode"),
            Field("wrap_up_note", source="wrapUpNote", pii="free_text"),
            Field("disconnect_type", source="disconnectType"),
            Field("conference", "bool", source="conference"),
            Field("source_session_id", source="sourceSessionId"),
            Field("destination_session_id", source="destinationSessionId"),
        ),
        primary_key="segment_key", cursor="conversation_start", write_mode="merge",
        key_from=("session_id", "segment_type", "segment_start"),
    ),
    Stream(
        FORMAT, "metrics", "*.json", "jsonl",
        (
            Field("metric_key", required=True),
            _id("session_id", SESSION_KEY),
            _id("participant_id", PARTICIPANT_KEY),
            _id("conversation_id", CONVERSATION_KEY),
            _cursor(),
            Field("name", required=True, source="name"),
            Field("value", "float", required=True, source="value"),
            Field("emit_date", "timestamp", required=True, source="emitDate"),
        ),
        primary_key="metric_key", cursor="conversation_start", write_mode="append",
        key_from=("session_id", "name", "emit_date"),
    ),
    Stream(
        FORMAT, "surveys", "*.json", "jsonl",
        (
            _id("survey_id", "surveyId"),
            _id("conversation_id", CONVERSATION_KEY),
            _cursor(),
            Field("survey_seq", "int", required=True, min_value=1),
            Field("survey_form_id", source="surveyFormId"),
            Field("survey_form_name", source="surveyFormName"),
            Field("survey_form_context_id", source="surveyFormContextId"),
            Field("survey_status", source="surveyStatus"),
            Field("survey_type", source="surveyType"),
            Field("survey_promoter_score", "int", min_value=0, max_value=10, source="surveyPromoterScore"),
            Field("o_survey_total_score", "float", min_value=0.0, max_value=100.0, source="oSurveyTotalScore"),
            Field("survey_partial_response", "bool", source="surveyPartialResponse"),
            Field("survey_completed_date", "timestamp", source="surveyCompletedDate"),
            Field("event_time", "timestamp", source="eventTime"),
            Field("user_id", source="userId"),
            Field("queue_id", source="queueId"),
        ),
        primary_key="survey_id", cursor="conversation_start", write_mode="merge",
    ),
)

WRAPUP_CODES = Stream(
    FORMAT, "wrapup_codes", WRAPUP_CODES_PATTERN, "jsonl",
    (
        Field("wrapup_code_id", required=True, source="id"),
        Field("wrapup_code_name", required=True, source="name"),
        Field("description", source="description"),
        Field("division__id", source="division.id"),
        Field("division__name", source="division.name"),
        Field("date_created", "timestamp", source="dateCreated"),
        Field("date_modified", "timestamp", source="dateModified"),
    ),
    primary_key="wrapup_code_id", cursor="date_modified", write_mode="merge",
)
"""One row per wrap-up code of a `GET /api/v2/routing/wrapupcodes` page (its id and its name)."""

CONVERSATION_STREAMS = STREAMS
STREAMS = (*CONVERSATION_STREAMS, WRAPUP_CODES)

STREAM_BY_NAME: dict[str, Stream] = {stream.name: stream for stream in CONVERSATION_STREAMS}
CONVERSATIONS_STREAM = STREAM_BY_NAME["conversations"]


# ---------------------------------------------------------------- flattening (pure)


def _without(record: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in keys}


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list (anything else in it, or a missing list, gives nothing)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _row(own: dict[str, Any], context: dict[str, Any], extra: dict[str, Any] | None = None) -> tuple[dict, str]:
    """(flat values, payload): the payload is the ancestors' ids followed by the node's own keys."""
    payload = {**context, **own}
    values = {**payload, **(extra or {})}
    return values, orjson.dumps(payload).decode()


def _flow_values(session: dict[str, Any]) -> dict[str, Any]:
    flow = session.get("flow")
    if not isinstance(flow, dict):
        return {}
    return {f"flow.{key}": flow.get(key) for key in ("flowId", "flowName", "flowType")}


def flatten_conversation(conversation: dict[str, Any]) -> Flattened:
    """One conversation detail record as flat rows per stream, each with its own payload."""
    rows: Flattened = {name: [] for name in STREAM_BY_NAME}
    conversation_id = conversation.get(CONVERSATION_KEY)
    cursor = {CURSOR_KEY: conversation.get(CURSOR_KEY)}
    rows["conversations"].append(_row(_without(conversation, CHILD_LISTS), {}))
    for survey_seq, survey in enumerate(_dicts(conversation.get("surveys")), start=1):
        rows["surveys"].append(
            _row(survey, {CONVERSATION_KEY: conversation_id}, {**cursor, "survey_seq": survey_seq})
        )
    for participant_seq, participant in enumerate(_dicts(conversation.get("participants")), start=1):
        in_conversation = {CONVERSATION_KEY: conversation_id}
        rows["participants"].append(
            _row(_without(participant, CHILD_LISTS), in_conversation, {**cursor, "participant_seq": participant_seq})
        )
        in_participant = {**in_conversation, PARTICIPANT_KEY: participant.get(PARTICIPANT_KEY)}
        for session_seq, session in enumerate(_dicts(participant.get("sessions")), start=1):
            rows["sessions"].append(
                _row(_without(session, CHILD_LISTS), in_participant,
                     {**cursor, **_flow_values(session), "session_seq": session_seq})
            )
            in_session = {**in_participant, SESSION_KEY: session.get(SESSION_KEY)}
            for segment_seq, segment in enumerate(_dicts(session.get("segments")), start=1):
                rows["segments"].append(_row(segment, in_session, {**cursor, "segment_seq": segment_seq}))
            for metric in _dicts(session.get("metrics")):
                rows["metrics"].append(_row(metric, in_session, cursor))
    return rows


# ---------------------------------------------------------------- reading (I/O)


PAGE_KEYS = frozenset({"totalHits", "cursor", "pageSize", "pageNumber", "pageCount", "total", "interval"})
"""Keys of a conversation-details page besides `conversations`; a page past the last holds only these."""


def _page_conversations(path: Path) -> tuple[list[tuple[int, Any]], list[tuple[int, str, str]]]:
    """((position, conversation) of a page file, unreadable (line, reason, text)). A page is small: read whole."""
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        return [], []
    try:
        page = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        return [], [(1, f"invalid JSON: {error}", text)]
    if not isinstance(page, dict):
        return [], [(1, "a page must be one JSON object with a conversations list", text)]
    if "conversations" not in page and set(page) - PAGE_KEYS:
        keys = ", ".join(map(str, page))
        return [], [(1, f"a page must hold a conversations list (its top-level keys: {keys})", text)]
    conversations = page.get("conversations") or []
    if not isinstance(conversations, list):
        return [], [(1, "conversations is not a list", text)]
    return list(enumerate(conversations, start=1)), []


def _jsonl_conversations(path: Path) -> Iterator[tuple[int, Any, str, str | None]]:
    """(line number, decoded value, text, reason it cannot be decoded or None) per non-blank line."""
    with open(path, encoding="utf-8-sig") as handle:
        for line_number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                yield line_number, orjson.loads(text), text, None
            except orjson.JSONDecodeError as error:
                yield line_number, None, text, f"invalid JSON: {error}"


class _Chunks:
    """Per-stream chunks being filled; hands back the full ones."""

    def __init__(self, chunk_records: int) -> None:
        self.chunk_records = chunk_records
        self.chunks: dict[str, RecordChunk] = {name: RecordChunk() for name in STREAM_BY_NAME}

    def add_conversation(self, line: int, conversation: Any, text: str) -> None:
        if not isinstance(conversation, dict):
            self.chunks["conversations"].unreadable.append((line, "a conversation must be one JSON object", text))
            return
        for name, rows in flatten_conversation(conversation).items():
            chunk = self.chunks[name]
            for values, payload in rows:
                chunk.lines.append(line)
                chunk.values.append(values)
                chunk.payloads.append(payload)
                chunk.origins.append(line)  # a conversation's position or line: one per conversation

    def add_unreadable(self, line: int, reason: str, text: str) -> None:
        self.chunks["conversations"].unreadable.append((line, reason, text))

    def take(self, everything: bool = False) -> Iterator[tuple[Stream, RecordChunk]]:
        for name, chunk in self.chunks.items():
            if len(chunk) and (everything or len(chunk) >= self.chunk_records):
                yield STREAM_BY_NAME[name], chunk
                self.chunks[name] = RecordChunk()


def read_pages(path: Path, kind: FileKind, chunk_records: int = CHUNK_RECORDS) -> Iterator[tuple[Stream, RecordChunk]]:
    """A saved response page: its conversations, flattened into the five streams."""
    chunks = _Chunks(chunk_records)
    conversations, unreadable = _page_conversations(path)
    for line, reason, text in unreadable:
        chunks.add_unreadable(line, reason, text)
    for position, conversation in conversations:
        chunks.add_conversation(position, conversation, orjson.dumps(conversation).decode())
        yield from chunks.take()
    yield from chunks.take(everything=True)


def read_lines(path: Path, kind: FileKind, chunk_records: int = CHUNK_RECORDS) -> Iterator[tuple[Stream, RecordChunk]]:
    """One conversation per line, flattened into the five streams, streamed in chunks."""
    chunks = _Chunks(chunk_records)
    for line, conversation, text, reason in _jsonl_conversations(path):
        if reason is not None:
            chunks.add_unreadable(line, reason, text)
        else:
            chunks.add_conversation(line, conversation, text)
        yield from chunks.take()
    yield from chunks.take(everything=True)


def _flatten_wrap_up_code(entity: dict[str, Any]) -> dict[str, Any]:
    division = entity.get("division")
    flat = {key: value for key, value in entity.items() if key != "division"}
    if isinstance(division, dict):
        flat["division.id"], flat["division.name"] = division.get("id"), division.get("name")
    return flat


def read_wrap_up_codes(path: Path, kind: FileKind) -> Iterator[tuple[Stream, RecordChunk]]:
    """A saved `GET /api/v2/routing/wrapupcodes` page: one wrap-up code row per entity (line = its position)."""
    chunk = RecordChunk()
    text = path.read_text(encoding="utf-8-sig")
    try:
        page = orjson.loads(text) if text.strip() else {"entities": []}
    except orjson.JSONDecodeError as error:
        page, chunk.unreadable = None, [(1, f"invalid JSON: {error}", text)]
    if page is not None and (not isinstance(page, dict) or not isinstance(page.get("entities"), list)):
        chunk.unreadable.append((1, "a wrap-up code page must be one JSON object with an entities list", text))
    elif page is not None:
        for position, entity in enumerate(page["entities"], start=1):
            if not isinstance(entity, dict):
                reason = "a wrap-up code must be a JSON object"
                chunk.unreadable.append((position, reason, orjson.dumps(entity).decode()))
                continue
            chunk.lines.append(position)
            chunk.values.append(_flatten_wrap_up_code(entity))
            chunk.payloads.append(orjson.dumps(entity).decode())
    if len(chunk):
        yield WRAPUP_CODES, chunk


def read_json_file(path: Path, kind: FileKind,
                   chunk_records: int = CHUNK_RECORDS) -> Iterator[tuple[Stream, RecordChunk]]:
    """A saved API response page: a wrap-up code list when its name is `wrapupcodes*.json`, else a page of
    conversation details. (One file kind reads both, so that no file is read twice under two patterns.)"""
    if fnmatch.fnmatch(path.name, WRAPUP_CODES_PATTERN):
        return read_wrap_up_codes(path, kind)
    return read_pages(path, kind, chunk_records)


KINDS: tuple[FileKind, ...] = (
    FileKind("pages", "*.json", STREAMS, read_json_file),
    FileKind("lines", "*.jsonl", CONVERSATION_STREAMS, read_lines),
)
