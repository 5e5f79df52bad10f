"""A run killed mid-way is found at the next start: marked "interrupted" with an end time, its leftovers
(`__next` tables on PostgreSQL, the `.next` working copy on DuckDB) removed, the built models untouched.

Issue 11: killed runs stayed "running" forever in ops.runs on PostgreSQL and left `__next` tables and `.next`
files behind until the next run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from etl.cli import app
from etl.warehouse import duckdb_path, open_reader, open_writer
from tests.conftest import FIXTURES

SMALL = FIXTURES / "canonical_small"
BEFORE = 7  # canonical_small holds 7 interactions
EXTRA_CONTACTS = 60_000
runner = CliRunner(env={"COLUMNS": "250"})


def _config(tmp_path: Path, url: str, source: Path) -> Path:
    config = tmp_path / "cxpulse.toml"
    config.write_text(
        f'[warehouse]\nurl = "{url}"\n[ingest]\nmax_rejected_share = 0.5\n'
        f'[[sources]]\nname = "fixture"\nformat = "canonical"\npath = "{source}"\n',
        encoding="utf-8",
    )
    return config


def _cxpulse_run(config: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "CXPULSE_WAREHOUSE_URL"}
    return subprocess.Popen([sys.executable, "-m", "etl.cli", "run", "--quiet", "--config", str(config)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _next_tables(url: str) -> list[str]:
    frame = _query(url, "select table_name from information_schema.tables where table_name like '%\\_\\_next'"
                        " escape '\\'")
    return sorted(frame["table_name"])


def _duckdb_leftovers(url: str) -> list[str]:
    path = duckdb_path(url)
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + ".")
                  and not p.name.endswith(".lock"))


def _killed_mid_build(url: str, config: Path) -> None:
    """Start a run that loads 60,000 more contacts and SIGKILL it once it is building models."""
    run = _cxpulse_run(config)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            assert run.poll() is None, f"the run ended before it could be killed: {run.stderr.read()!r}"
            if url.startswith("duckdb:"):
                # the working copy exists from the start; the run marker says which process writes it
                building = any(".next" in name for name in _duckdb_leftovers(url)) and any(
                    ".run." in name for name in _duckdb_leftovers(url))
            else:
                building = bool(_next_tables(url))
            if building:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the run never reached the build")
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)


def _wait_until_the_killed_backend_ends(url: str) -> None:
    """A killed client's PostgreSQL backend keeps the writer lock until its running statement ends.

    The server notices the closed socket only between statements, so `status` right after the kill would rightly
    say "a run is writing the warehouse now". Wait (up to 120 s) until no session of this database holds an
    advisory lock, as a person would who reads that line and tries again.
    """
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        held = _query(url, "select count(*) as n from pg_locks l join pg_database d on d.oid = l.database"
                           " where l.locktype = 'advisory' and d.datname = current_database()")
        if int(held.at[0, "n"]) == 0:
            return
        time.sleep(0.2)
    raise AssertionError("the killed run's backend still holds the writer lock after 120 s")


def _prepared(tmp_path: Path, url: str) -> Path:
    source = tmp_path / "exports"
    shutil.copytree(SMALL, source)
    config = _config(tmp_path, url, source)
    first = runner.invoke(app, ["run", "--quiet", "--config", str(config)])
    assert first.exit_code == 0, first.output
    lines = ["interaction_id,channel,customer_id,queue_id,status,created_at,updated_at"]
    lines += [f"X{n},email,C1,Q3,open,2026-06-{1 + n % 28:02d}T10:00:00Z,2026-06-{1 + n % 28:02d}T10:00:00Z"
              for n in range(EXTRA_CONTACTS)]
    (source / "interactions-2026-06.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def test_status_after_a_killed_run_marks_it_interrupted_and_cleans_up(tmp_path: Path, warehouse_url: str) -> None:
    config = _prepared(tmp_path, warehouse_url)
    models_before = _query(warehouse_url, "select interaction_id, status from core.fct_interactions"
                                          " order by interaction_id")
    assert len(models_before) == BEFORE
    _killed_mid_build(warehouse_url, config)

    if warehouse_url.startswith("duckdb:"):
        assert any(name.endswith(".next") for name in _duckdb_leftovers(warehouse_url))
    else:
        assert _next_tables(warehouse_url)
        running = _query(warehouse_url, "select count(*) as n from ops.runs where status = 'running'")
        assert int(running.at[0, "n"]) == 1  # what a killed run leaves: "running" forever
        _wait_until_the_killed_backend_ends(warehouse_url)

    status = runner.invoke(app, ["status", "--config", str(config)])
    assert status.exit_code == 0, status.output
    assert "interrupted" in status.output
    assert "1 run(s) found interrupted" in status.output
    if warehouse_url.startswith("duckdb:"):
        # the working copy and its WAL are gone; the marker stays until a run records it in ops.runs
        assert [n for n in _duckdb_leftovers(warehouse_url) if ".run." not in n] == []
    else:
        assert _next_tables(warehouse_url) == []
        runs = _query(warehouse_url, "select status, finished_at, message from ops.runs order by run_id")
        assert list(runs["status"]) == ["succeeded", "interrupted"]
        assert runs["finished_at"].notna().all()
        assert "the process ended before the run finished" in runs.at[1, "message"]
    # the models are the ones built before the killed run
    after = _query(warehouse_url, "select interaction_id, status from core.fct_interactions order by interaction_id")
    pd.testing.assert_frame_equal(after, models_before)

    again = runner.invoke(app, ["run", "--quiet", "--config", str(config)])
    assert again.exit_code == 0, again.output
    runs = _query(warehouse_url, "select status, finished_at from ops.runs order by started_at, run_id")
    # first run, the killed one (interrupted, with an end time), the run after it
    assert sorted(runs["status"]) == ["interrupted", "succeeded", "succeeded"]
    assert runs["finished_at"].notna().all()
    assert _next_tables(warehouse_url) == []
    if warehouse_url.startswith("duckdb:"):
        assert _duckdb_leftovers(warehouse_url) == []
    count = _query(warehouse_url, "select count(*) as n from core.fct_interactions")
    assert int(count.at[0, "n"]) == BEFORE + EXTRA_CONTACTS


def test_the_state_a_kill_leaves_is_settled_by_the_next_writer(tmp_path: Path, warehouse_url: str) -> None:
    """Left as a kill leaves it, without a kill: a run row 'running' of a process that is gone, a `__next`
    table (PostgreSQL) or a working copy and run marker (DuckDB)."""
    config = _prepared(tmp_path, warehouse_url)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead_pid = int(gone.stdout)
    if warehouse_url.startswith("duckdb:"):
        path = duckdb_path(warehouse_url).resolve()
        (path.parent / f"{path.name}.next").write_bytes(b"half a copy")
        (path.parent / f"{path.name}.run.elsewhere.{dead_pid}").write_text(
            f'{{"pid": {dead_pid}, "host": "elsewhere", "started_at": "2026-12-01 10:00:00", "command": "run"}}',
            encoding="utf-8")
    else:
        with open_writer(warehouse_url) as warehouse:
            warehouse.execute("insert into ops.runs (run_id, command, started_at, status, pid, host) values"
                              " (99, 'run', '2026-12-01 10:00:00', 'running', :pid, 'elsewhere')", {"pid": dead_pid})
            warehouse.execute("create table core.fct_interactions__next as select * from core.fct_interactions")

    ingest = runner.invoke(app, ["ingest", "--quiet", "--config", str(config)])
    assert ingest.exit_code == 0, ingest.output
    runs = _query(warehouse_url, "select command, status, started_at, finished_at, message from ops.runs"
                                 " where status = 'interrupted'")
    assert len(runs) == 1
    assert runs.at[0, "command"] == "run"
    assert pd.Timestamp(runs.at[0, "started_at"]) == pd.Timestamp("2026-12-01 10:00:00")
    assert pd.notna(runs.at[0, "finished_at"])
    assert f"(pid {dead_pid} on elsewhere)" in runs.at[0, "message"]
    assert _next_tables(warehouse_url) == []
    if warehouse_url.startswith("duckdb:"):
        assert _duckdb_leftovers(warehouse_url) == []
    running = _query(warehouse_url, "select count(*) as n from ops.runs where status = 'running'")
    assert int(running.at[0, "n"]) == 0
