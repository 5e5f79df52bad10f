"""Where a figure's "how is this computed?" points: the Definitions page's card for one metric."""

from __future__ import annotations

URL_PATH = "definitions"
"""The Definitions page's URL path (dashboard/app.py); `?metric=<name>` opens that metric's card."""


def definition_link(metric_name: str) -> str:
    """The link to one metric's definition card."""
    return f"/{URL_PATH}?metric={metric_name}"
