"""Secrets never printed: warehouse URLs shown with their password masked (pure functions).

A SQLAlchemy or libpq URL may carry a password in its user-info part (`postgresql+psycopg://user:pw@host/db`)
or in its query (`?password=pw`); both are replaced by `***`. Text that may quote a URL (an error message, a log
line) goes through `redact_text`, which masks every URL it finds.
"""

from __future__ import annotations

import re

MASK = "***"
# scheme://user:password@ : the password runs to the last "@" before the host (a password may hold "@" or ":")
_USERINFO = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*:)(?P<secret>[^\s/?#]*)(?=@)")
# password=... in a query string or a libpq keyword/value string (quoted values included)
_PARAMETER = re.compile(r"(?P<head>\b(?:password|passwd|pwd|sslpassword)=)(?P<secret>'(?:[^'\\]|\\.)*'|[^&\s;]*)",
                        re.IGNORECASE)


def redact_url(url: str) -> str:
    """`url` with any password masked: in the user-info part and in `password=` parameters."""
    return redact_text(url)


def redact_text(text: str) -> str:
    """`text` with the password of every URL or libpq `password=` setting in it masked."""
    masked = _USERINFO.sub(lambda m: m["head"] + MASK, text)
    return _PARAMETER.sub(lambda m: m["head"] + MASK, masked)
