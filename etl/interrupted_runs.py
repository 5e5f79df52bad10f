"""Runs whose process was killed: found at the next start, marked "interrupted", their leftovers removed.

A killed run cannot say so itself. What it leaves: on PostgreSQL a 'running' row in `ops.runs` and models
half-built under their temporary `__next` names; on DuckDB its working copy `<file>.next` (+ `.wal`) and its
run marker `<file>.run.<host>.<pid>` (the live file never saw the run). Whoever holds the writer lock next
knows that no such run is alive: the lock (PostgreSQL advisory lock, DuckDB lock file) is released by the
operating system or the server when its holder dies. So:

- every writing session, when it starts (`settle_interrupted_runs`), marks them "interrupted" with an end
  time and drops orphan `__next` tables;
- `cxpulse status` and `cxpulse serve` (`recover_interrupted_runs`) do the same when no writer is running,
  without waiting for one; on DuckDB they only remove the leftover files (writing the live file would need a
  full copy) and report the markers, which the next writing session records in `ops.runs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from etl.load import next_id, utc_now
from etl.run_status import INTERRUPTED, RUNNING
from etl.warehouse import (
    DuckDBWarehouse,
    RunMarker,
    Warehouse,
    check_identifier,
    dialect_of,
    duckdb_lock_if_free,
    duckdb_path,
    leftover_files,
    postgres_writer_if_free,
    read_run_markers,
)

WHY = "the process ended before the run finished (killed, or its connection lost)"


@dataclass
class Recovery:
    runs_marked: int = 0
    tables_dropped: list[str] = field(default_factory=list)
    files_removed: list[Path] = field(default_factory=list)
    pending: list[RunMarker] = field(default_factory=list)
    """DuckDB runs found interrupted but not yet in ops.runs (the next writing session records them)."""
    writer_running: bool = False


def orphan_next_tables(warehouse: Warehouse) -> list[str]:
    from etl.build import LAYER_SCHEMAS, NEXT_SUFFIX

    frame = warehouse.query_df(
        "select table_schema, table_name from information_schema.tables where table_schema = any(:schemas)"
        " and table_name like :pattern escape '\\' order by table_schema, table_name",
        {"schemas": sorted(set(LAYER_SCHEMAS.values())), "pattern": "%" + NEXT_SUFFIX.replace("_", "\\_")},
    )
    return [check_identifier(f"{schema}.{table}") for schema, table in frame.itertuples(index=False)]


def settle_interrupted_runs(warehouse: Warehouse) -> Recovery:
    """In a session that holds the writer lock, before it records its own run: no other run is alive, so
    every 'running' row and every `__next` table is a killed run's."""
    recovery = Recovery()
    now = utc_now()
    with warehouse.transaction():
        if warehouse.table_exists("ops.runs"):
            for column, sql_type in (("pid", "bigint"), ("host", "text")):  # warehouses from before they existed
                warehouse.execute(f"alter table ops.runs add column if not exists {column} {sql_type}")
            recovery.runs_marked = int(warehouse.scalar(
                "select count(*) from ops.runs where status = :running", {"running": RUNNING}) or 0)
            warehouse.execute(
                "update ops.runs set status = :interrupted, finished_at = :now,"
                " message = coalesce(message || ' | ', '') || :why || ' (pid ' || coalesce(cast(pid as text), '?')"
                " || ' on ' || coalesce(host, '?') || ')' where status = :running",
                {"interrupted": INTERRUPTED, "now": now, "why": WHY, "running": RUNNING},
            )
            if isinstance(warehouse, DuckDBWarehouse) and warehouse.interrupted:
                for marker in warehouse.interrupted:
                    warehouse.execute(
                        "insert into ops.runs (run_id, command, started_at, finished_at, status, message, pid, host)"
                        " values (:run, :command, :started, :now, :status, :message, :pid, :host)",
                        {"run": next_id(warehouse, "ops.runs", "run_id"), "command": marker.command or "?",
                         "started": marker.started_at or now, "now": now, "status": INTERRUPTED,
                         "message": f"{WHY} (pid {marker.pid} on {marker.host})", "pid": marker.pid,
                         "host": marker.host},
                    )
                    recovery.runs_marked += 1
                warehouse.interrupted_recorded = True
        for table in orphan_next_tables(warehouse):
            warehouse.execute(f"drop table if exists {table}")
            recovery.tables_dropped.append(table)
    return recovery


def recover_interrupted_runs(url: str) -> Recovery:
    """For commands that read the warehouse: settle a killed run's leftovers when no writer is running now."""
    if dialect_of(url) == "duckdb":
        path = duckdb_path(url).resolve()
        with duckdb_lock_if_free(path) as free:
            if not free:
                return Recovery(writer_running=True)
            recovery = Recovery(pending=read_run_markers(path))
            for leftover in leftover_files(path):
                leftover.unlink(missing_ok=True)
                recovery.files_removed.append(leftover)
            return recovery
    with postgres_writer_if_free(url) as warehouse:
        if warehouse is None:
            return Recovery(writer_running=True)
        return settle_interrupted_runs(warehouse)
