"""A Streamlit server of the dashboard on a given warehouse, bound to 127.0.0.1, for the browser tests that drive
one in Chromium (labelling, injection)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO_ROOT

SERVER_START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def served_dashboard(warehouse_url: str, log_path: Path, *, port: int | None = None, config: Path | None = None,
                     secrets_file: Path | None = None) -> Iterator[str]:
    """Base URL of a dashboard server on `warehouse_url` (its output in `log_path`); stopped on exit. `config`: a
    cxpulse.toml (CXPULSE_CONFIG); `secrets_file`: the secrets Streamlit reads ([auth]) instead of its default
    places; `port`: the port to serve on (a sign-in test needs it before, for redirect_uri)."""
    port = port or free_port()
    log = log_path.open("wb")
    secrets = ["--secrets.files", str(secrets_file)] if secrets_file is not None else []
    env = {**os.environ, "CXPULSE_WAREHOUSE_URL": warehouse_url}
    if config is not None:
        env["CXPULSE_CONFIG"] = str(config)
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboard" / "app.py"), "--server.port",
         str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", *secrets],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the dashboard did not start"
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
