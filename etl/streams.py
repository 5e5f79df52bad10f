"""The declaration every connector uses: a stream is data, not code.

A stream names its raw table, the files it reads, its fields with their types and rules, its primary key,
its cursor (the field that tells which version of a record is newer) and its write mode (`merge` for
mutable entities, whose latest version wins in staging; `append` for events). Parsing is generic
(`etl.parsing`), driven by these declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:

    import pandas as pd

    from etl.parsing import RecordChunk

RowCheck = tuple[str, "Callable[[pd.DataFrame], pd.Series]"]
"""(field blamed, function of the typed records returning a reason or None per record)."""

FieldKind = Literal["text", "int", "float", "timestamp", "date", "bool", "enum"]
WriteMode = Literal["merge", "append"]
PiiKind = Literal["free_text", "email", "phone", "contact_address", "person_name", "agent_name"]
"""What personal data a field holds (docs/privacy.md): free text is masked by entity type, e-mail and phone
are replaced by a pseudonymous key (a contact address, `tel:+1...` or an e-mail, by the key of what it is), a
customer's name by "[NAME]"; an agent's name stays (staff work under it)
but is a known name masked in the free text of the same run."""
FileFormat = Literal["csv", "jsonl"]

SQL_TYPES: dict[str, str] = {
    "text": "text",
    "enum": "text",
    "int": "bigint",
    "float": "double precision",
    "timestamp": "timestamp",
    "date": "date",
    "bool": "boolean",
}

# Columns every raw table carries besides the stream's own fields.
META_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_batch_id", "bigint"),
    ("_source_name", "text"),
    ("_source_file", "text"),
    ("_source_line", "bigint"),
    ("_record_hash", "text"),
    ("_payload", "text"),
)


@dataclass(frozen=True)
class Field:
    """A raw column. `name` is the column (lower case, `__` for nesting: `via__channel`); `source` is the key
    as the vendor spells it in the record (`CaseNumber`, `via.channel` flattened by the reader), when it
    differs from the column name."""

    name: str
    kind: FieldKind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    source: str | None = None
    pii: PiiKind | None = None

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]

    @property
    def key(self) -> str:
        """The key of this field in a parsed record."""
        return self.source or self.name


@dataclass(frozen=True)
class Stream:
    source_format: str
    name: str
    file_pattern: str
    file_format: FileFormat
    fields: tuple[Field, ...]
    primary_key: str
    cursor: str
    write_mode: WriteMode
    key_from: tuple[str, ...] = ()
    """Fields hashed into the primary key when a record does not carry one."""
    row_checks: tuple[RowCheck, ...] = ()
    """Rules across fields, applied after each field has parsed."""
    staff_rows: tuple[str, tuple[str, ...]] | None = None
    """(field, values): records whose field holds one of the values describe staff (a Zendesk user whose role
    is agent or admin), whose `person_name` fields are agent names."""
    customer_rows: tuple[str, tuple[str, ...]] | None = None
    """(field, values): only records whose field holds one of the values describe customers (a Genesys
    participant whose purpose is customer or external); the `person_name` fields of the others are staff's."""

    @property
    def raw_table(self) -> str:
        return f"raw.{self.source_format}__{self.name}"

    @property
    def required_fields(self) -> tuple[str, ...]:
        """Record keys (vendor spelling) that must be present."""
        derived = {self.primary_key} if self.key_from else set()
        return tuple(f.key for f in self.fields if f.required and f.name not in derived)

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.name} has no field {name}")

    def raw_columns(self) -> list[tuple[str, str]]:
        return [(f.name, f.sql_type) for f in self.fields] + list(META_COLUMNS)


KindReader = "Callable[[Path, FileKind], Iterator[tuple[Stream, RecordChunk]]]"


@dataclass(frozen=True)
class FileKind:
    """A kind of export file: the files matching `pattern` feed one or more streams.

    A flat file (one CSV row or JSONL object per record of one stream) needs no reader of its own. A vendor
    export whose records nest (a Zendesk ticket with its audits, a Genesys conversation with its participants
    and segments) brings a reader that yields chunks of flat records per stream; each record keeps its own
    original text as payload.
    """

    name: str
    pattern: str
    streams: tuple[Stream, ...]
    reader: Callable[..., Iterator[tuple[Stream, RecordChunk]]] | None = None


def flat_kinds(streams: tuple[Stream, ...]) -> tuple[FileKind, ...]:
    """One file kind per stream, read as flat CSV or JSONL."""
    return tuple(FileKind(stream.name, stream.file_pattern, (stream,)) for stream in streams)
