"""One run of the pipeline: ingest, build, enrich, in one writing session, recorded in `ops.runs`.

On DuckDB the whole run is invisible to readers until it succeeds (the session works on a copy of the file);
on PostgreSQL each file's batch commits on its own and the models are swapped in together at the end.

A successful run that ingests the configured sources, builds and enriches (or builds and enriches) records the
fingerprint of its inputs (etl/run_fingerprint.py) as it finishes; with `skip_if_unchanged`, a run whose inputs
match the last recorded fingerprint does nothing: no lock, no copy, no row written.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from etl.audit_log import copy_sidecar_events
from etl.build import BuildReport, build
from etl.config import Settings, SourceConfig
from etl.enrich.steps import EnrichmentStep
from etl.interrupted_runs import settle_interrupted_runs
from etl.load import FAILED as FILE_FAILED
from etl.load import LOADED, PARTIAL, FileReport, bootstrap, ingest, next_id, utc_now
from etl.run_fingerprint import Fingerprint, RecordedRun, check_before_run, current_fingerprint, record_fingerprint
from etl.run_status import COMPLETED_WITH_ERRORS, FAILED, SUCCEEDED
from etl.warehouse import Warehouse, open_writer


class Progress(Protocol):
    def step(self, description: str, total: int | None = None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


@dataclass
class RunResult:
    run_id: int
    command: str
    status: str = SUCCEEDED
    files: list[FileReport] = field(default_factory=list)
    build: BuildReport | None = None
    messages_scored: int = 0
    problems: list[str] = field(default_factory=list)
    unchanged_since: RecordedRun | None = None
    """The earlier run nothing changed since, when this one did no work (then run_id is that run's)."""
    changed: tuple[str, ...] = ()
    """What the check before the run found changed since the last recorded run (empty when not checked)."""

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def exit_code(self) -> int:
        return 0 if self.status == SUCCEEDED else 1


def _problems(files: list[FileReport], max_rejected_share: float) -> list[str]:
    """One line per file that lost anything (failed, or records unrecoverable) or quarantined more of its
    source records than the threshold allows; each names the file. Any of them makes the run exit non-zero."""
    problems = []
    for f in files:
        if f.status == FILE_FAILED:
            problems.append(f"{f.path}: {f.error}")
        elif f.records_unrecoverable:
            problems.append(f"{f.path}: {f.records_unrecoverable} record(s) unrecoverable ({f.error});"
                            f" {f.rows_loaded} rows loaded, {f.rows_rejected} quarantined")
        if f.status in (LOADED, PARTIAL) and f.rejected_share > max_rejected_share:
            problems.append(
                f"{f.path}: {f.source_records_rejected} of {f.source_records_read} records rejected"
                f" ({f.rejected_share:.1%}), over the threshold of {max_rejected_share:.1%} (records as exported:"
                " a record that fans out into several rows counts once)"
            )
    return problems


def _start_run(warehouse: Warehouse, command: str) -> int:
    bootstrap(warehouse)
    settle_interrupted_runs(warehouse)  # runs killed before this one: marked interrupted, leftovers dropped
    run_id = next_id(warehouse, "ops.runs", "run_id")
    warehouse.execute(
        "insert into ops.runs (run_id, command, started_at, status, pid, host)"
        " values (:run, :command, :now, 'running', :pid, :host)",
        {"run": run_id, "command": command, "now": utc_now(), "pid": os.getpid(), "host": socket.gethostname()},
    )
    return run_id


def _finish_run(warehouse: Warehouse, result: RunResult, message: str | None) -> None:
    warehouse.execute(
        "update ops.runs set finished_at = :now, status = :status, message = :message, rows_loaded = :loaded,"
        " rows_rejected = :rejected where run_id = :run",
        {"now": utc_now(), "status": result.status, "message": message, "loaded": result.rows_loaded,
         "rejected": result.rows_rejected, "run": result.run_id},
    )


def _fingerprint_at_start(warehouse: Warehouse, settings: Settings, with_files: bool) -> Fingerprint | None:
    """The inputs as the run starts (under the writer lock, before it reads a file); None when they cannot be
    listed (a source's folder is missing: the ingest reports it, and the run records no fingerprint)."""
    try:
        return current_fingerprint(warehouse, settings, with_files=with_files)
    except (OSError, ValueError):
        return None


def _record_failure(settings: Settings, command: str, error: BaseException) -> None:
    """After a failed DuckDB session its copy is discarded: note the failure in a session of its own."""
    with contextlib.suppress(Exception), open_writer(settings.warehouse_url, command=command) as warehouse:
        run_id = _start_run(warehouse, command)
        failed = RunResult(run_id=run_id, command=command, status=FAILED)
        _finish_run(warehouse, failed, f"{type(error).__name__}: {error}")


def run_pipeline(settings: Settings, command: str, *, do_ingest: bool = True, do_build: bool = True,
                 do_enrich: bool = True, sources: Iterable[SourceConfig] | None = None,
                 progress: Progress | None = None,
                 hook: Callable[[str], None] | None = None, skip_if_unchanged: bool = False) -> RunResult:
    """Run the chosen steps in one writing session. `hook(step)` is for tests that interrupt a run.

    With `skip_if_unchanged`, a run that would record a fingerprint first checks, on a read-only connection,
    whether anything changed since the last one; if nothing did it returns at once (`unchanged_since`)."""
    fingerprinted = do_build and do_enrich and sources is None
    changed: tuple[str, ...] = ()
    if skip_if_unchanged and fingerprinted:
        check = check_before_run(settings, with_files=do_ingest)
        if check.unchanged_since is not None:
            return RunResult(run_id=check.unchanged_since.run_id, command=command,
                             unchanged_since=check.unchanged_since)
        changed = check.changed
    try:
        with open_writer(settings.warehouse_url, command=command) as warehouse:
            run_id = _start_run(warehouse, command)
            fingerprint = _fingerprint_at_start(warehouse, settings, do_ingest) if fingerprinted else None
            copy_sidecar_events(warehouse, settings.warehouse_url)  # the app's audit events (DuckDB sidecar)
            result = RunResult(run_id=run_id, command=command, changed=changed)
            if do_ingest:
                if progress:
                    progress.step("Loading export files")
                result.files = ingest(warehouse, settings, run_id, sources,
                                      (lambda _name, n: progress.advance(n)) if progress else None)
                result.problems = _problems(result.files, settings.max_rejected_share)
                if hook:
                    hook("ingested")
            if do_build:
                if progress:
                    progress.step("Building models")

                def on_step(step: EnrichmentStep) -> None:
                    if progress:
                        progress.step(step.description)
                    if hook:
                        hook(f"step:{step.name}")

                result.build = build(warehouse, settings, run_id, enrich=do_enrich,
                                     on_model=(lambda _m: progress.advance(1)) if progress else None,
                                     on_step=on_step,
                                     progress=(lambda n: progress.advance(n)) if progress else None)
                result.messages_scored = int(result.build.step_results.get("message_sentiment", 0) or 0)
                if hook:
                    hook("enriched")
                    hook("built")
            if result.problems:
                result.status = COMPLETED_WITH_ERRORS
            with warehouse.transaction():  # the fingerprint and the run's success, together or not at all
                if fingerprint is not None and result.status == SUCCEEDED:
                    record_fingerprint(warehouse, run_id, command, fingerprint)
                _finish_run(warehouse, result, "\n".join(result.problems) or None)
        return result
    except BaseException as error:
        if settings.warehouse_url.startswith("duckdb:"):
            _record_failure(settings, command, error)
        else:
            _mark_postgres_failure(settings, error)
        raise


def _mark_postgres_failure(settings: Settings, error: BaseException) -> None:
    with contextlib.suppress(Exception), open_writer(settings.warehouse_url, lock_timeout_seconds=5) as warehouse:
        warehouse.execute(
            "update ops.runs set finished_at = :now, status = :status, message = :message where status = 'running'",
            {"now": utc_now(), "status": FAILED, "message": f"{type(error).__name__}: {error}"},
        )
