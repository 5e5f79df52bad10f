"""The dashboard in a real browser: every page, the downloads, and one escalation followed to its conversation.

    python -m tests.browser.suite --url http://127.0.0.1:8601 [--out artifacts/browser] [--docs docs/screenshots]

Pages come from dashboard/app.py's navigation (tests.browser.page_discovery). Each page of the menu is opened
by its own URL in headless Chromium at 1440 x 900, must draw (a title, every chart drawn, no exception, no
error alert, no traceback text) and gets a full-page screenshot in --out; the key pages also get a 1920-wide
one. The root URL must open the landing page at the landing page's own URL, its query parameters kept. Downloads:
one CSV, one PNG and the PDF pack are clicked where a page offers them and their files checked; a kind no
page offers is a failure only with CXPULSE_BROWSER_REQUIRE_DOWNLOADS=1. The escalation flow runs when the
app has an "escalations" page. Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from tests.browser.chromium import CHROMIUM, chromium_browser
from tests.browser.download_checks import DownloadLedger, check_downloads_on_page
from tests.browser.escalation_flow import URL_PATH as ESCALATIONS
from tests.browser.escalation_flow import EscalationFlowFailure, follow_escalation
from tests.browser.labelling_flow import QUALITY, label_and_check_quality
from tests.browser.page_checks import (
    EXPECTATIONS,
    REAL_DATA_EXPECTATIONS,
    Expectation,
    PageResult,
    check_page,
    check_root,
    screenshot_name,
    spec_url,
)
from tests.browser.page_discovery import APP_PATH, PageSpec, app_pages, landing_page, menu_pages
from tests.browser.streamlit_page import warm_up

VIEWPORT = (1440, 900)
WIDE_VIEWPORT = (1920, 1080)
KEY_PAGES = ("executive", "overview")
WIDE_SUFFIX = "_1920"
ESCALATION_SHOT = "escalation_conversation.png"
LABELLING_SHOT = "detector_quality_after_labelling.png"
# docs/screenshots name <- the screenshot of the suite it is copied from
DOCS_SHOTS = {
    "executive.png": f"executive{WIDE_SUFFIX}.png",
    "overview.png": f"overview{WIDE_SUFFIX}.png",
    "data_health.png": "data_health.png",
    "definitions.png": "definitions.png",
    ESCALATION_SHOT: ESCALATION_SHOT,
}
REQUIRE_DOWNLOADS = "CXPULSE_BROWSER_REQUIRE_DOWNLOADS"


def _report_page(result: PageResult, label: str = "") -> None:
    state = "OK  " if result.ok else "FAIL"
    print(f"{state} page {result.spec.url_path}{label}: title {result.heading!r}, {result.charts} chart(s) drawn; "
          f"screenshot {result.screenshot}")
    for problem in result.problems:
        print(f"       problem: {problem}")
    for note in result.notes:
        print(f"       note: {note}")


def run_pages(browser, base_url: str, pages: list[PageSpec], out: Path, timeout_ms: float,
              ledger: DownloadLedger, expectations: dict[str, Expectation] = EXPECTATIONS) -> list[PageResult]:
    results = []
    width, height = VIEWPORT
    for spec in pages:
        page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
        try:
            result = check_page(page, base_url, spec, out / screenshot_name(spec.url_path), width, height, timeout_ms,
                                expectations)
            if result.ok and ledger.missing():
                check_downloads_on_page(page, spec.url_path, ledger, out / "downloads", timeout_ms)
        finally:
            page.close()
        _report_page(result)
        results.append(result)
    width, height = WIDE_VIEWPORT
    for spec in (p for p in pages if p.url_path in KEY_PAGES):
        page = browser.new_page(viewport={"width": width, "height": height})
        try:
            shot = out / screenshot_name(spec.url_path, WIDE_SUFFIX)
            result = check_page(page, base_url, spec, shot, width, height, timeout_ms, expectations)
        finally:
            page.close()
        _report_page(result, f" at {width} wide")
        results.append(result)
    return results


ROOT_QUERY = "compare=last_year"


def run_root(browser, base_url: str, landing: PageSpec, timeout_ms: float) -> list[str]:
    """The root URL, bare and with a query, must open the landing page at its own URL."""
    problems = []
    for query in ("", ROOT_QUERY):
        page = browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
        try:
            problems += check_root(page, base_url, landing.url_path, timeout_ms, query)
        finally:
            page.close()
    state = "FAIL" if problems else "OK  "
    print(f"{state} root URL: opens /{landing.url_path} (query parameters kept)")
    for problem in problems:
        print(f"       problem: {problem}")
    return [f"root URL: {p}" for p in problems]


def report_downloads(ledger: DownloadLedger, required: bool) -> list[str]:
    """Print what was downloaded; return the failures."""
    failures = []
    if not ledger.pages_with_buttons:
        print("     downloads: no page offers a download button yet")
    else:
        print(f"     downloads offered on: {', '.join(ledger.pages_with_buttons)}")
    for kind, result in ledger.results.items():
        if result.problem:
            failures.append(f"{kind.upper()} download from {result.page} ({result.label!r}): {result.problem}")
            print(f"FAIL download {kind.upper()} from {result.page} ({result.label!r}): {result.problem}")
        else:
            print(f"OK   download {kind.upper()} from {result.page} ({result.label!r}): {result.file}: {result.detail}")
    for kind in ledger.missing():
        if required:
            failures.append(f"no page offers a {kind.upper()} download ({REQUIRE_DOWNLOADS}=1)")
            print(f"FAIL download {kind.upper()}: no page offers it ({REQUIRE_DOWNLOADS}=1)")
        else:
            print(f"SKIP download {kind.upper()}: not offered yet by any page "
                  f"(set {REQUIRE_DOWNLOADS}=1 to require it)")
    return failures


def run_escalation(browser, base_url: str, pages: list[PageSpec], out: Path, timeout_ms: float) -> list[str]:
    if ESCALATIONS not in {p.url_path for p in pages}:
        print(f"SKIP escalation flow: the app has no page with url_path {ESCALATIONS!r} yet")
        return []
    width, height = VIEWPORT
    page = browser.new_page(viewport={"width": width, "height": height})
    shot = out / ESCALATION_SHOT
    try:
        result = follow_escalation(page, base_url, shot, width, height, timeout_ms)
    except (EscalationFlowFailure, Exception) as error:  # any failure of the flow is reported, not raised
        page.screenshot(path=str(out / "escalation_failure.png"), full_page=True)
        print(f"FAIL escalation flow: {error} (screenshot {out / 'escalation_failure.png'})")
        return [f"escalation flow: {error}"]
    finally:
        page.close()
    print(f"OK   escalation flow: clicked a chart mark ({result.mark}), picked the first conversation, "
          f"transcript shown, and its URL reopens the drill and the transcript; screenshot {result.screenshot}")
    return run_labelling(browser, base_url, pages, out, timeout_ms, result.conversation)


def run_labelling(browser, base_url: str, pages: list[PageSpec], out: Path, timeout_ms: float,
                  conversation: str) -> list[str]:
    """Label the conversation the escalation flow opened and see Detector quality change
    (tests/browser/labelling_flow.py; it writes one label into the served warehouse)."""
    if QUALITY not in {p.url_path for p in pages} or not conversation:
        print(f"SKIP labelling flow: no page {QUALITY!r} or no conversation opened")
        return []
    page = browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
    try:
        result = label_and_check_quality(page, base_url, conversation, out / LABELLING_SHOT, timeout_ms)
    except Exception as error:  # any failure of the flow is reported, not raised
        page.screenshot(path=str(out / "labelling_failure.png"), full_page=True)
        print(f"FAIL labelling flow: {error} (screenshot {out / 'labelling_failure.png'})")
        return [f"labelling flow: {error}"]
    finally:
        page.close()
    print(f"OK   labelling flow: {result.conversation} labelled {result.right_intent!r}; labels saved "
          f"{result.saved_before} -> {result.saved_after}; screenshot {result.screenshot}")
    return []


def copy_to_docs(out: Path, docs: Path) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    for name, source in DOCS_SHOTS.items():
        if (out / source).exists():
            shutil.copyfile(out / source, docs / name)
            print(f"     copied {out / source} -> {docs / name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8599", help="the served app's base URL")
    parser.add_argument("--out", type=Path, default=Path("artifacts/browser"))
    parser.add_argument("--docs", type=Path, help="copy the key screenshots here when every check passed")
    parser.add_argument("--app", type=Path, default=APP_PATH, help="the app whose st.Page calls list the pages")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for each step")
    parser.add_argument("--real-data", action="store_true",
                        help="a warehouse of a real export: figures it cannot support are 'not measured', so fewer "
                             "charts are required")
    parser.add_argument("--no-escalation-flow", action="store_true",
                        help="the data has no escalations to follow (the page must still draw)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"FAIL: no Chromium at {CHROMIUM} (apt-get install -y chromium)", file=sys.stderr)
        return 1
    started = time.monotonic()
    every_page = app_pages(args.app)
    pages = menu_pages(every_page)
    landing = landing_page(every_page)
    print(f"     {len(pages)} pages in the menu of {args.app.name}: {', '.join(p.url_path for p in pages)}; "
          f"the root opens {landing.url_path}")
    args.out.mkdir(parents=True, exist_ok=True)
    timeout_ms = args.timeout * 1000
    ledger = DownloadLedger()
    with chromium_browser() as browser:
        warm = browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
        warm_up(warm, spec_url(args.url, landing), timeout_ms)
        warm.close()
        expectations = REAL_DATA_EXPECTATIONS if args.real_data else EXPECTATIONS
        results = run_pages(browser, args.url, pages, args.out, timeout_ms, ledger, expectations)
        failures = [f"page {r.spec.url_path}: {p}" for r in results for p in r.problems]
        failures += run_root(browser, args.url, landing, timeout_ms)
        failures += report_downloads(ledger, os.environ.get(REQUIRE_DOWNLOADS) == "1")
        if args.no_escalation_flow:
            print("SKIP escalation flow: --no-escalation-flow (the data has no escalations)")
        else:
            failures += run_escalation(browser, args.url, pages, args.out, timeout_ms)
    seconds = time.monotonic() - started
    if failures:
        print(f"FAILED: {len(failures)} problem(s) in {seconds:.0f} s:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    if args.docs:
        copy_to_docs(args.out, args.docs)
    print(f"PASSED: {len(pages)} pages in {seconds:.0f} s; screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
