"""The app says it is in open mode (no sign-in) and who can reach it, as plain text; it never shows the warehouse
password (issue 13)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard.formatting import escape_markdown
from etl.serving import OPEN_MODE_VARIABLE
from tests.dashboard.conftest import APP

PLANTED = "planted-S3cret-7391"


def _sidebar_text(at: AppTest) -> list[str]:
    return [str(element.value) for element in at.sidebar.text]


def _everything_shown(at: AppTest) -> str:
    kinds = ("title", "subheader", "markdown", "caption", "text", "info", "warning", "error", "exception", "code")
    return "\n".join(str(element.value) for kind in kinds for element in at.get(kind))


@pytest.mark.parametrize(("mode", "who"), [
    ("local", "Served on this machine only (loopback address): no one else can reach it."),
    ("network", "Anyone who reaches this port sees every page and conversation (served with --insecure-open)."),
    (None, "Not started by `cxpulse serve`: anyone who reaches this port may see everything."),
])
def test_the_open_mode_line_says_who_can_reach_the_app(
        monkeypatch: pytest.MonkeyPatch, small_warehouse_url: str, mode: str | None, who: str) -> None:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", small_warehouse_url)
    if mode is None:
        monkeypatch.delenv(OPEN_MODE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(OPEN_MODE_VARIABLE, mode)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert f"Open mode: no sign-in. {who}" in _sidebar_text(at)


@pytest.mark.pg
def test_an_unbuilt_postgresql_warehouse_is_shown_without_its_password(
        monkeypatch: pytest.MonkeyPatch, pg_database_url: str) -> None:
    url = sa.make_url(pg_database_url).set(password=PLANTED).render_as_string(hide_password=False)
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    monkeypatch.setenv(OPEN_MODE_VARIABLE, "local")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    shown = _everything_shown(at)
    assert "Open mode: no sign-in." in shown
    assert PLANTED not in shown


def test_an_unsupported_url_is_shown_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", f"mysql://cx:{PLANTED}@db.example.com/cx")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    shown = _everything_shown(at)
    assert escape_markdown("mysql://cx:***@db.example.com/cx") in shown  # quoted in an error, as Markdown
    assert PLANTED not in shown


def test_the_server_log_masks_a_password_in_a_message_and_its_traceback() -> None:
    import logging
    import sys

    from dashboard.page_errors import LOG_FORMAT, RedactingFormatter

    try:
        raise RuntimeError(f"cannot reach postgresql://cx:{PLANTED}@db/cx")
    except RuntimeError:
        record = logging.LogRecord("cxpulse.dashboard", logging.ERROR, __file__, 1, "failed on %s",
                                   (f"postgresql://cx:{PLANTED}@db/cx",), sys.exc_info())
    line = RedactingFormatter(LOG_FORMAT).format(record)
    assert "failed on postgresql://cx:***@db/cx" in line
    assert "RuntimeError: cannot reach postgresql://cx:***@db/cx" in line
    assert PLANTED not in line
