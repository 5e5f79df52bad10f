"""Waiting for a Streamlit page to finish drawing, and taking a screenshot of all of it.

Streamlit marks its root element with `data-test-script-state` (`running` while the page script runs,
`notRunning` when it is done); elements from the previous run stay on screen marked `data-stale="true"`;
elements whose code is still loading (charts, dataframes) show a placeholder `stSkeleton`.
Vega-embed draws each Altair chart into an `svg` or `canvas` inside `.vega-embed` after the script is done.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

APP = '[data-testid="stApp"]'
HEADING = '[data-testid="stMain"] h1'
CHART = ".vega-embed"
DRAWN_CHART = ".vega-embed svg, .vega-embed canvas"
EXCEPTION = '[data-testid="stException"]'
ERROR_ALERT = '[data-testid="stAlertContentError"]'
WARNING_ALERT = '[data-testid="stAlertContentWarning"]'
METRIC_VALUE = '[data-testid="stMetricValue"]'
DATAFRAME = '[data-testid="stDataFrame"]'
MAIN = '[data-testid="stMain"]'
PAGE_NOT_FOUND = '[role="dialog"]:has-text("Page not found")'

SETTLED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stAppSkeleton"], [data-testid="stSkeleton"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  const charts = document.querySelectorAll('.vega-embed');
  for (const chart of charts) { if (!chart.querySelector('svg, canvas')) return false; }
  return true;
}"""

_CONTENT_HEIGHT_JS = """() => Math.max(document.body.scrollHeight,
  ...Array.from(document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stMainBlockContainer"], [data-testid="stSidebarContent"]'))
    .map(e => e.scrollHeight))"""


def wait_until_settled(page: Page, timeout_ms: float, quiet_ms: int = 700) -> None:
    """Wait until the script run is over, nothing on screen is stale and every chart is drawn, twice in a row
    `quiet_ms` apart (a page that reruns itself, or draws late, does not pass on the first look)."""
    page.wait_for_function(SETTLED_JS, timeout=timeout_ms, polling=200)
    page.wait_for_timeout(quiet_ms)
    page.wait_for_function(SETTLED_JS, timeout=timeout_ms, polling=200)


def open_page(page: Page, url: str, timeout_ms: float) -> None:
    """Load a page and wait until it has a heading and has settled."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector(HEADING, timeout=timeout_ms)
    wait_until_settled(page, timeout_ms)


def warm_up(page: Page, url: str, timeout_ms: float) -> None:
    """A freshly started server can serve a blank first page while its first script run is going on
    (STACK_NOTES #11): load the app once and wait for it, ignoring what happens."""
    from playwright.sync_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):
        open_page(page, url, timeout_ms)


def full_page_screenshot(page: Page, path: str, width: int, height: int) -> None:
    """Streamlit scrolls inside its main section, so Playwright's full_page stops at the viewport: grow the
    viewport to the content, shoot, and put the viewport back."""
    content_height = int(page.evaluate(_CONTENT_HEIGHT_JS))
    grown = content_height > height
    if grown:
        page.set_viewport_size({"width": width, "height": content_height + 40})
        page.wait_for_timeout(800)  # charts with width="stretch" redraw on resize
        with contextlib.suppress(Exception):
            wait_until_settled(page, 15_000, quiet_ms=300)
    page.screenshot(path=path, full_page=True)
    if grown:
        page.set_viewport_size({"width": width, "height": height})
