"""The labelling flow in headless Chromium (tests/browser/labelling_flow.py) on a served warehouse of
tests/fixtures/canonical_small, on DuckDB and PostgreSQL: label conversation I5 (intent wrong → another intent),
see 'Labels saved' grow by what was saved and the confusion heatmap name the intent chosen.

h-calibrate continues this test: `label_and_check_quality(..., then=...)` runs `cxpulse calibrate` and looks for
the new version on the page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM
from tests.conftest import REPO_ROOT, query_frame

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (Debian's chromium)")]
SERVER_START_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served_url(no_labels_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL of a Streamlit server on the warehouse, the warehouse URL); the server is stopped after."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboard" / "app.py"), "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env={**os.environ, "CXPULSE_WAREHOUSE_URL": no_labels_url}, stdout=log,
        stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "the dashboard did not start"
                time.sleep(0.5)
        yield base, no_labels_url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_label_a_conversation_and_see_detector_quality_change(served_url: tuple[str, str], tmp_path: Path) -> None:
    from tests.browser.chromium import chromium_browser
    from tests.browser.labelling_flow import VIEWPORT, label_and_check_quality
    from tests.browser.streamlit_page import warm_up

    base, warehouse = served_url
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
        warm_up(page, base, 60_000)
        result = label_and_check_quality(page, base, "I5", tmp_path / "detector_quality.png", 60_000)
    # the fixture's intents are billing_dispute, invoice_copy, password_reset; I5 is billing_dispute, and the
    # select offers the others in order: invoice_copy first
    assert result.right_intent == "invoice_copy"
    assert (result.saved_before, result.saved_after) == (0, 1)
    stored = query_frame(warehouse, "select detector, predicted_value, label_value, labelled_by from feedback.labels")
    assert stored.to_dict("records") == [{"detector": "intent", "predicted_value": "billing_dispute",
                                          "label_value": "invoice_copy", "labelled_by": "Browser test"}]
    assert result.screenshot.stat().st_size > 20_000  # a drawn page, not a blank one (about 13 KB)
