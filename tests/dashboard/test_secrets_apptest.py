"""Secrets never shown (issue 13): with a PostgreSQL URL carrying a password to a server that refuses every
connection, no page shows the password, none fails with a traceback, and the server log masks it too."""

from __future__ import annotations

import logging

import pytest

from dashboard.page_errors import LOG_FORMAT, RedactingFormatter
from tests.dashboard.conftest import everything_shown, open_page

PLANTED = "planted-S3cret-7391"
REFUSING_URL = f"postgresql+psycopg://cx:{PLANTED}@127.0.0.1:1/cxpulse_nowhere"
"""Nothing listens on port 1: every connection is refused."""
PAGES = ("executive", "escalations", "overview", "journeys", "automation", "experience", "risk", "capacity",
         "data_health", "definitions", "detector_quality", "intent_discovery", "home")


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_the_warehouse_password(page: str, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        at = open_page(monkeypatch, REFUSING_URL, page, {"start": "2026-05-01", "end": "2026-05-31"})
    assert not at.exception
    shown = everything_shown(at)
    # a page that reads the warehouse says what is wrong; Definitions reads only the catalog
    assert ("The warehouse cannot be read" in shown) is (page != "definitions")
    assert PLANTED not in shown
    assert "Traceback" not in shown
    lines = [RedactingFormatter(LOG_FORMAT).format(record) for record in caplog.records]
    assert not [line for line in lines if PLANTED in line]
