"""A reader and a loader at the same time, and a loader killed mid-run.

The loader runs as a real `cxpulse run` process; the reader queries the warehouse the way the dashboard does.
The reader must never fail, and must only ever see a complete state: the contacts in core equal the contacts
in the mart, and equal either the count before the run or the count after it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.warehouse import open_reader
from tests.conftest import FIXTURES

SMALL = FIXTURES / "canonical_small"
EXTRA_CONTACTS = 60_000
BEFORE = 7
AFTER = BEFORE + EXTRA_CONTACTS


def _write_extra_contacts(folder: Path) -> None:
    lines = ["interaction_id,channel,customer_id,queue_id,status,created_at,updated_at"]
    for number in range(EXTRA_CONTACTS):
        day = 1 + number % 28
        lines.append(f"X{number},email,C1,Q3,open,2026-06-{day:02d}T10:00:00Z,2026-06-{day:02d}T10:00:00Z")
    (folder / "interactions-2026-06.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _config(tmp_path: Path, url: str, source: Path) -> Path:
    config = tmp_path / "cxpulse.toml"
    config.write_text(
        f'[warehouse]\nurl = "{url}"\n[ingest]\nmax_rejected_share = 0.5\n'
        f'[[sources]]\nname = "fixture"\nformat = "canonical"\npath = "{source}"\n',
        encoding="utf-8",
    )
    return config


def _cxpulse(config: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "CXPULSE_WAREHOUSE_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "run", "--quiet", "--config", str(config)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _consistent_count(reader) -> int:  # type: ignore[no-untyped-def]
    frame = reader.query_df(
        "select (select count(*) from core.fct_interactions) as in_core,"
        " (select sum(count_interactions) from marts.service_daily) as in_mart"
    )
    in_core, in_mart = int(frame.at[0, "in_core"]), int(frame.at[0, "in_mart"])
    assert in_core == in_mart, f"core has {in_core} contacts but the mart {in_mart}: a half-built state"
    return in_core


@pytest.fixture
def loaded(warehouse_url: str, tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "exports"
    shutil.copytree(SMALL, source)
    config = _config(tmp_path, warehouse_url, source)
    first = _cxpulse(config)
    assert first.wait(timeout=120) == 0, first.stderr.read() if first.stderr else ""
    _write_extra_contacts(source)
    return config, source


def test_the_dashboard_keeps_reading_while_a_run_loads(warehouse_url: str, loaded: tuple[Path, Path]) -> None:
    config, _ = loaded
    reader = open_reader(warehouse_url)
    seen: list[int] = []
    try:
        loader = _cxpulse(config)
        while loader.poll() is None:
            seen.append(_consistent_count(reader))
            time.sleep(0.02)
        assert loader.returncode == 0, loader.stderr.read() if loader.stderr else ""
        seen.append(_consistent_count(reader))
    finally:
        reader.close()
    assert set(seen) <= {BEFORE, AFTER}
    assert seen[0] == BEFORE
    assert seen[-1] == AFTER
    assert seen.count(BEFORE) > 3, "the reader should have been served during the run"


def test_a_run_killed_mid_way_leaves_a_complete_warehouse(warehouse_url: str, loaded: tuple[Path, Path]) -> None:
    config, _ = loaded
    loader = _cxpulse(config)
    time.sleep(1.5)
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)
    reader = open_reader(warehouse_url)
    try:
        assert _consistent_count(reader) in {BEFORE, AFTER}
    finally:
        reader.close()
    again = _cxpulse(config)
    assert again.wait(timeout=180) == 0, again.stderr.read() if again.stderr else ""
    reader = open_reader(warehouse_url)
    try:
        assert _consistent_count(reader) == AFTER
        assert reader.scalar("select count(*) from raw.canonical__interactions") == AFTER
    finally:
        reader.close()
