"""Amazon Connect: contact records (CTRs) as Kinesis Data Firehose delivers them to S3, and Contact Lens analyses.

Schemas followed (AWS documentation):
- Contact records: "Data model for Amazon Connect contact records"
  (https://docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html): ContactId, InitialContactId,
  PreviousContactId, NextContactId, Channel, InitiationMethod, the Initiation/ConnectedToSystem/Disconnect/
  LastUpdate timestamps, DisconnectReason, Queue{...}, Agent{... HierarchyGroups.Level1.GroupName},
  CustomerEndpoint{Address, Type}, SystemEndpoint, Attributes, TransferCompletedTimestamp,
  TransferredToEndpoint. The same contact may be delivered more than once; the copy with the latest
  LastUpdateTimestamp wins (done in staging).
- Contact Lens: "Example Contact Lens conversational analytics output files for a call"
  (https://docs.aws.amazon.com/connect/latest/adminguide/contact-lens-example-output-files.html) and "... for a
  chat" (contact-lens-example-output-files-chat.html); the turn shape is the API type `Transcript`
  (https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-contact-lens_Transcript.html):
  Id, ParticipantId, ParticipantRole, Content, BeginOffsetMillis, EndOffsetMillis, Sentiment; chat turns carry
  AbsoluteTime, ContentType and Type (MESSAGE, or EVENT for a participant joining or leaving, with no Content).
  The contact is named by CustomerMetadata.ContactId, or else by the file name
  `<ContactId>_analysis_<time>.json` that Contact Lens writes; the time in the name is the analysis time.
  A voice turn carries its Sentiment (POSITIVE, NEGATIVE, NEUTRAL, MIXED); a chat analysis gives it per group of
  turns (ConversationCharacteristics.Sentiment.DetailsByTranscriptItemGroup[].Sentiment over TranscriptItems[].Id),
  which the reader puts on each turn of the group. Besides the turns, each analysis gives one `contact_analyses`
  row (OverallSentiment of CUSTOMER and AGENT, -5..+5: `OverallSentiment.{ROLE}` for a call,
  `OverallSentiment.DetailsByParticipantRole.{ROLE}` for a chat; TalkTime, NonTalkTime, Interruptions and
  TotalConversationDurationMillis, calls only) and one `matched_categories` row per Categories.MatchedCategories
  name.

Files (the source path is a folder, or one file; the loader looks at file names only):
- `*ctr*`: contact records, one JSON object per line or objects concatenated with no separator (`{...}{...}`),
  as Firehose writes them (point the source at the Firehose `ctr/` folder; the delivery stream's name usually
  carries `ctr`, and Firehose files have no extension).
- `*analysis*.json`: Contact Lens output, one analysis document per file (`<ContactId>_analysis_...json`,
  also the redacted `..._analysis_redacted_...json`), feeding transcript_turns, contact_analyses and
  matched_categories.

Files are streamed with a buffered `json.JSONDecoder.raw_decode` loop in constant memory (an object may be at
most MAX_OBJECT_CHARS long). An object that does not decode (a truncated last object, a corrupt line) goes to
`unreadable` with the line it starts on, and reading goes on at the next object. Unknown keys stay in the payload.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import orjson

from etl.parsing import CHUNK_RECORDS, RecordChunk
from etl.streams import Field, FileKind, Stream

FORMAT = "amazon_connect"
CHANNELS = ("voice", "chat", "task", "email")
ONE_DAY_SECONDS = 86_400.0
READ_BLOCK_CHARS = 1 << 16
MAX_OBJECT_CHARS = 1 << 24
"""Longest object the reader will wait for (16 Mi characters); a CTR is a few kilobytes."""

_NEXT_TOP_LEVEL_OBJECT = re.compile(r"(?:(?<=\n)|(?<=\}))[ \t\r\n]*(?=\{)")
"""Where reading resumes after a bad object: a `{` opening a line, or right after a `}` (`}{`)."""
_BLANK = re.compile(r"[ \t\r\n]*")
_CONTACT_ID_IN_FILE_NAME = re.compile(r"^([0-9A-Za-z-]+)_analysis")
_ANALYSIS_TIME_IN_FILE_NAME = re.compile(r"_analysis_(?:redacted_)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)")
ROLES = ("CUSTOMER", "AGENT")


def _seconds(name: str, source: str) -> Field:
    return Field(name, "float", min_value=0.0, max_value=ONE_DAY_SECONDS, source=source)


CONTACTS = Stream(
    FORMAT, "contacts", "*ctr*", "jsonl",
    (
        Field("contact_id", required=True, source="ContactId"),
        Field("initial_contact_id", source="InitialContactId"),
        Field("previous_contact_id", source="PreviousContactId"),
        Field("next_contact_id", source="NextContactId"),
        Field("channel", "enum", required=True, choices=CHANNELS, source="Channel"),
        Field("initiation_method", source="InitiationMethod"),
        Field("initiation_timestamp", "timestamp", required=True, source="InitiationTimestamp"),
        Field("connected_to_system_timestamp", "timestamp", source="ConnectedToSystemTimestamp"),
        Field("disconnect_timestamp", "timestamp", source="DisconnectTimestamp"),
        Field("last_update_timestamp", "timestamp", required=True, source="LastUpdateTimestamp"),
        Field("disconnect_reason", source="DisconnectReason"),
        Field("transfer_completed_timestamp", "timestamp", source="TransferCompletedTimestamp"),
        Field("transferred_to_endpoint__address", source="TransferredToEndpoint.Address"),
        Field("queue__name", source="Queue.Name"),
        Field("queue__arn", source="Queue.ARN"),
        Field("queue__enqueue_timestamp", "timestamp", source="Queue.EnqueueTimestamp"),
        Field("queue__dequeue_timestamp", "timestamp", source="Queue.DequeueTimestamp"),
        _seconds("queue__duration_seconds", "Queue.Duration"),
        Field("agent__username", source="Agent.Username", pii="agent_name"),
        Field("agent__arn", source="Agent.ARN"),
        Field("agent__connected_to_agent_timestamp", "timestamp", source="Agent.ConnectedToAgentTimestamp"),
        _seconds("agent__agent_interaction_duration_seconds", "Agent.AgentInteractionDuration"),
        _seconds("agent__customer_hold_duration_seconds", "Agent.CustomerHoldDuration"),
        _seconds("agent__after_contact_work_duration_seconds", "Agent.AfterContactWorkDuration"),
        Field("agent__after_contact_work_start_timestamp", "timestamp", source="Agent.AfterContactWorkStartTimestamp"),
        Field("agent__after_contact_work_end_timestamp", "timestamp", source="Agent.AfterContactWorkEndTimestamp"),
        Field("agent__number_of_holds", "int", min_value=0, source="Agent.NumberOfHolds"),
        _seconds("agent__longest_hold_duration_seconds", "Agent.LongestHoldDuration"),
        Field("agent__hierarchy_groups__level1__group_name", source="Agent.HierarchyGroups.Level1.GroupName"),
        Field("customer_endpoint__address", source="CustomerEndpoint.Address", pii="phone"),
        Field("customer_endpoint__type", source="CustomerEndpoint.Type"),
        Field("system_endpoint__address", source="SystemEndpoint.Address"),
        Field("attributes__intent", source="Attributes.intent"),
        Field("attributes__customer_id", source="Attributes.customerId"),
        Field("attributes__email", source="Attributes.email", pii="email"),
    ),
    primary_key="contact_id", cursor="last_update_timestamp", write_mode="merge",
)
"""One row per delivered contact record (a contact may arrive several times; staging keeps the latest)."""


def _turn_time_reasons(frame: Any) -> Any:
    """Per turn, why it cannot be placed in time (neither AbsoluteTime nor BeginOffsetMillis), else None."""
    unplaced = frame["absolute_time"].isna() & frame["begin_offset_millis"].isna()
    return unplaced.map(lambda missing: "neither AbsoluteTime nor BeginOffsetMillis" if missing else None)


ANALYSIS_PATTERN = "*analysis*.json"

TRANSCRIPT_TURNS = Stream(
    FORMAT, "transcript_turns", ANALYSIS_PATTERN, "jsonl",
    (
        Field("turn_key", required=True),
        Field("contact_id", required=True, source="ContactId"),
        Field("channel", source="Channel"),
        Field("turn_id", source="Id"),
        Field("participant_id", source="ParticipantId"),
        Field("participant_role", source="ParticipantRole"),
        Field("turn_type", source="Type"),
        Field("content_type", source="ContentType"),
        Field("content", source="Content", pii="free_text"),
        Field("begin_offset_millis", "int", min_value=0, source="BeginOffsetMillis"),
        Field("end_offset_millis", "int", min_value=0, source="EndOffsetMillis"),
        Field("absolute_time", "timestamp", source="AbsoluteTime"),
        Field("sentiment", source="Sentiment"),
    ),
    primary_key="turn_key", cursor="absolute_time", write_mode="append",
    key_from=("contact_id", "turn_id", "participant_id", "begin_offset_millis", "absolute_time", "content"),
    row_checks=(("begin_offset_millis", _turn_time_reasons),),
)
"""One row per Contact Lens transcript item (a message, or a chat EVENT with no Content); `sentiment` is
Contact Lens's own label, kept as the vendor's."""


def _millis(name: str, source: str) -> Field:
    return Field(name, "int", min_value=0, max_value=int(ONE_DAY_SECONDS * 1000), source=source)


def _sentiment_score(name: str, source: str) -> Field:
    return Field(name, "float", min_value=-5.0, max_value=5.0, source=source)


CONTACT_ANALYSES = Stream(
    FORMAT, "contact_analyses", ANALYSIS_PATTERN, "jsonl",
    (
        Field("contact_id", required=True, source="ContactId"),
        Field("analyzed_at", "timestamp", source="AnalyzedAt"),
        Field("channel", source="Channel"),
        Field("output", source="ContentMetadata.Output"),
        Field("job_status", source="JobStatus"),
        Field("language_code", source="LanguageCode"),
        _sentiment_score("customer_sentiment_score", "OverallSentiment.CUSTOMER"),
        _sentiment_score("agent_sentiment_score", "OverallSentiment.AGENT"),
        _millis("talk_time_millis", "TalkTime.TotalTimeMillis"),
        _millis("customer_talk_time_millis", "TalkTime.CUSTOMER.TotalTimeMillis"),
        _millis("agent_talk_time_millis", "TalkTime.AGENT.TotalTimeMillis"),
        _millis("non_talk_time_millis", "NonTalkTime.TotalTimeMillis"),
        Field("interruptions_count", "int", min_value=0, source="Interruptions.TotalCount"),
        _millis("total_conversation_duration_millis", "TotalConversationDurationMillis"),
        Field("count_matched_categories", "int", min_value=0, source="MatchedCategoryCount"),
    ),
    primary_key="contact_id", cursor="analyzed_at", write_mode="merge",
)
"""One row per Contact Lens analysis file: the contact's overall figures (a raw and a redacted file of the
same contact give two rows; staging keeps one)."""

MATCHED_CATEGORIES = Stream(
    FORMAT, "matched_categories", ANALYSIS_PATTERN, "jsonl",
    (
        Field("category_key", required=True),
        Field("contact_id", required=True, source="ContactId"),
        Field("analyzed_at", "timestamp", source="AnalyzedAt"),
        Field("category_name", required=True, source="Category"),
        Field("count_points_of_interest", "int", min_value=0, source="PointsOfInterestCount"),
    ),
    primary_key="category_key", cursor="analyzed_at", write_mode="append",
    key_from=("contact_id", "analyzed_at", "category_name"),
)
"""One row per category a Contact Lens analysis matched (Categories.MatchedCategories)."""

STREAMS: tuple[Stream, ...] = (CONTACTS, TRANSCRIPT_TURNS, CONTACT_ANALYSES, MATCHED_CATEGORIES)


# ---------------------------------------------------------------- decoding a stream of JSON objects


@dataclass(frozen=True)
class DecodedObject:
    """One top-level JSON value of a file: its starting line, its text, and the value or why it failed."""

    line: int
    text: str
    value: Any = None
    failure: str | None = None


def _needs_more_text(buffer: str, error: json.JSONDecodeError, at_eof: bool, start: int) -> bool:
    """Whether a decode error may just mean the object runs past the buffer (no line break after the error)."""
    return not at_eof and "\n" not in buffer[error.pos:] and len(buffer) - start < MAX_OBJECT_CHARS


def _bad_object_end(buffer: str, start: int) -> int:
    """Where the undecodable object starting at `start` ends: at the next top-level object, or the buffer's end."""
    found = _NEXT_TOP_LEVEL_OBJECT.search(buffer, start + 1)
    return found.start() if found else len(buffer)


def iter_json_objects(handle: TextIO, block_chars: int = READ_BLOCK_CHARS) -> Iterator[DecodedObject]:
    """Every top-level JSON value of a text stream, whether one per line or concatenated (`{...}{...}`).

    Reads in blocks and keeps only the object being decoded (at most MAX_OBJECT_CHARS) in memory.
    """
    decoder = json.JSONDecoder()
    buffer, start, line, at_eof = "", 0, 1, False
    while True:
        blank_end = _BLANK.match(buffer, start).end()
        line += buffer.count("\n", start, blank_end)
        start = blank_end
        if start >= len(buffer) or start > block_chars:
            buffer, start = buffer[start:], 0
        if not buffer:
            if at_eof:
                return
            more = handle.read(block_chars)
            at_eof = not more
            buffer += more
            continue
        try:
            value, end = decoder.raw_decode(buffer, start)
        except json.JSONDecodeError as error:
            if _needs_more_text(buffer, error, at_eof, start):
                more = handle.read(max(block_chars, len(buffer) - start))
                at_eof = not more
                buffer += more
                continue
            end = _bad_object_end(buffer, start)
            text = buffer[start:end]
            where = "the object is truncated at the end of the file" if end == len(buffer) and at_eof else "bad JSON"
            yield DecodedObject(line, text.rstrip(), failure=f"invalid JSON ({where}): {error.msg}")
        else:
            yield DecodedObject(line, buffer[start:end], value=value)
        line += buffer.count("\n", start, end)
        start = end


# ---------------------------------------------------------------- flattening records


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects to dotted keys (`{"Queue": {"Name": "x"}}` -> `{"Queue.Name": "x"}`); lists stay whole."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def contact_id_of_analysis(document: dict[str, Any], file_name: str) -> str | None:
    """The contact an analysis describes: CustomerMetadata.ContactId, else the `<ContactId>_analysis` file name."""
    metadata = document.get("CustomerMetadata")
    if isinstance(metadata, dict) and metadata.get("ContactId"):
        return str(metadata["ContactId"])
    match = _CONTACT_ID_IN_FILE_NAME.match(file_name)
    return match.group(1) if match else None


def analysis_time_of(file_name: str) -> str | None:
    """The analysis time Contact Lens writes in the file name (`..._analysis_2026-05-04T09:08:00Z.json`)."""
    match = _ANALYSIS_TIME_IN_FILE_NAME.search(file_name)
    return match.group(1) if match else None


def _dig(value: Any, *keys: str) -> Any:
    """value[keys[0]][keys[1]]... or None when a level is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def group_sentiments(document: dict[str, Any]) -> dict[str, Any]:
    """Turn id -> Contact Lens sentiment label, from a chat analysis's DetailsByTranscriptItemGroup."""
    by_turn: dict[str, Any] = {}
    groups = _dig(document, "ConversationCharacteristics", "Sentiment", "DetailsByTranscriptItemGroup")
    for group in groups if isinstance(groups, list) else []:
        if not isinstance(group, dict):
            continue
        for item in group.get("TranscriptItems") or []:
            if isinstance(item, dict) and item.get("Id") is not None:
                by_turn[str(item["Id"])] = group.get("Sentiment")
    return by_turn


def transcript_turns(document: dict[str, Any], contact_id: str | None) -> list[tuple[dict[str, Any], str]]:
    """(flat record, payload text) per transcript turn of one analysis; the payload names contact and channel.

    A chat turn's sentiment comes from the group of turns Contact Lens scored it with (the payload then carries
    it as GroupSentiment, so that it says where the value came from)."""
    channel = document.get("Channel")
    from_groups = group_sentiments(document)
    turns: list[tuple[dict[str, Any], str]] = []
    for turn in document.get("Transcript") or []:
        if not isinstance(turn, dict):
            turn = {"Content": turn}
        record = {**flatten(turn), "ContactId": contact_id, "Channel": channel}
        extra: dict[str, Any] = {}
        if record.get("Sentiment") is None and str(turn.get("Id")) in from_groups:
            record["Sentiment"] = extra["GroupSentiment"] = from_groups[str(turn.get("Id"))]
        if contact_id and turn.get("Id"):
            record["turn_key"] = f"{contact_id}:{turn['Id']}"
        payload = orjson.dumps({"ContactId": contact_id, "Channel": channel, "Turn": turn, **extra}).decode()
        turns.append((record, payload))
    return turns


def _overall_sentiment(document: dict[str, Any], role: str) -> Any:
    """A role's overall sentiment: `OverallSentiment.{ROLE}` (call) or `...DetailsByParticipantRole.{ROLE}` (chat)."""
    overall = _dig(document, "ConversationCharacteristics", "Sentiment", "OverallSentiment")
    if not isinstance(overall, dict):
        return None
    if isinstance(overall.get("DetailsByParticipantRole"), dict):
        return overall["DetailsByParticipantRole"].get(role)
    return overall.get(role)


def matched_categories(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """(category name, its MatchedDetails entry) per Categories.MatchedCategories name, in order, once each."""
    categories = document.get("Categories")
    names = categories.get("MatchedCategories") if isinstance(categories, dict) else None
    details = categories.get("MatchedDetails") if isinstance(categories, dict) else None
    seen: dict[str, Any] = {}
    for name in names if isinstance(names, list) else []:
        if isinstance(name, str) and name and name not in seen:
            seen[name] = details.get(name) if isinstance(details, dict) else None
    return list(seen.items())


def analysis_rows(document: dict[str, Any], contact_id: str | None,
                  analyzed_at: str | None) -> tuple[tuple[dict[str, Any], str], list[tuple[dict[str, Any], str]]]:
    """The contact_analyses row and the matched_categories rows of one analysis, each with its payload."""
    characteristics = document.get("ConversationCharacteristics")
    characteristics = characteristics if isinstance(characteristics, dict) else {}
    categories = matched_categories(document)
    record = {
        "ContactId": contact_id,
        "AnalyzedAt": analyzed_at,
        "Channel": document.get("Channel"),
        "ContentMetadata.Output": _dig(document, "ContentMetadata", "Output"),
        "JobStatus": document.get("JobStatus"),
        "LanguageCode": document.get("LanguageCode"),
        "OverallSentiment.CUSTOMER": _overall_sentiment(document, "CUSTOMER"),
        "OverallSentiment.AGENT": _overall_sentiment(document, "AGENT"),
        "TalkTime.TotalTimeMillis": _dig(characteristics, "TalkTime", "TotalTimeMillis"),
        "TalkTime.CUSTOMER.TotalTimeMillis": _dig(characteristics, "TalkTime", "DetailsByParticipant", "CUSTOMER",
                                                  "TotalTimeMillis"),
        "TalkTime.AGENT.TotalTimeMillis": _dig(characteristics, "TalkTime", "DetailsByParticipant", "AGENT",
                                               "TotalTimeMillis"),
        "NonTalkTime.TotalTimeMillis": _dig(characteristics, "NonTalkTime", "TotalTimeMillis"),
        "Interruptions.TotalCount": _dig(characteristics, "Interruptions", "TotalCount"),
        "TotalConversationDurationMillis": characteristics.get("TotalConversationDurationMillis"),
        "MatchedCategoryCount": len(categories),
    }
    own = {key: value for key, value in document.items() if key != "Transcript"}
    analysis = (record, orjson.dumps({"ContactId": contact_id, "AnalyzedAt": analyzed_at, **own}).decode())
    category_rows = []
    for name, details in categories:
        points = details.get("PointsOfInterest") if isinstance(details, dict) else None
        category_rows.append((
            {"ContactId": contact_id, "AnalyzedAt": analyzed_at, "Category": name,
             "PointsOfInterestCount": len(points) if isinstance(points, list) else None,
             **({"category_key": f"{contact_id}:{analyzed_at or ''}:{name}"} if contact_id else {})},
            orjson.dumps({"ContactId": contact_id, "AnalyzedAt": analyzed_at, "Category": name,
                          "MatchedDetails": details}).decode(),
        ))
    return analysis, category_rows


# ---------------------------------------------------------------- readers


def _decoded_objects(path: Path) -> Iterator[DecodedObject]:
    with open(path, encoding="utf-8-sig") as handle:
        yield from iter_json_objects(handle)


def read_contact_records(path: Path, kind: FileKind) -> Iterator[tuple[Stream, RecordChunk]]:
    """Contact records of a Firehose file, in chunks of about CHUNK_RECORDS."""
    chunk = RecordChunk()
    for decoded in _decoded_objects(path):
        if decoded.failure is not None:
            chunk.unreadable.append((decoded.line, decoded.failure, decoded.text))
        elif not isinstance(decoded.value, dict):
            chunk.unreadable.append((decoded.line, "a contact record must be a JSON object", decoded.text))
        else:
            chunk.lines.append(decoded.line)
            chunk.values.append(flatten(decoded.value))
            chunk.payloads.append(decoded.text)
        if len(chunk) >= CHUNK_RECORDS:
            yield CONTACTS, chunk
            chunk = RecordChunk()
    if len(chunk):
        yield CONTACTS, chunk


class _LensChunks:
    """Per-stream chunks of Contact Lens rows being filled; hands back the full ones."""

    def __init__(self) -> None:
        self.chunks = {stream.name: RecordChunk() for stream in LENS_STREAMS}

    def add(self, stream: Stream, line: int, rows: list[tuple[dict[str, Any], str]], origin: int) -> None:
        chunk = self.chunks[stream.name]
        for record, payload in rows:
            chunk.lines.append(line)
            chunk.values.append(record)
            chunk.payloads.append(payload)
            chunk.origins.append(origin)

    def unreadable(self, line: int, reason: str, text: str) -> None:
        self.chunks[CONTACT_ANALYSES.name].unreadable.append((line, reason, text))

    def take(self, everything: bool = False) -> Iterator[tuple[Stream, RecordChunk]]:
        for stream in LENS_STREAMS:
            chunk = self.chunks[stream.name]
            if len(chunk) and (everything or len(chunk) >= CHUNK_RECORDS):
                yield stream, chunk
                self.chunks[stream.name] = RecordChunk()


LENS_STREAMS: tuple[Stream, ...] = (CONTACT_ANALYSES, MATCHED_CATEGORIES, TRANSCRIPT_TURNS)


def read_contact_lens(path: Path, kind: FileKind) -> Iterator[tuple[Stream, RecordChunk]]:
    """A Contact Lens analysis file: its analysis row, its matched categories and its transcript turns, in
    chunks of about CHUNK_RECORDS. An undecodable document is unreadable in contact_analyses."""
    chunks = _LensChunks()
    analyzed_at = analysis_time_of(path.name)
    for origin, decoded in enumerate(_decoded_objects(path)):
        if decoded.failure is not None:
            chunks.unreadable(decoded.line, decoded.failure, decoded.text)
        elif not isinstance(decoded.value, dict) or not isinstance(decoded.value.get("Transcript", []), list):
            chunks.unreadable(decoded.line, "an analysis must be a JSON object whose Transcript is a list",
                              decoded.text)
        else:
            contact_id = contact_id_of_analysis(decoded.value, path.name)
            analysis, categories = analysis_rows(decoded.value, contact_id, analyzed_at)
            chunks.add(CONTACT_ANALYSES, decoded.line, [analysis], origin)
            chunks.add(MATCHED_CATEGORIES, decoded.line, categories, origin)
            chunks.add(TRANSCRIPT_TURNS, decoded.line, transcript_turns(decoded.value, contact_id), origin)
        yield from chunks.take()
    yield from chunks.take(everything=True)


KINDS: tuple[FileKind, ...] = (
    FileKind("contact_records", CONTACTS.file_pattern, (CONTACTS,), read_contact_records),
    FileKind("contact_lens", ANALYSIS_PATTERN, LENS_STREAMS, read_contact_lens),
)
