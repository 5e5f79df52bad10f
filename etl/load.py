"""Landing export files in `raw`: one batch per file, committed together with its stream state.

For each file: its SHA-256 digest is checked against the batches already loaded (the same file twice is
skipped); its records are parsed in chunks; typed rows go to a temporary table and from there into the raw
table, minus records already present (same record hash: an overlapping export adds nothing); rejects go to
`ops.rejected_records`; the batch row and the stream state are written last, in the same transaction. A
crash at any point rolls the whole file back.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.config import Settings, SourceConfig
from etl.parsing import FileError, ParsedChunk, RecordChunk, parse_chunk, read_kind, storable
from etl.pii.ingest import ChunkMasker, IngestPrivacy, MaskedChunk
from etl.pii.key import pseudonym_key
from etl.sources import all_streams, kinds_for_source
from etl.streams import FileKind, Stream
from etl.warehouse import Warehouse, check_identifier

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
BOOTSTRAP_SQL = SQL_DIR / "ops" / "bootstrap.sql"
RECORD_HASH = "_record_hash"
RECORD_HASH_INDEX_SUFFIX = "__record_hash_key"
IDENTITY_INCOMING = "_cxpulse_identity_incoming"

Progress = Callable[[str, int], None]
"""Called with a description and the number of records just handled."""


LOADED, PARTIAL, FAILED, IGNORED, SKIPPED = "loaded", "partial", "failed", "ignored", "skipped"
"""File statuses: every record accounted for; loaded but some records unrecoverable; nothing loaded (the
reason says why); name matches no pattern of the format; the same file was loaded before."""


@dataclass
class FileReport:
    source_name: str
    stream: str
    path: Path
    status: str  # LOADED | PARTIAL | FAILED | IGNORED | SKIPPED
    records_read: int = 0
    """Rows read, fan-out rows included: read = loaded + duplicate + rejected (quarantined) + unrecoverable."""
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    error: str | None = None
    unknown_fields: tuple[str, ...] = ()
    """Fields the records carry that no stream declares: kept in the raw payload, reported once per file."""
    records_unrecoverable: int = 0
    """Records known to exist but not recovered at all (the incomplete record where a file is cut)."""
    source_records_read: int = 0
    """Records of the file as exported (a ticket audit counts once, however many event rows it gives)."""
    source_records_rejected: int = 0
    """Source records with at least one row quarantined, or unrecoverable."""
    notes: tuple[str, ...] = ()

    @property
    def rejected_share(self) -> float:
        """Share of the file's source records (not fan-out rows) quarantined or unrecoverable."""
        return self.source_records_rejected / self.source_records_read if self.source_records_read else 0.0

    @property
    def lost_anything(self) -> bool:
        """Whether some record of the file is neither loaded nor quarantined (the run must say so)."""
        return self.status == FAILED or self.records_unrecoverable > 0

    @property
    def reason(self) -> str | None:
        return self.error or ("; ".join(self.notes) if self.notes else None)


@dataclass
class _SourceTally:
    """Counts a file's source records across its chunks: fanned-out rows by origin, flat rows one by one."""

    origins_read: set[int]
    origins_rejected: set[int]
    flat_read: int = 0
    flat_rejected: int = 0

    def add(self, chunk: RecordChunk, parsed: ParsedChunk) -> None:
        unreadable = len(chunk.unreadable)
        self.flat_read += unreadable + chunk.unrecoverable
        self.flat_rejected += unreadable + chunk.unrecoverable
        if chunk.origins:
            self.origins_read.update(chunk.origins)
            self.origins_rejected.update(parsed.rejected_origins)
        else:
            self.flat_read += len(chunk.lines)
            self.flat_rejected += len(parsed.rejects) - unreadable

    @property
    def read(self) -> int:
        return len(self.origins_read) + self.flat_read

    @property
    def rejected(self) -> int:
        return len(self.origins_rejected) + self.flat_rejected


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def split_statements(sql_text: str) -> list[str]:
    lines = [line for line in sql_text.splitlines() if not line.strip().startswith("--")]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def bootstrap(warehouse: Warehouse) -> None:
    """Create the schemas, the ops and enrichment tables, and every known stream's raw table, when missing.

    Raw tables exist even before their first file, so that the models build on a partial load.
    """
    for statement in split_statements(BOOTSTRAP_SQL.read_text(encoding="utf-8")):
        warehouse.execute(statement)
    for stream in all_streams():
        ensure_raw_table(warehouse, stream)
    from etl.enrich.steps import ensure_step_tables

    ensure_step_tables(warehouse)
    if warehouse.dialect == "postgresql":
        # clear personal data: nobody but the owner and the roles an admin grants (the RLS setup) reads it
        warehouse.execute("revoke all on schema restricted from public")
        warehouse.execute("revoke all on all tables in schema restricted from public")


def chunk_masker(settings: Settings) -> ChunkMasker:
    """The masking of one run (docs/privacy.md): the pseudonym key, the identity rules' country code, and
    the names met so far, shared by every file of the run."""
    privacy = IngestPrivacy(key=pseudonym_key(settings),
                            default_country_code=settings.identity.default_country_code,
                            keep_clear_text=settings.privacy.keep_clear_text)
    return ChunkMasker(privacy)


def _keep_clear(warehouse: Warehouse, masked: MaskedChunk, batch_id: int, path: Path) -> None:
    """The clear values a chunk's masking replaced, into `restricted` (only when the config keeps them)."""
    if masked.clear_values:
        frame = pd.DataFrame(
            [(batch_id, str(path), v.source_line, v.field_name, storable(v.clear_value)) for v in masked.clear_values],
            columns=["batch_id", "source_file", "source_line", "field_name", "clear_value"],
        )
        warehouse.bulk_insert("restricted.clear_text", frame)
    if masked.identities:
        frame = pd.DataFrame([(key, kind, storable(clear)) for key, (kind, clear) in masked.identities.items()],
                             columns=["pseudonym", "kind", "clear_value"])
        warehouse.execute(f"create temporary table if not exists {IDENTITY_INCOMING} as"
                          " select * from restricted.identity_clear where 1 = 0")
        warehouse.bulk_insert(IDENTITY_INCOMING, frame)
        warehouse.execute(
            f"insert into restricted.identity_clear (pseudonym, kind, clear_value) select distinct i.pseudonym,"
            f" i.kind, i.clear_value from {IDENTITY_INCOMING} i where not exists (select 1 from"
            " restricted.identity_clear r where r.pseudonym = i.pseudonym and r.clear_value = i.clear_value)"
        )
        warehouse.execute(f"delete from {IDENTITY_INCOMING}")


def ensure_raw_table(warehouse: Warehouse, stream: Stream) -> None:
    """Create the stream's raw table, or add the columns a newer declaration has; on PostgreSQL with the
    unique index on the record hash that new rows are checked against."""
    table = check_identifier(stream.raw_table)
    if not warehouse.table_exists(table):
        columns = ", ".join(f"{check_identifier(name)} {sql_type}" for name, sql_type in stream.raw_columns())
        warehouse.execute(f"create table {table} ({columns})")
    else:
        present = set(warehouse.columns_of(table))
        for name, sql_type in stream.raw_columns():
            if name not in present:
                warehouse.execute(f"alter table {table} add column {check_identifier(name)} {sql_type}")
    if warehouse.dialect == "postgresql":
        index = check_identifier(table.partition(".")[2] + RECORD_HASH_INDEX_SUFFIX)
        warehouse.execute(f"create unique index if not exists {index} on {table} ({RECORD_HASH})")


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise FileError(path, f"cannot be read ({error.strerror or error})") from error
    return digest.hexdigest()


def _as_file_error(path: Path, error: Exception) -> FileError:
    return error if isinstance(error, FileError) else FileError(path, f"{type(error).__name__}: {error}")


def guarded(path: Path, chunks: Iterator[tuple[Stream, RecordChunk]]) -> Iterator[tuple[Stream, RecordChunk]]:
    """The reader's chunks; whatever goes wrong inside the reader (the file's fault, whatever the exception)
    becomes a FileError naming the file, so that the run goes on with the other files. Errors of the
    warehouse are not caught here: they stop the run, which leaves the warehouse as it was."""
    while True:
        try:
            item = next(chunks)
        except StopIteration:
            return
        except Exception as error:  # any failure of a reader is the file's: named, never a crash
            raise _as_file_error(path, error) from error
        yield item


def parse_guarded(path: Path, stream: Stream, chunk: RecordChunk, timezone: str) -> ParsedChunk:
    try:
        return parse_chunk(stream, chunk, timezone)
    except Exception as error:  # an unknown time zone, a value no rule foresaw: the file fails, named
        raise _as_file_error(path, error) from error


def matches(name: str, pattern: str) -> bool:
    """A file name matches a kind's pattern whatever the case (`Tickets-0001.JSON`, `case.csv`)."""
    return fnmatch.fnmatchcase(name.lower(), pattern.lower())


def matches_kind(path: Path, pattern: str) -> bool:
    """A pattern with a folder (`comments/*.json`) is matched against the file's folder name and its own."""
    return matches(f"{path.parent.name}/{path.name}" if "/" in pattern else path.name, pattern)


def _nested_files(folder: Path, kinds: tuple[FileKind, ...]) -> list[Path]:
    """The files of the sub-folders that kinds' patterns name (`comments/` for `comments/*.json`)."""
    names = {kind.pattern.split("/")[0].lower() for kind in kinds if "/" in kind.pattern}
    return [p for sub in folder.iterdir() if sub.is_dir() and sub.name.lower() in names
            for p in sub.iterdir() if p.is_file()]


def _patterns(kinds: tuple[FileKind, ...]) -> str:
    return ", ".join(dict.fromkeys(kind.pattern for kind in kinds))


def plan_files(source: SourceConfig, kinds: tuple[FileKind, ...]) -> tuple[list[tuple[FileKind, Path]],
                                                                             list[FileReport]]:
    """Which file is read as which kind, kind by kind in declaration order, and the reports of the files left
    out. In a folder, a file matching no pattern is reported as ignored (never skipped in silence). A path
    given explicitly is read even when its name matches no pattern if the format has one kind of file; with
    several kinds it is refused with the patterns expected. Raises FileError when the path does not exist."""
    path = source.path
    if path.is_dir():
        candidates = sorted([*(p for p in path.iterdir() if p.is_file()), *_nested_files(path, kinds)])
        mapping = source.options.get("mapping")
        own_files = {Path(str(mapping)).resolve()} if mapping else set()
        planned = [(kind, p) for kind in kinds for p in candidates if matches_kind(p, kind.pattern)]
        taken = {p for _, p in planned}
        ignored = [
            FileReport(source.name, "*", p, IGNORED,
                       error=f"ignored: matches no pattern of {source.format}: {_patterns(kinds)}")
            for p in candidates if p not in taken and p.resolve() not in own_files
        ]
        return planned, ignored
    if not path.exists():
        raise FileError(path, f"source {source.name!r}: path not found")
    named = [kind for kind in kinds if matches_kind(path, kind.pattern)]
    if named:
        return [(named[0], path)], []
    if len(kinds) == 1:
        return [(kinds[0], path)], []
    refusal = (f"refused: the name matches no pattern of {source.format} ({_patterns(kinds)}); rename the file to"
               " match the kind of export it is")
    return [], [FileReport(source.name, "*", path, FAILED, error=refusal)]


def files_for_kind(source: SourceConfig, kind: FileKind) -> list[Path]:
    """The source's files of one kind, in name order (plan_files for that kind alone)."""
    planned, _ = plan_files(source, (kind,))
    return [p for _, p in planned]


def next_id(warehouse: Warehouse, table: str, column: str) -> int:
    current = warehouse.scalar(f"select max({check_identifier(column)}) from {check_identifier(table)}")
    return 1 if current is None or pd.isna(current) else int(current) + 1


def _already_loaded(warehouse: Warehouse, source_name: str, kind: FileKind, digest: str) -> bool:
    count = warehouse.scalar(
        "select count(*) from ops.batches where source_name = :source and stream = :kind and file_digest = :digest",
        {"source": source_name, "kind": kind.name, "digest": digest},
    )
    return bool(count)


def _land_new_rows(warehouse: Warehouse, stream: Stream, rows: pd.DataFrame, batch_id: int,
                   source_name: str, path: Path) -> tuple[int, dt.datetime | None]:
    """Insert the chunk's rows whose record hash is new (the first copy by line of a hash repeated in the chunk)
    in one set-based statement. Returns the count inserted and the chunk's highest cursor value. Working one
    chunk at a time keeps a load's memory flat however large the file."""
    rows = rows.assign(_batch_id=batch_id, _source_name=source_name, _source_file=str(path))
    columns = [name for name, _ in stream.raw_columns()]
    count = warehouse.insert_new(stream.raw_table, rows[columns], key=RECORD_HASH, first_by="_source_line")
    watermark = rows[stream.cursor].max()
    return count, (None if watermark is None or pd.isna(watermark) else pd.Timestamp(watermark).to_pydatetime())


def _quarantine(warehouse: Warehouse, rejects: pd.DataFrame, batch_id: int, source_name: str,
                stream: Stream, path: Path, now: dt.datetime) -> None:
    frame = rejects.assign(
        batch_id=batch_id, source_name=source_name, stream=stream.name, source_file=str(path), rejected_at=now
    )
    columns = ["batch_id", "source_name", "stream", "source_file", "source_line", "field_name", "reason",
               "payload", "rejected_at"]
    warehouse.bulk_insert("ops.rejected_records", frame[columns])


def _save_stream_state(warehouse: Warehouse, source_name: str, stream: Stream, batch_id: int,
                       rows_loaded: int, watermark: dt.datetime | None, now: dt.datetime) -> None:
    keys = {"source": source_name, "stream": stream.name}
    previous = warehouse.query_df(
        "select watermark, files_loaded, rows_loaded from ops.stream_state where source_name = :source"
        " and stream = :stream",
        keys,
    )
    files_loaded, total_rows, old_mark = 0, 0, None
    if not previous.empty:
        files_loaded = int(previous.at[0, "files_loaded"])
        total_rows = int(previous.at[0, "rows_loaded"])
        old = previous.at[0, "watermark"]
        old_mark = None if old is None or pd.isna(old) else pd.Timestamp(old).to_pydatetime()
    marks = [m for m in (old_mark, watermark) if m is not None]
    warehouse.execute("delete from ops.stream_state where source_name = :source and stream = :stream", keys)
    warehouse.execute(
        "insert into ops.stream_state (source_name, stream, watermark, last_batch_id, files_loaded, rows_loaded,"
        " updated_at) values (:source, :stream, :watermark, :batch, :files, :rows, :now)",
        {**keys, "watermark": max(marks) if marks else None, "batch": batch_id, "files": files_loaded + 1,
         "rows": total_rows + rows_loaded, "now": now},
    )


def _discard_batch(warehouse: Warehouse, batch_id: int, streams: list[Stream]) -> None:
    """Remove what a failed file left behind (stream state and the batch row are written only at its end)."""
    for stream in streams:
        warehouse.execute(f"delete from {check_identifier(stream.raw_table)} where _batch_id = :batch",
                          {"batch": batch_id})
    warehouse.execute("delete from ops.rejected_records where batch_id = :batch", {"batch": batch_id})
    warehouse.execute("delete from restricted.clear_text where batch_id = :batch", {"batch": batch_id})


def undeclared_fields(stream: Stream, records: list[dict]) -> set[str]:
    """Keys of these records that the stream does not declare."""
    declared = {spec.key for spec in stream.fields}
    present: set[str] = set()
    for record in records:
        present.update(record.keys())
    return present - declared


def load_file(warehouse: Warehouse, source: SourceConfig, kind: FileKind, path: Path, run_id: int,
              masker: ChunkMasker, progress: Progress | None = None) -> FileReport:
    """Land one file as one batch, across the streams it feeds, its personal data masked by `masker` before
    anything is written. Raises FileError (and rolls back) when the file cannot be read."""
    report = FileReport(source.name, kind.name, path, "loaded")
    digest = file_digest(path)
    if _already_loaded(warehouse, source.name, kind, digest):
        report.status = SKIPPED
        report.notes = ("already loaded: the same file (same SHA-256) is in an earlier batch",)
        return report
    now = utc_now()
    batch_id = next_id(warehouse, "ops.batches", "batch_id")
    touched: dict[str, Stream] = {}
    with warehouse.batch(undo=lambda: _discard_batch(warehouse, batch_id, list(touched.values()))):
        loaded_by_stream: dict[str, int] = defaultdict(int)
        watermarks: dict[str, dt.datetime | None] = {}
        unknown: set[str] = set()
        tally = _SourceTally(set(), set())
        notes: list[str] = []
        for stream, chunk in guarded(path, iter(read_kind(path, kind))):
            unknown |= undeclared_fields(stream, chunk.values)
            if stream.name not in touched:
                ensure_raw_table(warehouse, stream)
                touched[stream.name] = stream
            masked = masker.mask_chunk(stream, chunk)
            if masker.privacy.keep_clear_text:
                _keep_clear(warehouse, masked, batch_id, path)
            chunk = masked.chunk
            parsed = parse_guarded(path, stream, chunk, source.timezone)
            tally.add(chunk, parsed)
            notes += chunk.notes
            if chunk.unrecoverable:
                report.records_unrecoverable += chunk.unrecoverable
                report.error = chunk.unrecoverable_reason
            report.records_read += len(chunk) + chunk.unrecoverable
            report.rows_rejected += len(parsed.rejects)
            if len(parsed.rows):
                loaded, watermark = _land_new_rows(warehouse, stream, parsed.rows, batch_id, source.name, path)
                loaded_by_stream[stream.name] += loaded
                marks = [m for m in (watermarks.get(stream.name), watermark) if m is not None]
                watermarks[stream.name] = max(marks) if marks else None
            if len(parsed.rejects):
                _quarantine(warehouse, parsed.rejects, batch_id, source.name, stream, path, now)
            if progress:
                progress(f"{source.name}/{stream.name}", len(chunk))
        for stream in touched.values():
            report.rows_loaded += loaded_by_stream[stream.name]
            _save_stream_state(warehouse, source.name, stream, batch_id, loaded_by_stream[stream.name],
                               watermarks.get(stream.name), now)
        report.rows_duplicate = (report.records_read - report.rows_rejected - report.rows_loaded
                                 - report.records_unrecoverable)
        report.unknown_fields = tuple(sorted(unknown))
        report.source_records_read, report.source_records_rejected = tally.read, tally.rejected
        report.notes = tuple(dict.fromkeys(notes))
        if report.records_unrecoverable:
            report.status = PARTIAL
        warehouse.execute(
            "insert into ops.batches (batch_id, run_id, source_name, stream, source_file, file_digest, file_bytes,"
            " records_read, rows_loaded, rows_duplicate, rows_rejected, unknown_fields, loaded_at) values (:batch,"
            " :run, :source, :kind, :file, :digest, :bytes, :read, :loaded, :duplicate, :rejected, :unknown, :now)",
            {"batch": batch_id, "run": run_id, "source": source.name, "kind": kind.name, "file": str(path),
             "digest": digest, "bytes": path.stat().st_size, "read": report.records_read,
             "loaded": report.rows_loaded, "duplicate": report.rows_duplicate, "rejected": report.rows_rejected,
             "unknown": storable(", ".join(report.unknown_fields)) or None, "now": now},
        )
    return report


def _failed(source: SourceConfig, kind_name: str, path: Path, error: BaseException) -> FileReport:
    reason = str(error) if isinstance(error, FileError) else f"{type(error).__name__}: {error}"
    return FileReport(source.name, kind_name, path, FAILED, error=storable(reason))


def record_file_load(warehouse: Warehouse, report: FileReport, run_id: int) -> None:
    """One row of ops.file_loads per file a run met, whatever became of it."""
    warehouse.execute(
        "insert into ops.file_loads (run_id, source_name, kind, source_file, status, records_read, rows_loaded,"
        " rows_duplicate, records_quarantined, records_unrecoverable, source_records_read,"
        " source_records_rejected, reason, recorded_at) values (:run, :source, :kind, :file, :status, :read,"
        " :loaded, :duplicate, :quarantined, :unrecoverable, :source_read, :source_rejected, :reason, :now)",
        {"run": run_id, "source": report.source_name, "kind": report.stream, "file": str(report.path),
         "status": report.status, "read": report.records_read, "loaded": report.rows_loaded,
         "duplicate": report.rows_duplicate, "quarantined": report.rows_rejected,
         "unrecoverable": report.records_unrecoverable, "source_read": report.source_records_read,
         "source_rejected": report.source_records_rejected, "reason": storable(report.reason or "") or None,
         "now": utc_now()},
    )


def _names_first(planned: list[tuple[FileKind, Path]]) -> list[tuple[FileKind, Path]]:
    """Files whose records name people (users, contacts) before the others, so that their names are known
    when the free text of the same run is masked; otherwise in plan order."""
    def holds_names(kind: FileKind) -> bool:
        return any(spec.pii in ("person_name", "agent_name") for stream in kind.streams for spec in stream.fields)

    return sorted(planned, key=lambda item: not holds_names(item[0]))


def ingest_source(warehouse: Warehouse, source: SourceConfig, run_id: int, masker: ChunkMasker,
                  progress: Progress | None = None) -> list[FileReport]:
    """Load every file of a source, kind by kind in declaration order. A file that cannot be read, for any
    reason, becomes a failed report naming it; the other files go on."""
    try:
        kinds = kinds_for_source(source)
        planned, reports = plan_files(source, kinds)
    except Exception as error:  # any reason a source cannot start is reported, never raised
        return [_failed(source, "*", source.path, error)]
    for kind, path in _names_first(planned):
        try:
            reports.append(load_file(warehouse, source, kind, path, run_id, masker, progress))
        except FileError as error:  # one bad file never stops the others
            reports.append(_failed(source, kind.name, path, error))
    return reports


def ingest(warehouse: Warehouse, settings: Settings, run_id: int, sources: Iterable[SourceConfig] | None = None,
           progress: Progress | None = None) -> list[FileReport]:
    bootstrap(warehouse)
    masker = chunk_masker(settings)
    reports: list[FileReport] = []
    for source in sources if sources is not None else settings.sources:
        for report in ingest_source(warehouse, source, run_id, masker, progress):
            record_file_load(warehouse, report, run_id)
            reports.append(report)
    return reports


def count_records(paths: Iterable[Path]) -> int:
    """A quick upper bound of the records in files (their line count), for progress bars."""
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += sum(block.count(b"\n") for block in iter(lambda h=handle: h.read(1 << 20), b""))
    return total
