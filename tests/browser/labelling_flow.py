"""Label a conversation in the Escalations drill-down and see the Detector quality page change, in a real browser.

The contract the pages are written to: `escalations?conversation=<id>` opens the conversation's transcript and,
under it, the form "Label this conversation" (radio "Is the intent right?", select "When wrong, the right
intent", text "Your name", button "Save labels"; a success alert "Saved N labels"); the Detector quality page
(url_path "detector-quality") shows the metric "Labels saved" and, once intents are labelled, the confusion
heatmap (Vega SVG: its axis labels are text).

`label_and_check_quality` is the step h-calibrate extends: pass `then(page)` to continue in the same browser
page after the Detector quality page has changed (run `cxpulse calibrate`, reload, see the new version).

    python -m tests.browser.labelling_flow --url http://127.0.0.1:8601 --conversation I5 --out artifacts/browser
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.page_checks import page_url
from tests.browser.streamlit_page import MAIN, METRIC_VALUE, full_page_screenshot, open_page, wait_until_settled

if TYPE_CHECKING:
    from playwright.sync_api import Page

ESCALATIONS = "escalations"
QUALITY = "detector-quality"
FORM_HEADING = f'{MAIN} h3:has-text("Label this conversation")'
SAVED_ALERT = '[data-testid="stAlertContentSuccess"]:has-text("Saved")'
METRIC = '[data-testid="stMetric"]'
HEATMAP_TEXT = ".vega-embed svg text"
LABELS_SAVED = "Labels saved"
ACTIVE_CALIBRATION = "Active calibration"
VIEWPORT = (1440, 900)


class LabellingFlowFailure(AssertionError):
    pass


@dataclass(frozen=True)
class LabellingResult:
    conversation: str
    right_intent: str
    saved_before: int
    saved_after: int
    screenshot: Path


def _metric(page: Page, label: str) -> int:
    tile = page.locator(METRIC).filter(has_text=label).first
    if not tile.count():
        raise LabellingFlowFailure(f"the Detector quality page shows no metric {label!r}")
    return int(tile.locator(METRIC_VALUE).inner_text().replace(",", ""))


def metric_text(page: Page, label: str) -> str:
    """The value of the metric tile `label`, as shown."""
    tile = page.locator(METRIC).filter(has_text=label).first
    if not tile.count():
        raise LabellingFlowFailure(f"the page shows no metric {label!r}")
    return tile.locator(METRIC_VALUE).inner_text().strip()


def wait_for_active_calibration(page: Page, base_url: str, expected: str, timeout_ms: float,
                                tries: int = 15) -> str:
    """Reload Detector quality until its 'Active calibration' tile reads `expected` (its query is cached for a
    few seconds); returns what it read last."""
    import time

    shown = ""
    for _ in range(tries):
        open_page(page, page_url(base_url, QUALITY), timeout_ms)
        shown = metric_text(page, ACTIVE_CALIBRATION)
        if shown == expected:
            return shown
        time.sleep(2)
    return shown


def quality_counts(page: Page, base_url: str, timeout_ms: float) -> tuple[int, list[str]]:
    """'Labels saved' on the Detector quality page, and the texts of its charts (the confusion heatmap)."""
    open_page(page, page_url(base_url, QUALITY), timeout_ms)
    texts = [t.strip() for t in page.locator(HEATMAP_TEXT).all_text_contents() if t.strip()]
    return _metric(page, LABELS_SAVED), texts


def label_conversation(page: Page, base_url: str, conversation: str, who: str, timeout_ms: float) -> tuple[str, int]:
    """Open the conversation, mark its intent wrong with the first other intent offered, save; returns that intent
    and the number of labels the page says it saved."""
    query = urllib.parse.urlencode({"conversation": conversation})
    open_page(page, f"{page_url(base_url, ESCALATIONS)}?{query}", timeout_ms)
    heading = page.locator(FORM_HEADING)
    if not heading.count():
        raise LabellingFlowFailure(f"conversation {conversation!r} shows no labelling form")
    heading.scroll_into_view_if_needed()
    intent = page.locator('[data-testid="stRadio"]').filter(has_text="Is the intent right?")
    intent.get_by_text("Wrong", exact=True).click()
    select = page.locator('[data-testid="stSelectbox"]').filter(has_text="When wrong, the right intent")
    select.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=timeout_ms)
    right_intent = options.first.inner_text().strip()
    options.first.click()
    page.get_by_label("Your name").fill(who)
    page.get_by_role("button", name="Save labels").click()
    page.wait_for_selector(SAVED_ALERT, timeout=timeout_ms)
    wait_until_settled(page, timeout_ms)
    text = page.locator(SAVED_ALERT).first.inner_text()
    saved = int(text.split("Saved", 1)[1].split()[0])
    return right_intent, saved


def label_and_check_quality(page: Page, base_url: str, conversation: str, screenshot: Path, timeout_ms: float,
                            then: Callable[[Page], None] | None = None) -> LabellingResult:
    """Detector quality before → label the conversation → Detector quality after: 'Labels saved' grows by what the
    form saved and the confusion heatmap names the intent chosen. `then(page)` continues from there."""
    before, _ = quality_counts(page, base_url, timeout_ms)
    right_intent, saved = label_conversation(page, base_url, conversation, "Browser test", timeout_ms)
    if saved < 1:
        raise LabellingFlowFailure("the form saved no label")
    after, texts = quality_counts(page, base_url, timeout_ms)
    if after != before + saved:
        raise LabellingFlowFailure(f"'{LABELS_SAVED}' went from {before} to {after}, not by the {saved} saved")
    if right_intent not in texts:
        raise LabellingFlowFailure(f"the confusion heatmap does not name the intent labelled ({right_intent!r})")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    full_page_screenshot(page, str(screenshot), *VIEWPORT)
    if then is not None:
        then(page)
    return LabellingResult(conversation, right_intent, before, after, screenshot)


def main(argv: list[str] | None = None) -> int:
    from tests.browser.chromium import chromium_browser

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--conversation", required=True, help="an escalated conversation's interaction_id")
    parser.add_argument("--out", type=Path, default=Path("artifacts/browser"))
    parser.add_argument("--timeout-ms", type=float, default=60_000)
    args = parser.parse_args(argv)
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
        try:
            result = label_and_check_quality(page, args.url, args.conversation, args.out / "detector_quality.png",
                                             args.timeout_ms)
        except (LabellingFlowFailure, Exception) as error:
            print(f"FAIL labelling flow: {error}")
            return 1
    print(f"OK   labelling flow: {result.conversation} labelled {result.right_intent!r}; labels saved "
          f"{result.saved_before} -> {result.saved_after}; screenshot {result.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
