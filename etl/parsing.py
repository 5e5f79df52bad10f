"""Reading export files in chunks and turning their records into typed rows or quarantined rejects.

Reading (`read_records`) is the only I/O here: it streams a CSV or JSONL file in chunks of records, each with
the line it starts on and its original text. `parse_chunk` is pure: given a stream declaration and a chunk,
it returns the typed rows and, for every record that cannot be used, its line, the field at fault and the
reason. Every record ends up in exactly one of the two.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from etl.streams import Field, FileKind, Stream

CHUNK_RECORDS = 50_000
EARLIEST = pd.Timestamp("1970-01-01")
LATEST = pd.Timestamp("2100-01-01")
_OFFSET_SUFFIX = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}

csv.field_size_limit(1 << 30)


class FileError(ValueError):
    """A file that cannot be read at all: missing, unreadable, or lacking required columns."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass
class RecordChunk:
    lines: list[int] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)
    unreadable: list[tuple[int, str, str]] = field(default_factory=list)
    """(line, reason, original text) of records that could not even be split into fields."""
    origins: list[int] = field(default_factory=list)
    """For a reader that fans one source record out into several rows: the ordinal (in the file) of the
    source record each row of `values` came from. Empty: every row is a source record of its own."""
    unrecoverable: int = 0
    """Source records the reader knows exist but could not recover at all (an incomplete record at a cut)."""
    unrecoverable_reason: str | None = None
    notes: list[str] = field(default_factory=list)
    """Things about the file that lose no record but must be said (a null top-level array)."""
    record_hashes: list[str] = field(default_factory=list)
    """One hash per record, set by the privacy step (etl/pii/ingest.py: a keyed hash of the original text);
    empty: the hash is the SHA-1 of the payload."""

    def __len__(self) -> int:
        return len(self.lines) + len(self.unreadable)


@dataclass
class ParsedChunk:
    rows: pd.DataFrame
    rejects: pd.DataFrame
    rejected_origins: set[int] = field(default_factory=set)
    """Origins (see RecordChunk.origins) of the rows rejected; empty for a flat reader."""


REJECT_COLUMNS = ["source_line", "field_name", "reason", "payload"]


# ---------------------------------------------------------------- reading


def csv_rows(reader: Any, header: list[str]) -> Iterator[tuple[int, dict[str, str] | None, str]]:
    """(line the row starts on, the row as header -> value or None when its width is wrong, original text)
    for every non-blank row after the header of a `csv.reader`; quoted newlines are counted."""
    line_end = reader.line_num
    for row in reader:
        line_start, line_end = line_end + 1, reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            yield line_start, None, orjson.dumps(row).decode()
        else:
            record = dict(zip(header, row, strict=True))
            yield line_start, record, orjson.dumps(record).decode()


def width_reason(header: list[str], original: str) -> str:
    return f"expected {len(header)} fields, found {len(orjson.loads(original))}"


def _csv_chunks(path: Path, stream: Stream, chunk_records: int) -> Iterator[RecordChunk]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header_row = next(reader, None)
        if header_row is None:
            return
        header = [name.strip() for name in header_row]
        missing = [name for name in stream.required_fields if name not in header]
        if missing:
            raise FileError(path, f"missing required column(s) {', '.join(missing)} (header: {', '.join(header)})")
        chunk = RecordChunk()
        for line, record, original in csv_rows(reader, header):
            if record is None:
                chunk.unreadable.append((line, width_reason(header, original), original))
            else:
                chunk.lines.append(line)
                chunk.values.append(record)
                chunk.payloads.append(original)
            if len(chunk) >= chunk_records:
                yield chunk
                chunk = RecordChunk()
        if len(chunk):
            yield chunk


def _jsonl_chunks(path: Path, chunk_records: int) -> Iterator[RecordChunk]:
    with open(path, encoding="utf-8-sig") as handle:
        chunk = RecordChunk()
        for line_number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                record = orjson.loads(text)
            except orjson.JSONDecodeError as error:
                chunk.unreadable.append((line_number, f"invalid JSON: {error}", text))
            else:
                if isinstance(record, dict):
                    chunk.lines.append(line_number)
                    chunk.values.append(record)
                    chunk.payloads.append(text)
                else:
                    chunk.unreadable.append((line_number, "a line must hold one JSON object", text))
            if len(chunk) >= chunk_records:
                yield chunk
                chunk = RecordChunk()
        if len(chunk):
            yield chunk


@contextlib.contextmanager
def file_errors(path: Path) -> Iterator[None]:
    """Turn the ways a file can be unreadable into a FileError naming it."""
    if not path.exists():
        raise FileError(path, "file not found")
    if not path.is_file():
        raise FileError(path, "not a regular file")
    try:
        yield
    except UnicodeDecodeError as error:
        raise FileError(path, f"not valid UTF-8 text ({error.reason} at byte {error.start})") from error
    except PermissionError as error:
        raise FileError(path, "permission denied") from error
    except RecursionError as error:
        raise FileError(path, "JSON nested too deeply to read (over the recursion limit)") from error
    except csv.Error as error:
        raise FileError(path, f"not readable as CSV: {error}") from error
    except zipfile.BadZipFile as error:
        raise FileError(path, f"not an XLSX workbook (corrupt, or another kind of file): {error}") from error


def read_records(path: Path, stream: Stream, chunk_records: int = CHUNK_RECORDS) -> Iterator[RecordChunk]:
    """Stream a flat file's records in chunks. Raises FileError when the file cannot be read."""
    with file_errors(path):
        if stream.file_format == "csv":
            yield from _csv_chunks(path, stream, chunk_records)
        else:
            yield from _jsonl_chunks(path, chunk_records)


def read_kind(path: Path, kind: FileKind) -> Iterator[tuple[Stream, RecordChunk]]:
    """Chunks of records per stream for a file of this kind."""
    if kind.reader is not None:
        with file_errors(path):
            yield from kind.reader(path, kind)
        return
    (stream,) = kind.streams
    for chunk in read_records(path, stream):
        yield stream, chunk


# ---------------------------------------------------------------- typing values


def storable(text: str) -> str:
    """Text a warehouse can store: a NUL character (which PostgreSQL text refuses) written as the JSON escape
    `\\u0000`, so that a payload keeps saying exactly what the file held."""
    return text.replace("\x00", "\\u0000") if "\x00" in text else text


def _as_text(series: pd.Series) -> pd.Series:
    """Values as stripped strings, None for missing or empty. A column of strings (the common case) is
    converted as a whole; a column mixing numbers, booleans or nested values value by value."""
    if pd.api.types.infer_dtype(series, skipna=True) == "string":
        stripped = series.str.strip().str.replace("\x00", "\ufffd", regex=False).astype(object)
        return stripped.where(stripped.notna() & (stripped != ""), None)

    def one(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            stripped = value.strip().replace("\x00", "\ufffd")
            return stripped or None
        if isinstance(value, (dict, list)):
            return orjson.dumps(value).decode()
        if isinstance(value, float) and value != value:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return series.map(one).astype(object)


def _parse_timestamps(text: pd.Series, timezone: str) -> tuple[pd.Series, pd.Series]:
    """Return (naive UTC timestamps, reason per value or None)."""
    reasons = pd.Series([None] * len(text), index=text.index, dtype=object)
    present = text.notna()
    strings = text.where(present, None).astype("string")
    has_offset = strings.str.contains(_OFFSET_SUFFIX, regex=True).fillna(False).astype(bool)
    aware = pd.to_datetime(strings.where(has_offset), format="ISO8601", utc=True, errors="coerce")
    naive = pd.to_datetime(strings.where(~has_offset), format="ISO8601", errors="coerce")
    result = aware.dt.tz_convert("UTC").dt.tz_localize(None)
    if timezone.upper() != "UTC":
        localized = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
        dst_problem = naive.notna() & localized.isna()
        reasons[dst_problem] = f"local time is ambiguous or does not exist in {timezone} (clock change)"
        naive = localized.dt.tz_convert("UTC").dt.tz_localize(None)
    result = result.where(has_offset, naive)
    unparsed = present & result.isna() & reasons.isna()
    reasons[unparsed] = "not an ISO 8601 timestamp"
    out_of_range = result.notna() & ((result < EARLIEST) | (result >= LATEST))
    reasons[out_of_range] = "timestamp outside 1970-2099"
    return result.where(~out_of_range), reasons


def _convert(spec: Field, text: pd.Series, timezone: str) -> tuple[pd.Series, pd.Series]:
    """Typed values and a reason (or None) per value for one field."""
    none = pd.Series([None] * len(text), index=text.index, dtype=object)
    present = text.notna()
    if spec.kind == "text":
        return text, none
    if spec.kind == "enum":
        lowered = text.str.lower() if present.any() else text
        bad = present & ~lowered.isin(spec.choices)
        reasons = none.copy()
        reasons[bad] = "not one of " + ", ".join(spec.choices)
        return lowered.where(~bad), reasons
    if spec.kind in ("int", "float"):
        numbers = pd.to_numeric(text, errors="coerce")
        reasons = none.copy()
        reasons[present & numbers.isna()] = "not a number"
        if spec.min_value is not None:
            reasons[numbers.notna() & (numbers < spec.min_value)] = f"below the minimum {spec.min_value:g}"
        if spec.max_value is not None:
            reasons[numbers.notna() & (numbers > spec.max_value)] = f"above the maximum {spec.max_value:g}"
        if spec.kind == "int":
            fractional = numbers.notna() & (numbers != numbers.round())
            reasons[fractional] = "not a whole number"
            return numbers.where(reasons.isna()).astype("Int64"), reasons
        return numbers.where(reasons.isna()).astype("float64"), reasons
    if spec.kind == "timestamp":
        return _parse_timestamps(text, timezone)
    if spec.kind == "date":
        dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        reasons = none.copy()
        reasons[present & dates.isna()] = "not a YYYY-MM-DD date"
        return dates.dt.date.where(dates.notna(), None).astype(object), reasons
    lowered = text.str.lower() if present.any() else text
    values = lowered.map(lambda v: True if v in _TRUE else False if v in _FALSE else None).astype(object)
    reasons = none.copy()
    reasons[present & values.isna()] = "not true or false"
    return values, reasons


def _derived_keys(stream: Stream, texts: dict[str, pd.Series]) -> pd.Series:
    parts = [texts[name].fillna("") for name in stream.key_from]
    joined = parts[0].astype(str)
    for part in parts[1:]:
        joined = joined + "\x1f" + part.astype(str)
    return joined.map(lambda s: "k" + hashlib.sha1(s.encode("utf-8")).hexdigest()[:24])


def _first_reason(field_name: str, reasons: pd.Series, failures: pd.DataFrame) -> None:
    new = reasons.notna() & failures["reason"].isna()
    failures.loc[new, "field_name"] = field_name
    failures.loc[new, "reason"] = reasons[new]


def parse_chunk(stream: Stream, chunk: RecordChunk, timezone: str = "UTC") -> ParsedChunk:
    """Typed rows for the records that pass every rule; rejects with line, field and reason for the rest."""
    index = pd.RangeIndex(len(chunk.values))
    # dtype=object: a JSON column of numbers with gaps would otherwise turn 98738 into "98738.0"
    raw = pd.DataFrame(chunk.values, index=index, dtype=object) if chunk.values else pd.DataFrame(index=index)
    absent = pd.Series([None] * len(index), dtype=object)
    texts = {spec.name: _as_text(raw[spec.key]) if spec.key in raw.columns else absent for spec in stream.fields}
    if stream.key_from:
        missing_key = texts[stream.primary_key].isna()
        if missing_key.any():
            texts[stream.primary_key] = texts[stream.primary_key].where(~missing_key, _derived_keys(stream, texts))
    failures = pd.DataFrame({"field_name": [None] * len(index), "reason": [None] * len(index)}, dtype=object)
    typed: dict[str, pd.Series] = {}
    for spec in stream.fields:
        text = texts[spec.name]
        if spec.required:
            empty = pd.Series([None] * len(index), dtype=object)
            empty[text.isna()] = "required field is empty or missing"
            _first_reason(spec.name, empty, failures)
        values, reasons = _convert(spec, text, timezone)
        _first_reason(spec.name, reasons, failures)
        typed[spec.name] = values
    rows = pd.DataFrame(typed, index=index)
    for field_name, check in stream.row_checks:
        _first_reason(field_name, check(rows), failures)
    good = failures["reason"].isna()
    lines = pd.Series(chunk.lines, index=index, dtype="int64")
    payloads = pd.Series([storable(p) for p in chunk.payloads], index=index, dtype=object)
    rows = rows[good].copy()
    rows["_source_line"] = lines[good]
    rows["_payload"] = payloads[good]
    if chunk.record_hashes:
        rows["_record_hash"] = pd.Series(chunk.record_hashes, index=index, dtype=object)[good]
    else:
        rows["_record_hash"] = rows["_payload"].map(lambda p: hashlib.sha1(p.encode("utf-8")).hexdigest())
    rejects = pd.DataFrame(
        {
            "source_line": lines[~good],
            "field_name": failures.loc[~good, "field_name"],
            "reason": failures.loc[~good, "reason"],
            "payload": payloads[~good],
        }
    )
    rejected_origins = {chunk.origins[i] for i in index[~good.to_numpy()]} if chunk.origins else set()
    if chunk.unreadable:
        unreadable = pd.DataFrame(
            [(line, None, storable(reason), storable(text)) for line, reason, text in chunk.unreadable],
            columns=REJECT_COLUMNS
        )
        rejects = pd.concat([rejects, unreadable], ignore_index=True) if len(rejects) else unreadable
    return ParsedChunk(rows=rows.reset_index(drop=True), rejects=rejects.reset_index(drop=True),
                       rejected_origins=rejected_origins)
