"""Browser smoke test of the Overview page (a script, not a pytest module).

    python tests/browser/smoke_overview.py --url http://127.0.0.1:8599 --screenshot artifacts/overview.png

Drives the system Chromium through Playwright (never `playwright install`), waits for six metric values and
the charts, checks that every value is a real figure, and saves a full-page screenshot. Exits 1 with a
message saying what was missing otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
METRIC_VALUE = '[data-testid="stMetricValue"]'
CHART = ".vega-embed svg, .vega-embed canvas"
EXPECTED_METRICS = 6
MISSING_TEXTS = {"", "—", "-", "None", "nan"}


class SmokeFailure(RuntimeError):
    pass


def check_overview(url: str, screenshot: Path, timeout_seconds: float, width: int, height: int) -> list[str]:
    """Load the page, check it, save the screenshot (also on failure); return the six metric values."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    screenshot.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            try:
                return _check_page(page, url, screenshot, timeout_seconds * 1000, width, height)
            except SmokeFailure:
                with contextlib.suppress(PlaywrightError):
                    page.screenshot(path=str(screenshot))  # what the page showed, to see why
                raise
        finally:
            browser.close()


def _check_page(page: Page, url: str, screenshot: Path, timeout_ms: float, width: int, height: int) -> list[str]:
    from playwright.sync_api import Error as PlaywrightError

    # A freshly started server can serve a blank first page while its first script run is going on
    # (STACK_NOTES #11): load once to warm it up, then load the page we check.
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    with contextlib.suppress(PlaywrightError):
        page.wait_for_selector(METRIC_VALUE, timeout=timeout_ms)
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    try:
        page.wait_for_function(
            f"document.querySelectorAll('{METRIC_VALUE}').length >= {EXPECTED_METRICS}", timeout=timeout_ms
        )
    except PlaywrightError as error:
        found = page.locator(METRIC_VALUE).count()
        alerts = " | ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
        detail = f"; the page says: {alerts}" if alerts else ""
        raise SmokeFailure(f"expected {EXPECTED_METRICS} metric values, found {found}{detail}") from error
    try:
        page.wait_for_selector(CHART, timeout=timeout_ms)
        page.wait_for_function(
            f"document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length >= {EXPECTED_METRICS}",
            timeout=timeout_ms,
        )
    except PlaywrightError as error:
        found = page.locator(CHART).count()
        raise SmokeFailure(f"expected {EXPECTED_METRICS} drawn charts, found {found}") from error
    page.wait_for_timeout(1000)  # let the charts finish their first draw
    values = [text.strip() for text in page.locator(METRIC_VALUE).all_inner_texts()]
    # Streamlit scrolls inside its main section, so a full-page shot would stop at the viewport: grow the
    # viewport to the content instead.
    content_height = page.evaluate(
        "() => Math.max(document.body.scrollHeight, ...Array.from(document.querySelectorAll("
        "'[data-testid=\"stMain\"], [data-testid=\"stMainBlockContainer\"]')).map(e => e.scrollHeight))"
    )
    if content_height > height:
        page.set_viewport_size({"width": width, "height": int(content_height) + 40})
        page.wait_for_timeout(1000)
    page.screenshot(path=str(screenshot), full_page=True)
    exceptions = page.locator('[data-testid="stException"]').count()
    if exceptions:
        raise SmokeFailure(f"the page shows {exceptions} exception(s)")
    blank = [index + 1 for index, value in enumerate(values) if value in MISSING_TEXTS]
    if blank:
        raise SmokeFailure(f"metric tiles {blank} show no figure: {values}")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8599")
    parser.add_argument("--screenshot", type=Path, default=Path("artifacts/overview.png"))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each step")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"FAIL: no Chromium at {CHROMIUM} (apt-get install -y chromium)", file=sys.stderr)
        return 1
    try:
        values = check_overview(args.url, args.screenshot, args.timeout, args.width, args.height)
    except SmokeFailure as error:
        print(f"FAIL: {error} (screenshot of the page at {args.screenshot})", file=sys.stderr)
        return 1
    except Exception as error:
        print(f"FAIL: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(f"OK: {len(values)} metrics ({', '.join(values)}); screenshot at {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
