"""Nothing to do, nothing done: what a run's result depends on, and whether any of it changed since the last run.

A successful `cxpulse run` (or `cxpulse build` with enrichment) records a fingerprint of its inputs in
`ops.run_fingerprints` (and the input files in `ops.run_fingerprint_files`), in the same transaction that marks
the run succeeded, so a run that fails or is killed never records one. The next run computes the fingerprint
again on a read-only connection, before it takes the writer lock or copies anything, and does no work when
nothing changed:

- the input files: each planned file's path, size and mtime_ns; a file whose size or mtime changed is read and
  its SHA-256 compared with the one recorded (touched but unchanged is unchanged);
- the model texts: every file under `sql/` (models, their `_models*.yml`, macros, contracts);
- the settings that reach the build (every setting but where the warehouse and the config file are), the files
  they name (taxonomy and the files it extends, mapping specs);
- the calibration the detectors apply (its version, which `latest` reads from `ops.detector_calibrations`, and
  its thresholds), and the people's labels the steps learn from (`feedback.labels`);
- the code of `etl/` (parsers, runner, steps, shipped taxonomy packs): the enrichment versions
  (`ANALYZER_VERSION`, `SIGNALS_VERSION`, `CHURN_MODEL_VERSION`, ...) are constants of that code, so a new
  version, like any upgrade, changes this digest (read as text: the check imports no model library).

And the run that recorded it must be the last run of the warehouse (an `ingest`, a failed run, a run killed on
PostgreSQL or a DuckDB writer's leftover marker all come after it), so a no-op never hides work left undone.

The digests are pure functions of texts and stats (`digest_of_texts`, `settings_text`, `files_unchanged`); the
reading of files and of the warehouse sits in the functions at the bottom.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from etl.build import SQL_DIR
from etl.calibration import Queryable, active_version_name, has_table, stored_versions
from etl.config import Settings
from etl.intents.taxonomy import load_taxonomy
from etl.load import file_digest, plan_files
from etl.run_status import SUCCEEDED
from etl.sources import kinds_for_source
from etl.warehouse import (
    Warehouse,
    dialect_of,
    duckdb_path,
    leftover_files,
    open_reader,
    read_run_markers,
)

ETL_DIR = Path(__file__).resolve().parent
FINGERPRINT_TABLE = "ops.run_fingerprints"
FINGERPRINT_FILES_TABLE = "ops.run_fingerprint_files"
COMPONENTS = ("models", "settings", "calibration", "labels", "code")
"""The parts of a fingerprint besides the input files, each one digest (column `<part>_digest`)."""
LEFT_OUT_SETTINGS = ("warehouse_url", "config_path")
"""Where the warehouse and the config file are: they do not change what a run builds."""


@dataclass(frozen=True)
class FileStat:
    """One input file as a run planned it: its stats and (once known) its content digest."""

    source_name: str
    path: str
    size_bytes: int
    mtime_ns: int
    digest: str | None = None


@dataclass(frozen=True)
class Fingerprint:
    """What a run depends on. `files` is None for a run that does not ingest (`cxpulse build`)."""

    components: Mapping[str, str]
    files: tuple[FileStat, ...] | None


@dataclass(frozen=True)
class RecordedRun:
    """The run that recorded the fingerprint last, and whether it is still the warehouse's latest run."""

    run_id: int
    command: str
    finished_at: dt.datetime | None
    is_latest: bool
    fingerprint: Fingerprint


# ---------------------------------------------------------------- pure functions


def digest_of_texts(texts: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 over named texts in name order; a name and a text never run into the next pair."""
    digest = hashlib.sha256()
    for name, text in sorted(texts):
        for part in (name.encode("utf-8"), text):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """A value as JSON-able data with a fixed order (sets sorted, mappings by key, paths as text)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda item: str(item[0]))}
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def settings_text(settings: Settings) -> str:
    """The settings that reach a run, as one canonical text (the warehouse's and config file's places left out)."""
    data = _plain(settings)
    for name in LEFT_OUT_SETTINGS:
        data.pop(name, None)
    return json.dumps(data, sort_keys=True)


def files_unchanged(recorded: Sequence[FileStat], current: Sequence[FileStat],
                    digest_of: Callable[[str], str]) -> bool:
    """Whether the current files are the recorded ones: the same set of (source, path), each with the same
    size and mtime or, when those changed, the same content (`digest_of(path)` is asked only then)."""
    by_key = {(f.source_name, f.path): f for f in recorded}
    if len(by_key) != len(current) or {(f.source_name, f.path) for f in current} != set(by_key):
        return False
    for now in current:
        then = by_key[(now.source_name, now.path)]
        if (now.size_bytes, now.mtime_ns) == (then.size_bytes, then.mtime_ns):
            continue
        if then.digest is None or digest_of(now.path) != then.digest:
            return False
    return True


def changed_parts(recorded: Fingerprint, current: Fingerprint, digest_of: Callable[[str], str]) -> list[str]:
    """What differs between a recorded fingerprint and the current one (empty: nothing changed). Files are
    compared when the current run ingests; a recorded run that did not ingest cannot vouch for them."""
    changed = [part for part in COMPONENTS if recorded.components.get(part) != current.components.get(part)]
    if current.files is not None and (
        recorded.files is None or not files_unchanged(recorded.files, current.files, digest_of)
    ):
        changed.insert(0, "input files")
    return changed


# ---------------------------------------------------------------- reading files


def _file_texts(folder: Path, patterns: tuple[str, ...]) -> list[tuple[str, bytes]]:
    return [(str(path.relative_to(folder)), path.read_bytes())
            for pattern in patterns for path in folder.rglob(pattern) if path.is_file()
            and "__pycache__" not in path.parts]


def _settings_files(settings: Settings) -> list[tuple[str, bytes]]:
    """The files settings name: the taxonomy (with what it extends) and the sources' mapping specs."""
    try:
        paths = list(load_taxonomy(settings.intents.taxonomy).files)
    except Exception as error:  # the run itself will say what is wrong; here it only must not look unchanged
        return [("taxonomy error", f"{type(error).__name__}: {error}".encode())]
    paths += [Path(str(source.options["mapping"])) for source in settings.sources if "mapping" in source.options]
    return [(str(path), path.read_bytes() if path.is_file() else b"<missing>") for path in paths]


def planned_file_stats(settings: Settings) -> tuple[FileStat, ...]:
    """Every file the configured sources would load, with its size and mtime (no content read)."""
    stats = []
    for source in settings.sources:
        planned, _ignored = plan_files(source, kinds_for_source(source))
        for _kind, path in planned:
            stat = path.stat()
            stats.append(FileStat(source.name, str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(set(stats), key=lambda f: (f.source_name, f.path)))


def _labels_state(db: Queryable) -> str:
    if not has_table(db, "feedback.labels"):
        return "no labels table"
    frame = db.query_df("select count(*) as n, max(labelled_at) as latest, max(label_id) as last_id"
                        " from feedback.labels")
    return json.dumps([str(v) for v in frame.iloc[0].tolist()])


def _calibration_text(db: Queryable, settings: Settings) -> str:
    """The calibration the detectors apply: its version and stored thresholds (the shipped ones are code)."""
    rows = stored_versions(db)
    version = active_version_name(settings.detectors.calibration, list(dict.fromkeys(rows["calibration_version"])))
    chosen = rows[rows["calibration_version"] == version]
    return json.dumps([version, sorted((str(p), float(v)) for p, v in zip(chosen["parameter"], chosen["value"],
                                                                          strict=True))])


def current_fingerprint(db: Queryable, settings: Settings, *, with_files: bool, sql_dir: Path = SQL_DIR) -> Fingerprint:
    """The fingerprint of the inputs as they are now (`db`: the warehouse, for calibrations and labels)."""
    components = {
        "models": digest_of_texts(_file_texts(sql_dir, ("*",))),
        "settings": digest_of_texts([("settings", settings_text(settings).encode()), *_settings_files(settings)]),
        "calibration": digest_of_texts([("calibration", _calibration_text(db, settings).encode())]),
        "labels": digest_of_texts([("labels", _labels_state(db).encode())]),
        "code": digest_of_texts(_file_texts(ETL_DIR, ("*.py", "*.yml", "*.yaml", "*.json"))),
    }
    return Fingerprint(components, planned_file_stats(settings) if with_files else None)


def file_digest_of(path: str) -> str:
    return file_digest(Path(path))


# ---------------------------------------------------------------- the warehouse


def _timestamp(value: Any) -> dt.datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def recorded_run(db: Queryable) -> RecordedRun | None:
    """The fingerprint recorded last, with its run; None when there is none."""
    if not has_table(db, FINGERPRINT_TABLE):
        return None
    columns = ", ".join(f"f.{part}_digest" for part in COMPONENTS)
    frame = db.query_df(
        f"select f.run_id, f.command, f.with_files, r.finished_at, r.status, {columns},"
        " (select max(run_id) from ops.runs) as latest_run from ops.run_fingerprints f"
        " inner join ops.runs r on r.run_id = f.run_id order by f.run_id desc limit 1"
    )
    if frame.empty:
        return None
    row = frame.iloc[0]
    files = None
    if bool(row["with_files"]):
        listed = db.query_df("select source_name, source_file, size_bytes, mtime_ns, file_digest"
                             " from ops.run_fingerprint_files where run_id = :run", {"run": int(row["run_id"])})
        files = tuple(FileStat(str(s), str(p), int(b), int(m), None if d is None or pd.isna(d) else str(d))
                      for s, p, b, m, d in listed.itertuples(index=False))
    fingerprint = Fingerprint({part: str(row[f"{part}_digest"]) for part in COMPONENTS}, files)
    is_latest = int(row["latest_run"]) == int(row["run_id"]) and row["status"] == SUCCEEDED
    return RecordedRun(int(row["run_id"]), str(row["command"]), _timestamp(row["finished_at"]), is_latest,
                       fingerprint)


def _pending_writer(url: str) -> bool:
    """A DuckDB writer running now or killed (its marker or working copy beside the file)."""
    if dialect_of(url) != "duckdb":
        return False  # PostgreSQL: a running or killed run has a later row in ops.runs
    path = duckdb_path(url).resolve()
    return bool(read_run_markers(path) or leftover_files(path))


@dataclass(frozen=True)
class Check:
    """What the check before a run found: `unchanged_since` is the run nothing changed since (None: work to do),
    `changed` says what changed, `fingerprint` is the current one (for the run to record)."""

    fingerprint: Fingerprint | None
    unchanged_since: RecordedRun | None = None
    changed: tuple[str, ...] = ()


def check_before_run(settings: Settings, *, with_files: bool, sql_dir: Path = SQL_DIR) -> Check:
    """On a read-only connection, without the writer lock: the current fingerprint, and the recorded run it
    matches when nothing changed since. A warehouse that cannot be read yet (none built) has work to do."""
    url = settings.warehouse_url
    if dialect_of(url) == "duckdb" and not duckdb_path(url).exists():
        return Check(None, changed=("no warehouse yet",))
    reader = open_reader(url)
    try:
        current = current_fingerprint(reader, settings, with_files=with_files, sql_dir=sql_dir)
        recorded = recorded_run(reader)
    except Exception as error:  # the check only saves work: whatever stops it, the run does the work
        return Check(None, changed=(f"cannot check: {type(error).__name__}: {error}",))
    finally:
        reader.close()
    if recorded is None:
        return Check(current, changed=("no run recorded a fingerprint",))
    changed = changed_parts(recorded.fingerprint, current, file_digest_of)
    if not recorded.is_latest or _pending_writer(url):
        changed.insert(0, f"runs after run {recorded.run_id}")
    return Check(current, None if changed else recorded, tuple(changed))


def record_fingerprint(warehouse: Warehouse, run_id: int, command: str, fingerprint: Fingerprint) -> None:
    """Replace the recorded fingerprint by this run's, inside the caller's transaction. Each file's digest is
    the one its latest batch recorded (what was loaded), else read from the file."""
    files = fingerprint.files or ()
    loaded = warehouse.query_df("select source_file, file_digest from ops.batches order by batch_id")
    digests = dict(zip(loaded["source_file"].astype(str), loaded["file_digest"].astype(str), strict=True))
    warehouse.execute(f"delete from {FINGERPRINT_FILES_TABLE}")
    warehouse.execute(f"delete from {FINGERPRINT_TABLE}")
    columns = ", ".join(f"{part}_digest" for part in COMPONENTS)
    values = ", ".join(f":{part}" for part in COMPONENTS)
    warehouse.execute(
        f"insert into {FINGERPRINT_TABLE} (run_id, command, with_files, {columns}) values (:run, :command,"
        f" :with_files, {values})",
        {"run": run_id, "command": command, "with_files": fingerprint.files is not None, **fingerprint.components},
    )
    if files:
        frame = pd.DataFrame(
            [(run_id, f.source_name, f.path, f.size_bytes, f.mtime_ns, digests.get(f.path) or file_digest_of(f.path))
             for f in files],
            columns=["run_id", "source_name", "source_file", "size_bytes", "mtime_ns", "file_digest"],
        )
        warehouse.bulk_insert(FINGERPRINT_FILES_TABLE, frame)
