"""Where the audit log lives (docs/audit.md): who viewed which page with which filters, who opened which
conversation, who exported what, who was refused.

PostgreSQL: the app appends each event to `ops.audit_events` (sql/ops/bootstrap.sql) in a short transaction of its
own, on its own pooled connection: not the build's advisory lock, and no build drops or rebuilds an ops table.

DuckDB: the warehouse file cannot take a write while the app reads it (a writer works on a copy and swaps it in),
so the app appends each event as one JSON line to a sidecar, `<warehouse>.audit.jsonl`, under an exclusive
`flock` (one `write` of one line: lines never interleave, a reader never sees half of one). Every writing session
of the pipeline (`cxpulse ingest|build|run`) copies the sidecar's events that the warehouse lacks into its
`ops.audit_events` (by event_id), under a shared lock; the sidecar is never truncated, so an event written while a
build runs is in the sidecar and reaches the warehouse at the next run. The admin page reads the sidecar (it holds
every event, the warehouse's copy only those up to the last run).

Identifiers here are constants; every value is a bound parameter.
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psycopg
import sqlalchemy as sa

from etl import dialect
from etl.warehouse import Warehouse, dialect_of, duckdb_path, postgres_url

AUDIT_TABLE = "ops.audit_events"
SIDECAR_SUFFIX = ".audit.jsonl"

# name -> (PostgreSQL/DuckDB column type, DuckDB read_json type); the order of the table's columns
AUDIT_COLUMNS: dict[str, tuple[str, str]] = {
    "event_id": ("text not null", "VARCHAR"),
    "occurred_at": ("timestamp not null", "TIMESTAMP"),
    "identity": ("text not null", "VARCHAR"),
    "role": ("text not null", "VARCHAR"),
    "signed_in": ("boolean not null", "BOOLEAN"),
    "event_kind": ("text not null", "VARCHAR"),
    "page": ("text", "VARCHAR"),
    "filters": ("text", "VARCHAR"),
    "conversation_id": ("text", "VARCHAR"),
    "export_name": ("text", "VARCHAR"),
    "export_format": ("text", "VARCHAR"),
    "export_rows": ("bigint", "BIGINT"),
    "export_columns": ("text", "VARCHAR"),
    "session_id": ("text not null", "VARCHAR"),
}
COLUMN_LIST = ", ".join(AUDIT_COLUMNS)
INSERT_SQL = f"insert into {AUDIT_TABLE} ({COLUMN_LIST}) values ({', '.join(':' + c for c in AUDIT_COLUMNS)})"
CREATE_SQL = (f"create table if not exists {AUDIT_TABLE} ("
              + ", ".join(f"{name} {kinds[0]}" for name, kinds in AUDIT_COLUMNS.items()) + ")")
ASYNC_COMMIT_SQL = "set local synchronous_commit to off"
"""PostgreSQL: the event's commit returns before its WAL reaches the disk (docs/audit.md: a server crash may lose
the last fraction of a second of events, never corrupt the table); the page does not wait for a disk flush."""
SIDECAR_COLUMNS = {name: kinds[1] for name, kinds in AUDIT_COLUMNS.items()}
# The sidecar as a relation (DuckDB): a line cut short by a crash reads as a row without event_id and is left out.
SIDECAR_RELATION = ("(select * from read_json(:sidecar_path, format = 'newline_delimited', columns = :sidecar_columns,"
                    " ignore_errors = true) where event_id is not null)")
COPY_SIDECAR_SQL = (f"insert into {AUDIT_TABLE} ({COLUMN_LIST}) select {COLUMN_LIST} from {SIDECAR_RELATION} as s"
                    f" where not exists (select 1 from {AUDIT_TABLE} as held where held.event_id = s.event_id)")


def sidecar_path(warehouse_file: Path) -> Path:
    """`<warehouse>.audit.jsonl`, beside the DuckDB warehouse file."""
    return warehouse_file.with_name(warehouse_file.name + SIDECAR_SUFFIX)


def event_line(row: Mapping[str, Any]) -> bytes:
    """One event as one JSON line (pure): the table's columns in order, times as ISO text (naive UTC)."""
    unknown = set(row) - set(AUDIT_COLUMNS)
    if unknown:
        raise ValueError(f"not a column of {AUDIT_TABLE}: {', '.join(sorted(unknown))}")
    values = {name: row.get(name) for name in AUDIT_COLUMNS}
    values["occurred_at"] = values["occurred_at"].isoformat(sep=" ")
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


@contextlib.contextmanager
def _locked(path: Path, mode: int) -> Iterator[None]:
    with open(path.with_name(path.name + ".lock"), "a+") as handle:
        fcntl.flock(handle.fileno(), mode)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class AuditStore(abc.ABC):
    """Appends events and reads them back; safe to share across the app's threads."""

    @abc.abstractmethod
    def append(self, row: Mapping[str, Any]) -> None:
        """Store one event (a mapping of AUDIT_COLUMNS) durably before returning."""

    @abc.abstractmethod
    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a select over `{events}` (replaced by the relation that holds every event)."""

    def close(self) -> None:  # noqa: B027 - a store without resources has nothing to close
        """Release connections."""


class SidecarStore(AuditStore):
    """The DuckDB warehouse's sidecar file of JSON lines."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, row: Mapping[str, Any]) -> None:
        line = event_line(row)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path, fcntl.LOCK_EX):
            descriptor = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                size = os.fstat(descriptor).st_size
                if size and os.pread(descriptor, 1, size - 1) != b"\n":  # a line a crash cut short stays alone
                    line = b"\n" + line
                os.write(descriptor, line)
            finally:
                os.close(descriptor)

    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        bound = {**dict(params or {}), "sidecar_path": str(self.path), "sidecar_columns": SIDECAR_COLUMNS}
        text = dialect.duckdb_params(sql.replace("{events}", SIDECAR_RELATION))
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch(mode=0o600, exist_ok=True)
        with _locked(self.path, fcntl.LOCK_SH), duckdb.connect() as connection:
            return connection.execute(text, bound).df()


class PostgresStore(AuditStore):
    """ops.audit_events of a PostgreSQL warehouse, on a small pool of the app's own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: sa.Engine | None = None
        self._lock = threading.Lock()

    def _connect(self) -> sa.Engine:
        with self._lock:
            if self._engine is None:
                self._engine = sa.create_engine(postgres_url(self.url), pool_size=2, pool_pre_ping=True)
            return self._engine

    def append(self, row: Mapping[str, Any]) -> None:
        values = {name: row.get(name) for name in AUDIT_COLUMNS}
        engine = self._connect()
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(ASYNC_COMMIT_SQL))
                connection.execute(sa.text(INSERT_SQL), values)
        except sa.exc.ProgrammingError as error:
            if not isinstance(error.orig, psycopg.errors.UndefinedTable):
                raise
            with engine.begin() as connection:  # a warehouse never built yet: the table the bootstrap would make
                connection.execute(sa.text("create schema if not exists ops"))
                connection.execute(sa.text(CREATE_SQL))
                connection.execute(sa.text(INSERT_SQL), values)

    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        with self._connect().connect() as connection:
            result = connection.execute(sa.text(sql.replace("{events}", AUDIT_TABLE)), dict(params or {}))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


def open_audit_store(warehouse_url: str) -> AuditStore:
    """The store of the warehouse at `warehouse_url` (connects on first use, not here)."""
    if dialect_of(warehouse_url) == "duckdb":
        return SidecarStore(sidecar_path(duckdb_path(warehouse_url).resolve()))
    return PostgresStore(warehouse_url)


def copy_sidecar_events(warehouse: Warehouse, warehouse_url: str) -> int:
    """Copy the sidecar's events that `ops.audit_events` lacks into it (a DuckDB writing session); the count copied.
    PostgreSQL warehouses hold their events already (0)."""
    if warehouse.dialect != "duckdb":
        return 0
    path = sidecar_path(duckdb_path(warehouse_url).resolve())
    if not path.exists():
        return 0
    with _locked(path, fcntl.LOCK_SH):
        before = int(warehouse.scalar(f"select count(*) from {AUDIT_TABLE}"))
        warehouse.execute(COPY_SIDECAR_SQL, {"sidecar_path": str(path), "sidecar_columns": SIDECAR_COLUMNS})
        return int(warehouse.scalar(f"select count(*) from {AUDIT_TABLE}")) - before
