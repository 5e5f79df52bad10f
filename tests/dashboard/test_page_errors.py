"""A page that fails shows a short message with an error id and no traceback; the details go to the log.

Issue 11: on real data the Journeys page showed its viewer the whole traceback, server paths included.
"""

from __future__ import annotations

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import page_errors
from tests.dashboard.conftest import APP

SECRET_PATH = "/srv/cxpulse/.venv/lib/python3.11/site-packages/secret_module.py"
PAGES = ("executive", "escalations", "overview", "journeys", "automation", "experience", "risk", "capacity",
         "data_health", "definitions", "intent_discovery")


def _everything_shown(at: AppTest) -> str:
    kinds = ("title", "subheader", "markdown", "caption", "text", "info", "warning", "error", "exception", "code")
    return "\n".join(str(element.value) for kind in kinds for element in at.get(kind))


def test_the_viewer_message_names_an_id_and_nothing_of_the_error() -> None:
    error_id = page_errors.new_error_id()
    assert re.fullmatch(r"[0-9A-F]{8}", error_id)
    assert page_errors.new_error_id() != error_id
    message = page_errors.viewer_message(error_id)
    assert f"Error id {error_id}" in message and "server log" in message


def test_the_server_config_hides_error_details() -> None:
    import tomllib

    config = tomllib.loads((APP.parents[1] / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("page", PAGES)
def test_a_failing_page_shows_an_error_id_and_logs_the_traceback(
        page: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, small_warehouse_url: str
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError(f"the warehouse said no at {SECRET_PATH}")

    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", small_warehouse_url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    # every page starts with its header: the first thing a page draws, whatever the data
    monkeypatch.setattr(f"dashboard.app_pages.{page}.view.page_header", broken)
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger=page_errors.LOGGER_NAME):
        at.switch_page(f"app_pages/{page}/page.py").run()
    assert not at.exception
    errors = [str(e.value) for e in at.error]
    assert len(errors) == 1 and "Error id" in errors[0]
    error_id = re.search(r"Error id ([0-9A-F]{8})", errors[0]).group(1)  # type: ignore[union-attr]
    shown = _everything_shown(at)
    for leak in ("Traceback", "RuntimeError", "the warehouse said no", SECRET_PATH, "site-packages", ".py"):
        assert leak not in shown
    logged = [r for r in caplog.records if r.name == page_errors.LOGGER_NAME]
    assert len(logged) == 1
    assert error_id in logged[0].getMessage() and "the warehouse said no" in logged[0].getMessage()
    assert logged[0].exc_info is not None and logged[0].exc_info[0] is RuntimeError


def test_a_failing_query_on_a_page_is_caught_too(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
                                                 small_warehouse_url: str) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise TypeError("cumsum is not supported for object dtype")

    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", small_warehouse_url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    monkeypatch.setattr("dashboard.queries.period_figures", broken)
    with caplog.at_level(logging.ERROR, logger=page_errors.LOGGER_NAME):
        at.switch_page("app_pages/journeys/page.py").run()
    assert not at.exception
    assert "Journeys and repeat contact" in _everything_shown(at)  # the page's title stays
    assert len(at.error) == 1 and "cumsum" not in _everything_shown(at)
    assert any("cumsum is not supported" in r.getMessage() for r in caplog.records)


def test_a_failure_in_the_apps_frame_shows_an_error_id_and_logs_the_detail(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, small_warehouse_url: str) -> None:
    """The router's frame (settings, filters, navigation) runs guarded too: a failure there shows an id only."""
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError(f"filters failed at {SECRET_PATH}")

    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", small_warehouse_url)
    monkeypatch.setattr("dashboard.queries.filter_options", broken)
    with caplog.at_level(logging.ERROR, logger=page_errors.LOGGER_NAME):
        at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    errors = [str(e.value) for e in at.error]
    assert len(errors) == 1 and "Error id" in errors[0]
    error_id = re.search(r"Error id ([0-9A-F]{8})", errors[0]).group(1)  # type: ignore[union-attr]
    assert SECRET_PATH not in _everything_shown(at) and "filters failed" not in _everything_shown(at)
    logged = [r.getMessage() for r in caplog.records if r.name == page_errors.LOGGER_NAME]
    assert len(logged) == 1
    assert error_id in logged[0] and "the app's frame" in logged[0] and SECRET_PATH in logged[0]


def test_streamlit_control_flow_is_not_caught() -> None:
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    def stop() -> None:
        raise StopException()

    with pytest.raises(StopException):
        page_errors.run_guarded(stop, "a page that calls st.stop")


def test_a_failing_download_logs_the_detail_under_an_error_id_and_raises_only_the_viewer_message(
        caplog: pytest.LogCaptureFixture) -> None:
    from dashboard.download_buttons import DownloadFailed, guarded

    def broken() -> bytes:
        raise RuntimeError(f"export failed at {SECRET_PATH} on postgresql://cx:planted-S3cret@db/cx")

    caplog.clear()
    with caplog.at_level(logging.ERROR, logger=page_errors.LOGGER_NAME), pytest.raises(DownloadFailed) as raised:
        guarded(broken, "download 'conversations.csv'")()
    message = str(raised.value)
    error_id = re.search(r"Error id ([0-9A-F]{8})", message).group(1)  # type: ignore[union-attr]
    for leak in ("RuntimeError", SECRET_PATH, "planted-S3cret", "export failed"):
        assert leak not in message
    assert raised.value.__suppress_context__  # Streamlit's own log of it carries no detail either
    logged = [r for r in caplog.records if r.name == page_errors.LOGGER_NAME]
    assert len(logged) == 1
    assert f"error id {error_id} on download 'conversations.csv'" in logged[0].getMessage()
    line = page_errors.RedactingFormatter(page_errors.LOG_FORMAT).format(logged[0])
    assert "export failed at" in line and "postgresql://cx:***@db/cx" in line and "planted-S3cret" not in line


def test_a_download_that_works_gives_its_bytes() -> None:
    from dashboard.download_buttons import guarded

    assert guarded(lambda: b"a,b\r\n", "download 'x.csv'")() == b"a,b\r\n"
