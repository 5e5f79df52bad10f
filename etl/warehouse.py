"""Sessions on the warehouse: DuckDB (embedded file) or PostgreSQL (SQLAlchemy + psycopg 3).

One SQL text serves both engines. Statements use `:name` bound parameters; every difference between the
two engines lives in `etl.dialect`.

Writers and readers never meet on DuckDB: a writer copies the warehouse file to `<file>.next`, works on the
copy, and replaces the file atomically when it finishes. Readers open the current file read-only and reopen
it when it has been replaced, so the dashboard keeps serving during a run and never sees a half-loaded
batch; a crashed run leaves the old file untouched. A lock file keeps two writers apart.

On PostgreSQL each batch is one transaction, models are built under temporary names and swapped in one
short transaction, and an advisory lock keeps two writers apart.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import decimal
import fcntl
import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
import psycopg
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from etl import dialect

Dialect = Literal["duckdb", "postgresql"]
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")
_PG_WRITER_LOCK_KEY = 7_431_992_001
WRITER_LOCK_TIMEOUT_SECONDS = 600.0
MEMORY_LIMIT_ENV = "CXPULSE_DUCKDB_MEMORY_LIMIT"
"""Memory a DuckDB writer may use before it spills to disk (default 2GB)."""
READER_MEMORY_LIMIT_ENV = "CXPULSE_READER_MEMORY_LIMIT"
"""Memory the dashboard's DuckDB reader may use for its queries (default 1GB; 128MB makes exact quantiles fail)."""
READER_THREADS_ENV = "CXPULSE_READER_THREADS"
"""Threads the dashboard's DuckDB reader may use (default: the machine's cores)."""
DEFAULT_READER_MEMORY_LIMIT = "1GB"


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or used as asked."""


class WarehouseMissing(WarehouseError):
    """No warehouse has been built at the configured location yet."""


def dialect_of(url: str) -> Dialect:
    if url.startswith("duckdb:"):
        return "duckdb"
    if url.startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
        return "postgresql"
    raise WarehouseError(f"unsupported warehouse URL {url!r}: use duckdb:///path or postgresql+psycopg://...")


def duckdb_path(url: str) -> Path:
    prefix = "duckdb:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise WarehouseError(f"a DuckDB URL names a file: duckdb:///path/to/file.duckdb, not {url!r}")
    return Path(url[len(prefix):])


def postgres_url(url: str) -> str:
    """SQLAlchemy URL with the psycopg 3 driver."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def check_identifier(name: str) -> str:
    """Table and column names come from our own declarations; refuse anything else."""
    if not _IDENTIFIER.match(name):
        raise WarehouseError(f"not a safe SQL identifier: {name!r}")
    return name


def _incoming_name(table: str) -> str:
    """The temporary table a bulk insert of new rows into `table` goes through."""
    return check_identifier("_cxpulse_new_" + table.replace(".", "__"))


def _frame_from_decimals(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if frame[column].dtype == object and len(frame) and isinstance(
            frame[column].dropna().iloc[0] if frame[column].notna().any() else None, decimal.Decimal
        ):
            frame[column] = frame[column].astype(float)
    return frame


class Warehouse(abc.ABC):
    """A session on one engine: statements, queries, bulk loads and transactions."""

    dialect: Dialect

    @abc.abstractmethod
    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None: ...

    @abc.abstractmethod
    def insert_count(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        """Run an `insert ... select` and return how many rows it inserted."""

    @abc.abstractmethod
    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame: ...

    @abc.abstractmethod
    def bulk_insert(self, table: str, frame: pd.DataFrame) -> int: ...

    @abc.abstractmethod
    def insert_new(self, table: str, frame: pd.DataFrame, key: str, first_by: str) -> int:
        """Insert the rows of `frame` whose `key` the table does not hold yet (of rows sharing a key, the first
        by `first_by`), in one set-based statement; returns how many it inserted."""

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Open a transaction, or join the one already open."""

    @abc.abstractmethod
    def batch(self, undo: Callable[[], None]) -> contextlib.AbstractContextManager[None]:
        """All-or-nothing scope for loading one file; `undo` removes what a failed file left behind where the
        engine cannot roll back cheaply."""

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        frame = self.query_df(sql, params)
        return None if frame.empty else frame.iat[0, 0]

    def table_exists(self, qualified_name: str) -> bool:
        schema, _, table = check_identifier(qualified_name).partition(".")
        count = self.scalar(
            "select count(*) from information_schema.tables where table_schema = :schema and table_name = :table",
            {"schema": schema, "table": table},
        )
        return bool(count)

    def columns_of(self, qualified_name: str) -> list[str]:
        schema, _, table = check_identifier(qualified_name).partition(".")
        frame = self.query_df(
            "select column_name from information_schema.columns where table_schema = :schema"
            " and table_name = :table order by ordinal_position",
            {"schema": schema, "table": table},
        )
        return [str(c) for c in frame["column_name"]]


class DuckDBWarehouse(Warehouse):
    dialect: Dialect = "duckdb"

    def __init__(self, connection: duckdb.DuckDBPyConnection, interrupted: list[RunMarker] | None = None) -> None:
        self._connection = connection
        self._in_transaction = False
        self.interrupted: list[RunMarker] = list(interrupted or [])
        """Runs of killed writers found when this session started (their marker files); a session that records
        them in ops.runs sets `interrupted_recorded`, and their markers go when it succeeds."""
        self.interrupted_recorded = False

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self._connection.execute(dialect.duckdb_params(sql), dict(params or {}))

    def insert_count(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        row = self._connection.execute(dialect.duckdb_params(sql), dict(params or {})).fetchone()
        return int(row[0]) if row else 0

    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        # The session's own connection, not a cursor: a DuckDB cursor is a second connection, outside the
        # open transaction and blind to its temporary tables.
        return self._connection.execute(dialect.duckdb_params(sql), dict(params or {})).df()

    @contextlib.contextmanager
    def _registered(self, frame: pd.DataFrame) -> Iterator[tuple[str, str]]:
        """The frame as a view, with the select list of its columns as stored: text as PostgreSQL stores it
        (dialect.storable_text), so both engines hold the same values."""
        view = "_cxpulse_bulk_frame"
        self._connection.register(view, frame)
        try:
            kinds = dict(self._connection.execute(f"select column_name, column_type from (describe {view})").fetchall())
            values = ", ".join(
                (f"{dialect.storable_text_sql(check_identifier(c))} as {c}" if kinds.get(c) == "VARCHAR"
                 else check_identifier(c))
                for c in frame.columns
            )
            yield view, values
        finally:
            self._connection.unregister(view)

    def bulk_insert(self, table: str, frame: pd.DataFrame) -> int:
        if frame.empty:
            return 0
        columns = ", ".join(check_identifier(c) for c in frame.columns)
        with self._registered(frame) as (view, values):
            self._connection.execute(f"insert into {check_identifier(table)} ({columns}) select {values} from {view}")
        return len(frame)

    def insert_new(self, table: str, frame: pd.DataFrame, key: str, first_by: str) -> int:
        """Into a temporary table shaped like the target first (a scan of the frame inside the ranking query
        costs four times the CPU), then one statement that ranks the copies of a key and anti-joins the
        target's key column: a hash join over that one column, with no index to hold in memory."""
        if frame.empty:
            return 0
        table, key, first_by = check_identifier(table), check_identifier(key), check_identifier(first_by)
        incoming = _incoming_name(table)
        columns = ", ".join(check_identifier(c) for c in frame.columns)
        self.execute(f"create temporary table if not exists {incoming} as select * from {table} where 1 = 0")
        self.execute(f"delete from {incoming}")
        self.bulk_insert(incoming, frame)
        count = self.insert_count(
            f"insert into {table} ({columns}) select {columns} from (select {columns}, row_number() over"
            f" (partition by {key} order by {first_by}) as copy_rank from {incoming}) ranked where copy_rank = 1"
            f" and not exists (select 1 from {table} r where r.{key} = ranked.{key})"
        )
        self.execute(f"delete from {incoming}")
        return count

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_transaction:
            yield
            return
        self._connection.begin()
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._in_transaction = False
            self._connection.rollback()
            raise
        self._in_transaction = False
        self._connection.commit()

    @contextlib.contextmanager
    def batch(self, undo: Callable[[], None]) -> Iterator[None]:
        # Not a transaction: DuckDB keeps a transaction's inserts in memory until commit, so a 5 GB file would
        # need 5 GB and more. The whole writing session is already all-or-nothing (it works on a copy of the
        # file, swapped in only on success); within it, a file that fails is removed by its batch id.
        try:
            yield
        except BaseException:
            undo()
            raise


class PostgresWarehouse(Warehouse):
    dialect: Dialect = "postgresql"

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._connection.in_transaction():
            yield
            return
        with self._connection.begin():
            yield

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        with self.transaction():
            self._connection.execute(sa.text(sql), dict(params or {}))

    def insert_count(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        with self.transaction():
            return int(self._connection.execute(sa.text(sql), dict(params or {})).rowcount)

    @contextlib.contextmanager
    def batch(self, undo: Callable[[], None]) -> Iterator[None]:
        with self.transaction():
            yield

    def insert_new(self, table: str, frame: pd.DataFrame, key: str, first_by: str) -> int:
        """COPY into a temporary table shaped like the target, then one insert that ranks the copies of a key
        and leaves the rest to the target's unique index on it (`on conflict do nothing`)."""
        if frame.empty:
            return 0
        table, key, first_by = check_identifier(table), check_identifier(key), check_identifier(first_by)
        incoming = _incoming_name(table)
        columns = ", ".join(check_identifier(c) for c in frame.columns)
        with self.transaction():
            self.execute(f"create temporary table if not exists {incoming} (like {table})")
            self.execute(f"truncate {incoming}")
            self.bulk_insert(incoming, frame)
            return self.insert_count(
                f"insert into {table} ({columns}) select {columns} from (select {columns}, row_number() over"
                f" (partition by {key} order by {first_by}) as copy_rank from {incoming}) ranked where"
                f" copy_rank = 1 on conflict ({key}) do nothing"
            )

    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        with self.transaction():
            result = self._connection.execute(sa.text(sql), dict(params or {}))
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        return _frame_from_decimals(frame)

    def bulk_insert(self, table: str, frame: pd.DataFrame) -> int:
        """COPY ... FROM STDIN, row by row through psycopg's own encoder (text format), inside the open
        transaction. psycopg escapes every character COPY treats specially (carriage return, line feed, tab,
        backslash) and sends None as NULL, so any text arrives as it was and an empty text stays empty (CSV
        written by pandas quoted neither a lone carriage return nor an empty text).

        PostgreSQL text cannot hold NUL: a chunk that has one is sent again, inside a savepoint, with each NUL
        as U+FFFD (the DuckDB writer stores the same; the raw payload keeps the record as it came)."""
        if frame.empty:
            return 0
        columns = ", ".join(check_identifier(c) for c in frame.columns)
        statement = f"copy {check_identifier(table)} ({columns}) from stdin"
        with self.transaction():
            raw = self._connection.connection.driver_connection
            assert raw is not None
            for start in range(0, len(frame), 50_000):
                rows = dialect.copy_rows(frame.iloc[start:start + 50_000])
                try:
                    with raw.transaction(), raw.cursor() as cursor, cursor.copy(statement) as copy:
                        for row in rows:
                            copy.write_row(row)
                except psycopg.DataError:  # "text fields cannot contain NUL", from the encoder or the server
                    with raw.transaction(), raw.cursor() as cursor, cursor.copy(statement) as copy:
                        for row in rows:
                            copy.write_row(tuple(dialect.storable_text(v) for v in row))
        return len(frame)


# ---------------------------------------------------------------- writer sessions


@dataclass(frozen=True)
class RunMarker:
    """`<file>.run.<host>.<pid>`: written by a DuckDB writer when it starts, removed when it ends. One found while
    the writer lock is free belongs to a writer that was killed."""

    path: Path
    pid: int
    host: str
    started_at: str
    command: str


def _marker_glob(path: Path) -> str:
    return path.name + ".run.*"


def write_run_marker(path: Path, command: str) -> Path:
    host = socket.gethostname()
    marker = path.with_name(f"{path.name}.run.{host}.{os.getpid()}")
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    marker.write_text(json.dumps({"pid": os.getpid(), "host": host, "started_at": started, "command": command}),
                      encoding="utf-8")
    return marker


def read_run_markers(path: Path) -> list[RunMarker]:
    markers = []
    for marker in sorted(path.parent.glob(_marker_glob(path))):
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        markers.append(RunMarker(marker, int(data.get("pid") or 0), str(data.get("host") or ""),
                                 str(data.get("started_at") or ""), str(data.get("command") or "")))
    return markers


def leftover_files(path: Path) -> list[Path]:
    """What a killed DuckDB writer leaves beside the warehouse file: its working copy and that copy's WAL."""
    next_path = path.with_name(path.name + ".next")
    return [p for p in (next_path, Path(str(next_path) + ".wal")) if p.exists()]


@contextlib.contextmanager
def duckdb_lock_if_free(path: Path) -> Iterator[bool]:
    """Hold the DuckDB writer lock if no writer holds it now (yields True), without waiting (False)."""
    lock_path = path.with_name(path.name + ".lock")
    if not path.parent.is_dir():
        yield True  # no warehouse folder: no writer, and nothing left behind
        return
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def postgres_writer_if_free(url: str) -> Iterator[Warehouse | None]:
    """A PostgreSQL writing session if no writer holds the advisory lock now (else None), without waiting."""
    engine = sa.create_engine(postgres_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            got = connection.execute(sa.text("select pg_try_advisory_lock(:key)"), {"key": _PG_WRITER_LOCK_KEY})
            free = bool(got.scalar())
            connection.commit()
            if not free:
                yield None
                return
            try:
                yield PostgresWarehouse(connection)
            finally:
                if connection.in_transaction():
                    connection.rollback()
                connection.execute(sa.text("select pg_advisory_unlock(:key)"), {"key": _PG_WRITER_LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()


@contextlib.contextmanager
def _file_lock(lock_path: Path, timeout_seconds: float) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + timeout_seconds
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as error:
                if time.monotonic() > deadline:
                    raise WarehouseError(
                        f"another cxpulse run is writing {lock_path.with_suffix('')}; waited {timeout_seconds:.0f} s"
                    ) from error
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def _duckdb_writer(path: Path, lock_timeout_seconds: float, command: str) -> Iterator[Warehouse]:
    path = path.resolve()
    next_path = path.with_name(path.name + ".next")
    with _file_lock(path.with_name(path.name + ".lock"), lock_timeout_seconds):
        _remove_quietly(next_path, Path(str(next_path) + ".wal"))
        interrupted = read_run_markers(path)  # under the lock: every marker left is a killed writer's
        own_marker = write_run_marker(path, command)
        try:
            if path.exists():
                shutil.copyfile(path, next_path)
            config = {"threads": os.cpu_count() or 2, "memory_limit": os.environ.get(MEMORY_LIMIT_ENV, "2GB")}
            connection = duckdb.connect(str(next_path), config=config)
            session = DuckDBWarehouse(connection, interrupted)
            try:
                yield session
                connection.execute("checkpoint")
                connection.close()
            except BaseException:
                connection.close()
                _remove_quietly(next_path, Path(str(next_path) + ".wal"))
                raise
            os.replace(next_path, path)
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
            if session.interrupted_recorded:
                _remove_quietly(*(marker.path for marker in interrupted))
        finally:
            _remove_quietly(own_marker)


@contextlib.contextmanager
def _postgres_writer(url: str, lock_timeout_seconds: float = WRITER_LOCK_TIMEOUT_SECONDS) -> Iterator[Warehouse]:
    engine = sa.create_engine(postgres_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            # polls, as the DuckDB file lock does: a writer gives up after lock_timeout_seconds, with a message
            deadline = time.monotonic() + lock_timeout_seconds
            while not connection.execute(sa.text("select pg_try_advisory_lock(:key)"),
                                         {"key": _PG_WRITER_LOCK_KEY}).scalar():
                connection.commit()
                if time.monotonic() > deadline:
                    raise WarehouseError(f"another cxpulse run is writing this PostgreSQL warehouse; waited "
                                         f"{lock_timeout_seconds:.0f} s")
                time.sleep(0.2)
            connection.commit()
            try:
                yield PostgresWarehouse(connection)
            finally:
                if connection.in_transaction():
                    connection.rollback()
                connection.execute(sa.text("select pg_advisory_unlock(:key)"), {"key": _PG_WRITER_LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()


@contextlib.contextmanager
def open_writer(url: str, lock_timeout_seconds: float = WRITER_LOCK_TIMEOUT_SECONDS,
                command: str = "write") -> Iterator[Warehouse]:
    """A writing session. On DuckDB its changes become visible only when it ends without error."""
    if dialect_of(url) == "duckdb":
        path = duckdb_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        with _duckdb_writer(path, lock_timeout_seconds, command) as warehouse:
            yield warehouse
    else:
        with _postgres_writer(url, lock_timeout_seconds) as warehouse:
            yield warehouse


# ---------------------------------------------------------------- readers


@dataclass
class _OpenFile:
    identity: tuple[int, int]
    connection: duckdb.DuckDBPyConnection


def reader_config(environ: Mapping[str, str]) -> dict[str, str | int]:
    """The DuckDB settings of a read-only connection: its memory cap and threads, from the environment (pure)."""
    threads = environ.get(READER_THREADS_ENV, "").strip()
    if threads and not (threads.isdigit() and int(threads) > 0):
        raise WarehouseError(f"{READER_THREADS_ENV} must be a whole number of threads above 0, not {threads!r}")
    return {"memory_limit": environ.get(READER_MEMORY_LIMIT_ENV, "").strip() or DEFAULT_READER_MEMORY_LIMIT,
            "threads": int(threads) if threads else os.cpu_count() or 2}


class Reader:
    """Read-only queries for the dashboard and `cxpulse status`; safe to share across threads."""

    def __init__(self, url: str, retries: int = 5) -> None:
        self.url = url
        self.dialect: Dialect = dialect_of(url)
        self._retries = retries
        self._lock = threading.Lock()
        self._open: _OpenFile | None = None
        self._engine: sa.Engine | None = None

    def _duckdb_connection(self) -> duckdb.DuckDBPyConnection:
        path = duckdb_path(self.url)
        try:
            stat = path.stat()
        except FileNotFoundError as error:
            raise WarehouseMissing(f"no warehouse at {path}: run `cxpulse run` first") from error
        identity = (stat.st_ino, stat.st_mtime_ns)
        with self._lock:
            if self._open is None or self._open.identity != identity:
                if self._open is not None:
                    self._open.connection.close()
                    self._open = None
                connection = duckdb.connect(str(path), read_only=True)
                # SET after connecting, not config= at connect: DuckDB refuses a second connection to the same
                # file in one process with a different config (the settings are the file's instance's anyway)
                for setting, value in reader_config(os.environ).items():
                    connection.execute(f"set {setting} = ?", [value])
                self._open = _OpenFile(identity, connection)
            return self._open.connection

    def _duckdb_query(self, sql: str, params: Mapping[str, Any] | None) -> pd.DataFrame:
        for attempt in range(self._retries):
            try:
                cursor = self._duckdb_connection().cursor()
                try:
                    return cursor.execute(dialect.duckdb_params(sql), dict(params or {})).df()
                finally:
                    cursor.close()
            except duckdb.IOException:
                if attempt == self._retries - 1:
                    raise
                with self._lock:
                    if self._open is not None:
                        self._open.connection.close()
                        self._open = None
                time.sleep(0.05 * (attempt + 1))
        raise WarehouseError("unreachable")  # pragma: no cover

    def _postgres_query(self, sql: str, params: Mapping[str, Any] | None) -> pd.DataFrame:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = sa.create_engine(postgres_url(self.url), pool_size=4, pool_pre_ping=True)
        for attempt in range(self._retries):
            try:
                with self._engine.connect() as connection:
                    result = connection.execute(sa.text(sql), dict(params or {}))
                    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
                return _frame_from_decimals(frame)
            except sa.exc.OperationalError as error:
                # a read that meets a build's swap (which takes its tables' locks one by one) can be chosen as
                # the victim of a deadlock: it changed nothing, so it reads again, as the DuckDB reader does
                # when the file is replaced under it
                if not isinstance(error.orig, psycopg.errors.DeadlockDetected) or attempt == self._retries - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise WarehouseError("unreachable")  # pragma: no cover

    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        if self.dialect == "duckdb":
            return self._duckdb_query(sql, params)
        return self._postgres_query(sql, params)

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        frame = self.query_df(sql, params)
        return None if frame.empty else frame.iat[0, 0]

    def close(self) -> None:
        with self._lock:
            if self._open is not None:
                self._open.connection.close()
                self._open = None
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


def open_reader(url: str) -> Reader:
    return Reader(url)
