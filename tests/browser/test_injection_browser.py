"""Injection and outside requests in headless Chromium (issue 13): the app served on the payload warehouse
(tests/conftest.py: a link, image, script and emphasis payload in every name and free-text field of
canonical_small), every page opened once with every URL parameter carrying the payload, then the escalated chat.
The rendered DOM holds no link or image to the payload's host and no script from the data; and no request of the
page goes anywhere but the local server (every other request is recorded and refused)."""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM
from tests.browser.served_app import served_dashboard
from tests.conftest import payload_url_params

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (Debian's chromium)")]
PAGE_PATHS = ("executive", "escalations", "overview", "journeys", "automation", "experience", "risk", "capacity",
              "data-health", "definitions", "detector-quality", "intent-discovery")
DATES = {"start": "2026-05-01", "end": "2026-05-31"}

_INJECTED_JS = """() => ({
  links: Array.from(document.querySelectorAll('a[href*="evil.example"]')).map(a => a.outerHTML),
  images: Array.from(document.querySelectorAll('img[src*="evil.example"], [style*="evil.example"]'))
    .map(e => e.outerHTML),
  scripts: Array.from(document.querySelectorAll('script')).filter(s => s.textContent.includes('alert(1)'))
    .map(s => s.outerHTML),
  bold: Array.from(document.querySelectorAll('strong, b')).filter(b => b.textContent.trim() === 'bold').length,
})"""


@pytest.fixture
def served_payload_app(payload_warehouse_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Base URL of a Streamlit server on the payload warehouse, bound to 127.0.0.1, and the URL parameters that
    carry the payload; stopped after."""
    params = payload_url_params(payload_warehouse_url, DATES)
    with served_dashboard(payload_warehouse_url, tmp_path / "serve.log") as base:
        yield base, params


# one served app (DuckDB): what the browser renders does not depend on the engine; the AppTest suite covers both
@pytest.mark.parametrize("payload_warehouse_url", ["duckdb"], indirect=True)
def test_no_payload_is_live_and_no_request_leaves_the_machine(served_payload_app: tuple[str, dict[str, str]]) -> None:
    from playwright.sync_api import Route

    from tests.browser.chromium import chromium_browser
    from tests.browser.streamlit_page import open_page, warm_up

    base, params = served_payload_app
    outside: list[str] = []
    requested: list[str] = []

    def local_only(route: Route) -> None:
        url = route.request.url
        if url.startswith((f"{base}/", "data:", "blob:", "about:")) or url == base:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    # every page once with every URL parameter carrying the payload, then the escalated chat's transcript
    urls = [f"{base}/{path}?{urllib.parse.urlencode(params)}" for path in PAGE_PATHS]
    urls.append(f"{base}/escalations?{urllib.parse.urlencode({**DATES, 'conversation': 'I5'})}")
    found: dict[str, dict[str, object]] = {}
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda request: requested.append(request.url))
        page.route("**/*", local_only)
        warm_up(page, base, 60_000)
        for url in urls:
            open_page(page, url, 60_000)
            injected = page.evaluate(_INJECTED_JS)
            if any(injected.values()):
                found[url] = injected
        transcript = page.inner_text('[data-testid="stMain"]')  # the last page: conversation I5
    assert found == {}
    assert outside == []
    # every request of every page (scripts, styles, fonts, icons, the websocket) went to the local server
    assert requested and [url for url in requested if not url.startswith((f"{base}/", "data:", "blob:"))] == []
    # the payload did reach the page, as text: the transcript shows its characters
    assert "[click](https://evil.example/a)" in transcript
    assert "<script>alert(1)</script>" in transcript
