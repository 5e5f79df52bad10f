"""`cxpulse serve` as a real process: a SIGTERM or SIGINT to it ends the Streamlit server it started.

Issue 11: killing `cxpulse serve` left the Streamlit child running (and holding the port).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name: state, ppid, pgrp, ... (None when the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def _alive(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def _children_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def _wait_for_http_200(port: int, timeout_seconds: float) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the dashboard did not answer on port {port} within {timeout_seconds:.0f} s")


@pytest.mark.parametrize(
    ("signum", "exit_code"),
    [
        (signal.SIGTERM, 128 + signal.SIGTERM),  # passed on to the server, then serve exits as signalled
        (signal.SIGINT, 128 + signal.SIGINT),
        (signal.SIGKILL, -signal.SIGKILL),  # nothing can be passed on: the server is told by the kernel (Linux)
    ],
)
def test_a_signal_to_serve_ends_the_streamlit_child(tmp_path: Path, signum: int, exit_code: int) -> None:
    config = tmp_path / "cxpulse.toml"
    config.write_text(f'[warehouse]\nurl = "duckdb:///{tmp_path / "wh.duckdb"}"\n', encoding="utf-8")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("CXPULSE_WAREHOUSE_URL", "CXPULSE_CONFIG")}
    serve = subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "serve", "--port", str(port), "--config", str(config)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    children: list[int] = []
    try:
        _wait_for_http_200(port, timeout_seconds=90)
        children = _children_of(serve.pid)
        assert len(children) == 1, f"serve should have started one Streamlit server, found {children}"
        assert _alive(children[0])
        serve.send_signal(signum)
        serve.wait(timeout=20)
        deadline = time.monotonic() + 5
        while _alive(children[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(children[0]), "the Streamlit server outlived `cxpulse serve`"
        assert serve.returncode == exit_code
    finally:
        for pid in [serve.pid, *children]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        serve.wait(timeout=10)
