"""Nothing to do, nothing done (etl/run_fingerprint.py): a second run of unchanged input does no work, on DuckDB
and PostgreSQL; new file content, a model text or a setting makes it work; a failed run records no fingerprint.

The pure parts are checked on hand-made stats and texts; the rest on tests/fixtures/canonical_small copied to a
temporary folder (so one file can be changed), through the real pipeline."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from etl.build import SQL_DIR
from etl.config import Settings
from etl.pipeline import run_pipeline
from etl.run_fingerprint import FileStat, check_before_run, digest_of_texts, files_unchanged, settings_text
from etl.warehouse import dialect_of, duckdb_path, leftover_files
from tests.conftest import FIXTURES, make_settings, query_frame

RECORDED = (FileStat("s", "/in/a.csv", 10, 100, "digest-a"), FileStat("s", "/in/b.csv", 20, 200, "digest-b"))


def _asking(answer: str, asked: list[str]):
    def digest_of(path: str) -> str:
        asked.append(path)
        return answer
    return digest_of


def test_same_stats_are_unchanged_without_reading_a_file() -> None:
    asked: list[str] = []
    current = [FileStat("s", "/in/a.csv", 10, 100), FileStat("s", "/in/b.csv", 20, 200)]
    assert files_unchanged(RECORDED, current, _asking("never", asked))
    assert asked == []


def test_a_touched_file_is_read_and_unchanged_only_with_the_same_content() -> None:
    current = [FileStat("s", "/in/a.csv", 10, 100), FileStat("s", "/in/b.csv", 20, 201)]
    asked: list[str] = []
    assert files_unchanged(RECORDED, current, _asking("digest-b", asked))
    assert asked == ["/in/b.csv"]
    assert not files_unchanged(RECORDED, current, _asking("digest-new", []))


def test_a_file_more_or_less_is_a_change() -> None:
    same = [FileStat("s", "/in/a.csv", 10, 100), FileStat("s", "/in/b.csv", 20, 200)]
    assert not files_unchanged(RECORDED, same[:1], _asking("never", []))
    assert not files_unchanged(RECORDED, [*same, FileStat("s", "/in/c.csv", 1, 1)], _asking("never", []))


def test_texts_digest_ignores_order_but_not_where_a_name_ends() -> None:
    assert digest_of_texts([("a", b"1"), ("b", b"2")]) == digest_of_texts([("b", b"2"), ("a", b"1")])
    assert digest_of_texts([("a", b"bc")]) != digest_of_texts([("ab", b"c")])


def test_settings_text_leaves_out_where_the_warehouse_is(tmp_path: Path) -> None:
    here = make_settings("duckdb:////tmp/one.duckdb", tmp_path)
    there = make_settings("duckdb:////tmp/two.duckdb", tmp_path)
    stricter = make_settings("duckdb:////tmp/one.duckdb", tmp_path, metrics={"service_level_seconds": 30})
    assert settings_text(here) == settings_text(there)
    assert settings_text(here) != settings_text(stricter)


def _counts(url: str) -> tuple[int, int, int]:
    frame = query_frame(url, "select (select count(*) from ops.runs) as runs, (select count(*) from ops.file_loads)"
                             " as file_loads, (select count(*) from ops.model_builds) as model_builds")
    return tuple(int(v) for v in frame.iloc[0])  # type: ignore[return-value]


def _file_identity(url: str) -> tuple[int, int] | None:
    """The DuckDB file's inode and mtime: a run that copied and swapped the file changes both."""
    if dialect_of(url) != "duckdb":
        return None
    stat = duckdb_path(url).stat()
    return stat.st_ino, stat.st_mtime_ns


def _working_copies(url: str) -> list[Path]:
    """A DuckDB writer's `.next` copy (and its WAL) beside the file; none on PostgreSQL."""
    return leftover_files(duckdb_path(url).resolve()) if dialect_of(url) == "duckdb" else []


def _fail_at_ingested(step: str) -> None:
    if step == "ingested":
        raise RuntimeError("stopped by the test")


def _run(settings: Settings, **options: object):
    return run_pipeline(settings, "run", skip_if_unchanged=True, **options)  # type: ignore[arg-type]


def test_second_run_does_nothing_until_something_changes(warehouse_url: str, tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    shutil.copytree(FIXTURES / "canonical_small", exports)
    settings = make_settings(warehouse_url, exports)

    first = _run(settings)
    assert (first.run_id, first.unchanged_since, len(first.files)) == (1, None, 8)
    before, identity = _counts(warehouse_url), _file_identity(warehouse_url)

    second = _run(settings)
    assert second.unchanged_since is not None
    assert (second.run_id, second.exit_code, second.files) == (1, 0, [])
    assert _counts(warehouse_url) == before  # no ops.runs, ops.file_loads or ops.model_builds row
    assert _file_identity(warehouse_url) == identity  # DuckDB: not copied, not swapped
    assert _working_copies(warehouse_url) == []

    queues = exports / "queues.csv"
    stat = queues.stat()
    os.utime(queues, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # touched, same content
    assert check_before_run(settings, with_files=True).unchanged_since.run_id == 1  # type: ignore[union-attr]
    assert check_before_run(settings, with_files=False).unchanged_since.run_id == 1  # type: ignore[union-attr]

    stricter = make_settings(warehouse_url, exports, metrics={"service_level_seconds": 30})
    assert check_before_run(stricter, with_files=True).changed == ("settings",)
    models = tmp_path / "sql"
    shutil.copytree(SQL_DIR, models)
    model = sorted((models / "marts").rglob("*.sql"))[0]
    model.write_text(model.read_text(encoding="utf-8") + "\n-- one more comment\n", encoding="utf-8")
    assert check_before_run(settings, with_files=True, sql_dir=models).changed == ("models",)
    with open(queues, "a", encoding="utf-8") as handle:
        handle.write("Q4,Retention voice,voice,Billing,2026-04-01T00:00:00Z\n")
    assert check_before_run(settings, with_files=True).changed == ("input files",)
    assert check_before_run(settings, with_files=False).unchanged_since.run_id == 1  # type: ignore[union-attr]

    with pytest.raises(RuntimeError, match="stopped by the test"):
        run_pipeline(settings, "run", hook=_fail_at_ingested)  # run 2 fails after loading queues.csv
    assert query_frame(warehouse_url, "select run_id from ops.run_fingerprints")["run_id"].tolist() == [1]
    assert check_before_run(settings, with_files=True).changed == ("runs after run 1", "input files")
    assert check_before_run(settings, with_files=False).changed == ("runs after run 1",)
