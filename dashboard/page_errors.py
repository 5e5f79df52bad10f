"""A page that fails shows a short message with an error id; the traceback goes to the server log only.

A traceback on screen tells a viewer nothing they can act on and shows them the server's paths, SQL and
data (issue 11). So every page runs through `run_guarded`: any exception becomes an `st.error` naming an
error id, and the same id is logged with the full traceback (logger LOGGER_NAME, to the server's stderr), so
whoever runs cxpulse can find it. Streamlit's own control flow (st.stop, st.rerun, st.switch_page) raises
BaseException subclasses and passes through untouched. `.streamlit/config.toml` sets
`client.showErrorDetails = "none"` for whatever escapes (a widget callback, say).
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable

import streamlit as st

from etl.secrets import redact_text

LOGGER_NAME = "cxpulse.dashboard"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ERROR_ID_LENGTH = 8


class RedactingFormatter(logging.Formatter):
    """Log lines, tracebacks included, with the password of every URL in them masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


def logger() -> logging.Logger:
    """The dashboard's logger, writing to stderr (the server log) once a handler is set; records also
    propagate to the root logger (pytest's caplog, a host's own logging setup)."""
    log = logging.getLogger(LOGGER_NAME)
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(RedactingFormatter(LOG_FORMAT))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return log


def new_error_id() -> str:
    """A short id a viewer can read out: 8 upper-case hexadecimal characters."""
    return uuid.uuid4().hex[:ERROR_ID_LENGTH].upper()


def viewer_message(error_id: str) -> str:
    """What the viewer reads: no exception text, no path, no SQL (pure)."""
    return (f"This part of the page could not be shown because of an error inside cxpulse. Error id {error_id}: "
            "quote it to whoever runs cxpulse; the details are in the server log. Other pages may still work.")


def log_failure(where: str, error: BaseException) -> str:
    """Log the error with its traceback under a new error id; returns the id."""
    error_id = new_error_id()
    logger().error("error id %s on %s: %s: %s", error_id, where, type(error).__name__, error,
                   exc_info=(type(error), error, error.__traceback__))
    return error_id


def run_guarded(run: Callable[[], object], where: str) -> None:
    """Run a page (or the app's frame); an exception shows viewer_message and is logged with its id."""
    try:
        run()
    except Exception as error:  # every failure of a page ends here, by design
        st.error(viewer_message(log_failure(where, error)), icon=":material/error:")
