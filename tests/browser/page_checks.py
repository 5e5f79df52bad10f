"""One page in the browser: open it by its URL, wait until it has drawn, check it, save a full-page screenshot."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tests.browser.page_discovery import PageSpec
from tests.browser.streamlit_page import (
    DATAFRAME,
    DRAWN_CHART,
    ERROR_ALERT,
    EXCEPTION,
    HEADING,
    MAIN,
    METRIC_VALUE,
    PAGE_NOT_FOUND,
    WARNING_ALERT,
    full_page_screenshot,
    open_page,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

# a traceback's lines, an exception's "TypeError: ..." line, or a path into the server's Python packages
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+"
                       r"|^\s*(?:[a-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception)\b: |site-packages/", re.MULTILINE)
MISSING_FIGURES = {"", "—", "-", "None", "nan", "NaN"}


@dataclass(frozen=True)
class Expectation:
    """What a page must show once drawn, beyond a heading and no error."""

    min_charts: int = 0
    min_metrics: int = 0
    min_tables: int = 0


# Pages whose content we know; every other page is held to the general checks (heading, no error, every chart
# on it drawn).
EXPECTATIONS = {
    # The Efficiency x Empathy chart is drawn only when some member has SLA and XLA figures: not required.
    "executive": Expectation(min_tables=1),
    "overview": Expectation(min_charts=6, min_metrics=6),
    "data-health": Expectation(min_charts=1, min_tables=2),
}
# On a real export many figures are "not measured" (no surveys, no costs, no queue times...) and their charts are
# not drawn: the pages must still draw, say so in their tiles, and show their tables.
REAL_DATA_EXPECTATIONS = {
    "executive": Expectation(min_tables=1),
    "overview": Expectation(min_charts=1, min_metrics=6),
    "data-health": Expectation(min_charts=1, min_tables=2),
}


@dataclass
class PageResult:
    spec: PageSpec
    url: str
    screenshot: Path
    heading: str = ""
    charts: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def screenshot_name(url_path: str, suffix: str = "") -> str:
    """executive -> executive.png, data-health -> data_health.png (the names docs/screenshots uses)."""
    return f"{url_path.replace('-', '_') or 'home'}{suffix}.png"


def page_url(base_url: str, url_path: str) -> str:
    return f"{base_url.rstrip('/')}/{url_path}"


def spec_url(base_url: str, spec: PageSpec) -> str:
    """Where a page of the menu lives: at its own url_path, the landing page included (the root redirects)."""
    return page_url(base_url, spec.url_path)


def url_path_of(url: str) -> str:
    """"http://h:1/executive?start=x" -> "executive" (pure)."""
    return urlsplit(url).path.strip("/")


def traceback_lines(text: str) -> list[str]:
    """The lines of a page's text that look like a Python traceback (pure)."""
    return [line.strip() for line in text.splitlines() if TRACEBACK.search(line)]


def _inspect(page: Page, result: PageResult, expectation: Expectation) -> None:
    result.heading = next(iter(page.locator(HEADING).all_inner_texts()), "").strip()
    if not result.heading:
        result.problems.append("the page has an empty title")
    if page.locator(PAGE_NOT_FOUND).count():
        result.problems.append("Streamlit shows its 'Page not found' dialog for this URL")
    exceptions = page.locator(EXCEPTION)
    if exceptions.count():
        first = exceptions.first.inner_text().strip().splitlines()
        result.problems.append(f"{exceptions.count()} exception(s) on the page: {' / '.join(first[:3])}")
    errors = page.locator(ERROR_ALERT).evaluate_all(  # an exception box holds an error alert too: counted above
        "els => els.filter(e => !e.closest('[data-testid=\"stException\"]')).map(e => e.innerText)")
    if errors:
        result.problems.append("error alert(s): " + " | ".join(e.strip().splitlines()[0] for e in errors if e.strip()))
    warnings = page.locator(WARNING_ALERT).all_inner_texts()
    if warnings:
        result.notes.append("warning(s) shown: " + " | ".join(w.strip()[:160] for w in warnings))
    text = "\n".join(page.locator(MAIN).all_inner_texts())
    tracebacks = traceback_lines(text)
    if tracebacks:
        result.problems.append("Python traceback text on the page: " + " / ".join(tracebacks[:3]))
    result.charts = page.locator(DRAWN_CHART).count()
    if result.charts < expectation.min_charts:
        result.problems.append(f"expected at least {expectation.min_charts} drawn chart(s), found {result.charts}")
    tables = page.locator(DATAFRAME).count()
    if tables < expectation.min_tables:
        result.problems.append(f"expected at least {expectation.min_tables} table(s), found {tables}")
    values = [v.strip() for v in page.locator(METRIC_VALUE).all_inner_texts()]
    if len(values) < expectation.min_metrics:
        result.problems.append(f"expected at least {expectation.min_metrics} metric tiles, found {len(values)}")
    blank = [i + 1 for i, v in enumerate(values) if v in MISSING_FIGURES]
    if blank:
        result.problems.append(f"metric tiles {blank} show no figure: {values}")


def check_page(page: Page, base_url: str, spec: PageSpec, screenshot: Path, width: int, height: int,
               timeout_ms: float, expectations: dict[str, Expectation] = EXPECTATIONS) -> PageResult:
    """Open the page (the Page must already have the viewport width x height), check it, and save a full-page
    screenshot, also when a check fails (to see why)."""
    from playwright.sync_api import Error as PlaywrightError

    url = spec_url(base_url, spec)
    result = PageResult(spec=spec, url=url, screenshot=screenshot)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error).splitlines()[0]))
    try:
        open_page(page, url, timeout_ms)
    except PlaywrightError as error:
        first_line = str(error).splitlines()[0]
        result.problems.append(f"the page did not finish drawing within {timeout_ms / 1000:.0f} s ({first_line})")
        with contextlib.suppress(PlaywrightError):
            page.screenshot(path=str(screenshot), full_page=True)
            _inspect(page, result, expectations.get(spec.url_path, Expectation()))
        return result
    _inspect(page, result, expectations.get(spec.url_path, Expectation()))
    full_page_screenshot(page, str(screenshot), width, height)
    if script_errors:
        # The browser's own uncaught errors (a chart spec Vega rejects, a component crash): shown, not failed,
        # since the page has drawn; the screenshot says whether it matters.
        result.notes.append("browser script error(s): " + " | ".join(dict.fromkeys(script_errors)))
    return result


def check_root(page: Page, base_url: str, landing: str, timeout_ms: float, query: str = "") -> list[str]:
    """The root URL must open the landing page at the landing page's own URL (query parameters kept), with no
    'Page not found' dialog and no traceback. Returns the problems (empty when all is well)."""
    from playwright.sync_api import Error as PlaywrightError

    problems: list[str] = []
    url = base_url.rstrip("/") + "/" + (f"?{query}" if query else "")
    try:
        open_page(page, url, timeout_ms)
    except PlaywrightError as error:
        return [f"{url} did not finish drawing within {timeout_ms / 1000:.0f} s ({str(error).splitlines()[0]})"]
    if page.locator(PAGE_NOT_FOUND).count():
        problems.append(f"{url} shows Streamlit's 'Page not found' dialog")
    if url_path_of(page.url) != landing:
        problems.append(f"{url} ended at {page.url}, not at the landing page's own URL /{landing}")
    if query and urlsplit(page.url).query != query:
        problems.append(f"{url} lost its query parameters on the way: it ended at {page.url}")
    if page.locator(EXCEPTION).count() or traceback_lines("\n".join(page.locator(MAIN).all_inner_texts())):
        problems.append(f"{url} shows an exception or traceback text")
    return problems
