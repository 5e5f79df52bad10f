"""Follow one escalation from a chart to its conversation, on the Escalations page (url_path "escalations").

The contract the page is written to: clicking a point or bar of the first chart selects it (Altair selection
with on_select="rerun"); the page reruns and lists the conversations behind it in an st.dataframe with
on_select="rerun", selection_mode="single-row"; selecting a row shows the conversation under a heading
containing "Transcript". The drill and the conversation are kept in the URL (DRILL_QUERY): the same URL
opened afresh shows the drill and the transcript again.

    python -m tests.browser.escalation_flow --url http://127.0.0.1:8601 --screenshot artifacts/browser/x.png
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.page_checks import page_url
from tests.browser.streamlit_page import DATAFRAME, full_page_screenshot, open_page, wait_until_settled

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

URL_PATH = "escalations"
MARKS = (".mark-rect path", ".mark-symbol path", ".mark-arc path", ".mark-area path", ".mark-line path",
         "g.role-mark path")
TRANSCRIPT_HEADING = ('[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6):has-text("Transcript"), '
                      '[data-testid="stMain"] [data-testid="stExpander"] summary:has-text("Transcript")')
DRILL_QUERY = ("drill_by", "drill_week", "drill_member", "conversation")
DRILLED = '[data-testid="stMain"] :text("Drilled into the week of")'
HEADER_ROW_PX = 35  # st.dataframe's header and row height in pixels (glide data grid, Streamlit default)
ROW_PX = 35
ROW_MARKER_X_PX = 14  # inside the row-marker (checkbox) column at the left edge


class EscalationFlowFailure(AssertionError):
    pass


@dataclass(frozen=True)
class EscalationResult:
    mark: str
    rows_before: int
    screenshot: Path
    conversation: str = ""  # the interaction_id of the conversation opened (the `conversation` URL parameter)


def _first_mark(page: Page) -> tuple[str, dict[str, float]]:
    """The selector and bounding box of the first mark of the first chart with a visible size."""
    chart = page.locator(".vega-embed").first
    if not chart.count():
        raise EscalationFlowFailure("the Escalations page shows no chart")
    if not chart.locator("svg").count():
        raise EscalationFlowFailure("the first chart is drawn on a canvas, not SVG: its marks cannot be found")
    for selector in MARKS:
        marks = chart.locator(f"svg {selector}")
        for index in range(min(marks.count(), 200)):
            box = marks.nth(index).bounding_box()
            if box and box["width"] >= 2 and box["height"] >= 2:
                return selector, box
    raise EscalationFlowFailure("the first chart has no mark (bar or point) to click")


def _new_dataframe(page: Page, below_y: float) -> Locator:
    """The first dataframe drawn below the chart (the conversations), else the last one on the page."""
    frames = page.locator(DATAFRAME)
    for index in range(frames.count()):
        box = frames.nth(index).bounding_box()
        if box and box["y"] > below_y:
            return frames.nth(index)
    return frames.last


def follow_escalation(page: Page, base_url: str, screenshot: Path, width: int, height: int,
                      timeout_ms: float) -> EscalationResult:
    """Chart mark -> conversations table -> first row -> transcript; screenshot of the transcript."""
    from playwright.sync_api import Error as PlaywrightError

    open_page(page, page_url(base_url, URL_PATH), timeout_ms)
    before = page.locator(DATAFRAME).count()
    selector, box = _first_mark(page)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    try:
        page.wait_for_function(f"document.querySelectorAll('{DATAFRAME}').length > {before}", timeout=timeout_ms)
    except PlaywrightError as error:
        raise EscalationFlowFailure(
            f"clicking the first mark ({selector}) did not list conversations: {before} table(s) before and after"
        ) from error
    wait_until_settled(page, timeout_ms)
    table = _new_dataframe(page, box["y"])
    table.scroll_into_view_if_needed(timeout=timeout_ms)
    table_box = table.bounding_box()
    if not table_box or table_box["height"] < HEADER_ROW_PX + ROW_PX:
        raise EscalationFlowFailure("the conversations table has no data row")
    page.mouse.click(table_box["x"] + ROW_MARKER_X_PX, table_box["y"] + HEADER_ROW_PX + ROW_PX / 2)
    try:
        page.wait_for_selector(TRANSCRIPT_HEADING, timeout=timeout_ms)
    except PlaywrightError as error:
        raise EscalationFlowFailure("selecting the first conversation showed no 'Transcript' heading") from error
    wait_until_settled(page, timeout_ms)
    page.locator(TRANSCRIPT_HEADING).first.scroll_into_view_if_needed(timeout=timeout_ms)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    full_page_screenshot(page, str(screenshot), width, height)
    _reopen_from_the_url(page, timeout_ms)
    from urllib.parse import parse_qs, urlsplit

    conversation = parse_qs(urlsplit(page.url).query).get("conversation", [""])[0]
    return EscalationResult(mark=selector, rows_before=before, screenshot=screenshot, conversation=conversation)


def _reopen_from_the_url(page: Page, timeout_ms: float) -> None:
    """The URL after the clicks holds the drill and the conversation; opened afresh it shows both again."""
    from urllib.parse import parse_qs, urlsplit

    from playwright.sync_api import Error as PlaywrightError

    link = page.url
    missing = [name for name in DRILL_QUERY if name not in parse_qs(urlsplit(link).query)]
    if missing:
        raise EscalationFlowFailure(f"the URL after the clicks does not keep {', '.join(missing)}: {link}")
    open_page(page, link, timeout_ms)
    try:
        page.wait_for_selector(TRANSCRIPT_HEADING, timeout=timeout_ms)
        page.wait_for_selector(DRILLED, timeout=timeout_ms)
    except PlaywrightError as error:
        raise EscalationFlowFailure(f"the link {link} did not reopen the drill and its transcript") from error


def main(argv: list[str] | None = None) -> int:
    from tests.browser.chromium import chromium_browser

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the app's base URL")
    parser.add_argument("--screenshot", type=Path, default=Path("artifacts/browser/escalation_conversation.png"))
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        try:
            result = follow_escalation(page, args.url, args.screenshot, 1440, 900, args.timeout * 1000)
        except EscalationFlowFailure as error:
            page.screenshot(path=str(args.screenshot), full_page=True)
            print(f"FAIL: {error} (screenshot {args.screenshot})", file=sys.stderr)
            return 1
    print(f"OK: clicked {result.mark}, transcript shown; screenshot {result.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
