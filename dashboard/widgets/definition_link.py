"""Where a figure's "how is this computed?" points: the Definitions page's card for one metric."""

from __future__ import annotations

import urllib.parse

URL_PATH = "definitions"
"""The Definitions page's URL path (dashboard/app.py); `?metric=<name>` opens that metric's card."""


def definition_link(metric_name: str) -> str:
    """The link to one metric's definition card; the name percent-encoded, so the link stays one Markdown link
    target whatever it holds."""
    return f"/{URL_PATH}?metric={urllib.parse.quote(metric_name, safe='')}"
