"""Any other tool's export, read through a mapping file (docs/mapping_files.md).

The source's `mapping` option names a YAML file that says which shape the export has (one row per
interaction, per event or per queue interval), how the file is written (CSV, XLSX or JSONL) and which column
feeds which field. Whatever the tool, the rows land in three fixed raw tables; staging derives the canonical
entities from them (an event log's interactions from its events, a message-per-row export's messages).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from etl.config import SourceConfig
from etl.parsing import CHUNK_RECORDS, FileError, RecordChunk
from etl.sources.canonical import CHANNELS, DIRECTIONS, EVENT_TYPES
from etl.sources.mapping_spec import (
    TWITTER_TIMESTAMP_FORMAT,
    MappingError,
    MappingSpec,
    load_mapping,
    normalized,
    resolve_mapping_path,
)
from etl.streams import Field, FileKind, Stream

FORMAT = "mapped"
ONE_DAY_SECONDS = 86_400.0
STATUSES = ("open", "pending", "solved", "closed", "abandoned")
PRIORITIES = ("low", "normal", "high", "urgent")
AUTHOR_ROLES = ("customer", "agent", "bot", "system")
THRESHOLD_FIELD = "service_level_threshold_seconds"
COPY_KEY = "_copy_in_file"
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


def _duration(name: str) -> Field:
    return Field(name, "float", min_value=0.0, max_value=ONE_DAY_SECONDS)


def _rate(name: str) -> Field:
    return Field(name, "float", min_value=0.0, max_value=1.0)


def _count(name: str, required: bool = False) -> Field:
    return Field(name, "int", required=required, min_value=0.0)


STREAMS: tuple[Stream, ...] = (
    Stream(
        FORMAT, "interaction_rows", "*", "csv",
        (
            Field("interaction_id", required=True),
            Field("channel", "enum", required=True, choices=CHANNELS),
            Field("customer_id"),
            Field("queue_id"),
            Field("agent_id"),
            Field("intent"),
            Field("priority", "enum", choices=PRIORITIES),
            Field("status", "enum", choices=STATUSES),
            Field("created_at", "timestamp", required=True),
            Field("updated_at", "timestamp"),
            Field("closed_at", "timestamp"),
            Field("subject", pii="free_text"),
            Field("direction", "enum", choices=DIRECTIONS),
            _duration("talk_seconds"),
            _duration("hold_seconds"),
            _duration("acw_seconds"),
            Field("message_id"),
            Field("message_text", pii="free_text"),
            Field("author_role", "enum", choices=AUTHOR_ROLES),
            Field("author_id"),
            Field("sent_at", "timestamp"),
            Field("attributes"),
        ),
        primary_key="interaction_id", cursor="created_at", write_mode="merge",
    ),
    Stream(
        FORMAT, "event_rows", "*", "csv",
        (
            Field("event_id", required=True),
            Field("interaction_id", required=True),
            Field("occurred_at", "timestamp", required=True),
            Field("event_type", "enum", required=True, choices=EVENT_TYPES),
            Field("activity"),
            Field("agent_id"),
            Field("queue_id"),
            Field("customer_id"),
            Field("channel", "enum", choices=CHANNELS),
            Field("priority", "enum", choices=PRIORITIES),
            Field("intent"),
            Field("subject", pii="free_text"),
            Field("from_value"),
            Field("to_value"),
            Field("reason"),
            Field("attributes"),
            Field("copy_in_file", "int", min_value=1.0),
        ),
        primary_key="event_id", cursor="occurred_at", write_mode="append",
        key_from=("interaction_id", "occurred_at", "activity", "agent_id", "queue_id", "to_value", "copy_in_file"),
    ),
    Stream(
        FORMAT, "interval_rows", "*", "csv",
        (
            Field("interval_id", required=True),
            Field("interval_label"),
            Field("interval_start", "timestamp"),
            Field("interval_minutes", "int", min_value=1.0, max_value=1440.0),
            Field("queue_id"),
            Field("channel", "enum", choices=CHANNELS),
            _count("count_offered", required=True),
            _count("count_answered"),
            _count("count_abandoned"),
            _duration("avg_speed_of_answer_seconds"),
            _duration("avg_talk_seconds"),
            _duration("avg_wait_seconds"),
            _rate("service_level_rate"),
            _rate("stated_answer_rate"),
            Field(THRESHOLD_FIELD, "float", min_value=0.0, max_value=ONE_DAY_SECONDS),
            Field("attributes"),
        ),
        primary_key="interval_id", cursor="interval_start", write_mode="merge",
        key_from=("queue_id", "interval_start", "interval_label"),
    ),
)
STREAM_OF_SHAPE: dict[str, Stream] = {
    "interactions": STREAMS[0],
    "events": STREAMS[1],
    "intervals": STREAMS[2],
}


class RowProblem(ValueError):
    """A row that cannot be mapped at all (it goes to the quarantine as unreadable, with the field named)."""


# ---------------------------------------------------------------- value conversions (pure)


def duration_seconds(text: str, duration_format: str) -> float | None:
    """Seconds from `H:MM:SS` / `M:SS` text, a number of seconds or a number of minutes; None when the text
    is not one."""
    if duration_format == "H:MM:SS":
        match = _CLOCK.match(text)
        if match is None:
            return None
        hours, minutes, seconds = match.groups()
        if float(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
            return None
        return int(hours or 0) * 3600.0 + int(minutes) * 60.0 + float(seconds)
    try:
        number = float(text)
    except ValueError:
        return None
    return number * 60.0 if duration_format == "minutes" else number


def rate_fraction(text: str) -> float | None:
    """A share from `"87%"` (0.87) or from a fraction (`"0.87"`); None when it is neither."""
    stripped = text.strip()
    try:
        if stripped.endswith("%"):
            return float(stripped[:-1].strip()) / 100.0
        return float(stripped)
    except ValueError:
        return None


def iso_timestamp(text: str, timestamp_format: str, timezone: str | None) -> str | None:
    """ISO 8601 text for a source timestamp; None when it does not match the format. Naive times are placed
    in `timezone` when one is given (an offset is then written), else left naive for the source's timezone.
    Raises RowProblem for a local time that a clock change makes ambiguous or impossible."""
    if timestamp_format == "iso":
        parsed_iso = _parse_iso(text)
        if parsed_iso is None:
            return None
        parsed = parsed_iso
    else:
        pattern = TWITTER_TIMESTAMP_FORMAT if timestamp_format == "twitter" else timestamp_format
        try:
            parsed = dt.datetime.strptime(text, pattern)
        except ValueError:
            return None
    if parsed.tzinfo is None and timezone is not None:
        parsed = _localized(parsed, timezone)
    return parsed.isoformat()


def _parse_iso(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _localized(naive: dt.datetime, timezone: str) -> dt.datetime:
    zone = ZoneInfo(timezone)
    earlier, later = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        raise RowProblem(f"local time {naive} is ambiguous or does not exist in {timezone} (clock change)")
    return earlier


# ---------------------------------------------------------------- mapping one row (pure)


def _cell_text(value: Any) -> str | None:
    """A source cell as stripped text (None when empty)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    text = str(value).strip()
    return text or None


def _lookup(record: dict[str, Any], column: str) -> Any:
    """A record's value for a column; a dotted name reaches into nested JSON objects (`via.channel`)."""
    if column in record:
        return record[column]
    value: Any = record
    for part in column.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def source_text(spec: MappingSpec, field_name: str, record: dict[str, Any]) -> str | None:
    """The text a mapping takes from a record for one field, before value maps and conversions."""
    source = spec.columns[field_name]
    for column, expected in source.when:
        if normalized(_cell_text(_lookup(record, column)) or "") != expected:
            return None
    if source.constant is not None:
        return source.constant
    if source.template is not None:
        parts: dict[str, str] = {}

        def filled(match: re.Match[str]) -> str:
            parts[match.group(1)] = _cell_text(_lookup(record, match.group(1))) or ""
            return parts[match.group(1)]

        text = re.sub(r"\{([^{}]+)\}", filled, source.template)
        return text if any(parts.values()) else None
    assert source.column is not None
    return _cell_text(_lookup(record, source.column))


def _converted(spec: MappingSpec, stream: Stream, field_name: str, text: str) -> str | float:
    """The text in the form parse_chunk reads. A value that does not convert is passed on unchanged, so that
    the field's own rule quarantines the row with this field named."""
    kind = stream.field(field_name).kind
    if kind == "timestamp":
        try:
            iso = iso_timestamp(text, spec.timestamp_format, spec.timezone)
        except RowProblem as problem:
            raise RowProblem(f"{field_name}: {problem}") from problem
        return text if iso is None else iso
    if field_name.endswith("_seconds") and field_name != THRESHOLD_FIELD:
        seconds = duration_seconds(text, spec.duration_format)
        return text if seconds is None else seconds
    if field_name.endswith("_rate"):
        share = rate_fraction(text)
        return text if share is None else share
    return text


def map_record(spec: MappingSpec, stream: Stream, record: dict[str, Any]) -> dict[str, Any]:
    """One source record as the stream's fields. Raises RowProblem when a field cannot be placed at all."""
    values: dict[str, Any] = {}
    for field_name in spec.columns:
        text = source_text(spec, field_name, record)
        if field_name == "event_type":
            values["activity"] = text
        if text is not None and field_name in spec.values:
            text = spec.values[field_name].get(normalized(text), text)
        values[field_name] = None if text is None else _converted(spec, stream, field_name, text)
    if spec.keep:
        kept = {column: _cell_text(_lookup(record, column)) for column in spec.keep}
        values["attributes"] = orjson.dumps(kept).decode()
    return values


# ---------------------------------------------------------------- reading files


def unique_header(names: list[str]) -> list[str]:
    """Header names, stripped, with repeats suffixed by their occurrence: Variant, Variant_2, Variant_3."""
    seen: dict[str, int] = {}
    header = []
    for raw_name in names:
        name = (raw_name or "").strip()
        seen[name] = seen.get(name, 0) + 1
        header.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return header


def _check_header(path: Path, spec: MappingSpec, header: list[str]) -> None:
    missing = [column for column in spec.columns_read() if column not in header]
    if missing:
        raise FileError(
            path, f"mapping file {spec.path} reads column(s) {', '.join(missing)} that the file lacks "
            f"(header: {', '.join(header)})",
        )


SourceRow = tuple[int, dict[str, Any] | None, str]
"""(line, record or None when the row cannot be split, original text or a reason)."""


def _csv_rows(path: Path, spec: MappingSpec) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    options = spec.file
    with open(path, newline="", encoding=options.encoding) as handle:
        reader = csv.reader(handle, delimiter=options.delimiter, quotechar=options.quotechar)
        header_row = next(reader, None)
        if header_row is None:
            return
        header = unique_header(header_row)
        _check_header(path, spec, header)
        line_end = reader.line_num
        for row in reader:
            line_start, line_end = line_end + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                reason = f"expected {len(header)} fields, found {len(row)}"
                yield line_start, None, f"{reason}\x00{orjson.dumps(row).decode()}"
            else:
                yield line_start, dict(zip(header, row, strict=True)), ""


def _jsonl_rows(path: Path, spec: MappingSpec) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    with open(path, encoding=spec.file.encoding) as handle:
        for line_number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                record = orjson.loads(text)
            except orjson.JSONDecodeError as error:
                yield line_number, None, f"invalid JSON: {error}\x00{text}"
                continue
            if isinstance(record, dict):
                yield line_number, record, text
            else:
                yield line_number, None, f"a line must hold one JSON object\x00{text}"


def _xlsx_cell(value: Any) -> Any:
    """XLSX cells as the text a CSV export would hold: dates in ISO, clock durations as H:MM:SS."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.timedelta):
        total = round(value.total_seconds())
        return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _xlsx_rows(path: Path, spec: MappingSpec) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    try:
        import openpyxl
    except ImportError as error:
        raise FileError(path, "reading XLSX files needs the openpyxl package (pip install openpyxl)") from error
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if spec.file.sheet is not None and spec.file.sheet not in workbook.sheetnames:
            raise FileError(path, f"mapping file {spec.path} names sheet {spec.file.sheet!r}; the workbook has "
                            f"{', '.join(workbook.sheetnames)}")
        sheet = workbook[spec.file.sheet] if spec.file.sheet is not None else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            return
        header = unique_header([_cell_text(v) or "" for v in first])
        _check_header(path, spec, header)
        for line_number, row in enumerate(rows, start=2):
            cells = [_xlsx_cell(v) for v in row]
            if all(_cell_text(v) is None for v in cells):
                continue
            cells = (cells + [None] * len(header))[: len(header)]
            yield line_number, dict(zip(header, cells, strict=True)), ""
    finally:
        workbook.close()


def _count_copy(copies_seen: dict[bytes, int], payload: str) -> int:
    """Which copy of an identical row this is within the file (1 for the first). An event log may list the
    same event twice (two identical rows are two events, as process-mining tools count them), while the
    same row delivered again in a later file is the same event: the copy number tells the two apart."""
    digest = hashlib.sha1(payload.encode("utf-8")).digest()
    copies_seen[digest] = copies_seen.get(digest, 0) + 1
    return copies_seen[digest]


_ROW_READERS = {"csv": _csv_rows, "jsonl": _jsonl_rows, "xlsx": _xlsx_rows}


def read_mapped(path: Path, kind: FileKind, spec: MappingSpec,
                chunk_records: int = CHUNK_RECORDS) -> Iterator[tuple[Stream, RecordChunk]]:
    """Chunks of mapped records for the stream of the mapping's shape."""
    (stream,) = kind.streams
    chunk = RecordChunk()
    copies_seen: dict[bytes, int] = {}
    for line, record, note in _ROW_READERS[spec.file.type](path, spec):
        if record is None:
            reason, _, text = note.partition("\x00")
            chunk.unreadable.append((line, reason, text))
        else:
            payload = note or orjson.dumps(record, default=str).decode()
            copy_in_file = _count_copy(copies_seen, payload)
            if copy_in_file > 1:
                payload = orjson.dumps({**record, COPY_KEY: copy_in_file}, default=str).decode()
            try:
                values = map_record(spec, stream, record)
            except RowProblem as problem:
                chunk.unreadable.append((line, str(problem), payload))
            else:
                values["copy_in_file"] = copy_in_file
                chunk.lines.append(line)
                chunk.values.append(values)
                chunk.payloads.append(payload)
        if len(chunk) >= chunk_records:
            yield stream, chunk
            chunk = RecordChunk()
    if len(chunk):
        yield stream, chunk


def mapping_of(source: SourceConfig) -> MappingSpec:
    """The checked mapping of a source (its `mapping` option)."""
    mapping = source.options.get("mapping")
    if not mapping:
        raise MappingError(Path("(none)"), "mapping", f"source {source.name!r} of format mapped needs a "
                           "mapping = \"path/to/mapping.yml\" option")
    return load_mapping(resolve_mapping_path(str(mapping), source.path, Path.cwd()))


def kinds_for(source: SourceConfig) -> tuple[FileKind, ...]:
    spec = mapping_of(source)
    stream = STREAM_OF_SHAPE[spec.shape]
    kind = FileKind(stream.name, spec.file.pattern, (stream,))
    return (FileKind(kind.name, kind.pattern, kind.streams, partial(read_mapped, spec=spec)),)
