"""Download buttons in the browser: click one CSV, one PNG and the PDF pack, and check the files.

Pages are found to offer downloads generically: Streamlit download buttons (`stDownloadButton`) and any
button whose label starts with "Download". A button's kind comes from its label (CSV, PNG, PDF or "pack")
and is confirmed by the file's extension.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.file_checks import FileCheckFailure, as_of_in, check_csv, check_pdf, check_png
from tests.browser.streamlit_page import MAIN

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

KINDS = ("csv", "png", "pdf")
BUTTONS = '[data-testid="stDownloadButton"] button, button:text-matches("^\\s*Download", "i")'
ICON = '[data-testid="stIconMaterial"]'
LABEL_KIND = (("pdf", re.compile(r"\bpdf\b|\bpack\b", re.IGNORECASE)),
              ("png", re.compile(r"\bpng\b", re.IGNORECASE)),
              ("csv", re.compile(r"\bcsv\b", re.IGNORECASE)))


@dataclass
class DownloadResult:
    kind: str
    page: str = ""
    label: str = ""
    file: Path | None = None
    detail: str = ""
    problem: str | None = None


@dataclass
class DownloadLedger:
    """Which kinds were checked, where, and what was found; the first page offering a kind is used."""

    results: dict[str, DownloadResult] = field(default_factory=dict)
    pages_with_buttons: list[str] = field(default_factory=list)

    def missing(self) -> list[str]:
        return [kind for kind in KINDS if kind not in self.results]


def kind_of_label(label: str) -> str | None:
    """csv, png or pdf from a button's label, or None (pure)."""
    for kind, pattern in LABEL_KIND:
        if pattern.search(label):
            return kind
    return None


def button_label(text: str, icon_text: str = "") -> str:
    """A button's label as read: whitespace collapsed, without the icon's ligature text ("download") (pure)."""
    words = " ".join(text.split())
    icon = " ".join(icon_text.split())
    if icon and words.startswith(icon):
        words = words[len(icon):].strip()
    return words


def _verify(kind: str, data: bytes, page_text: str) -> str:
    if kind == "csv":
        header, rows = check_csv(data)
        return f"{rows} rows; header {', '.join(header[:6])}{' ...' if len(header) > 6 else ''}"
    if kind == "png":
        size = check_png(data)
        return f"{size.width} x {size.height} px, {len(data):,} bytes"
    as_of = as_of_in(page_text)
    if as_of is None:
        raise FileCheckFailure("the page shows no as-of text to look for in the PDF")
    pages = check_pdf(data, as_of)
    return f"{pages} page(s), carries {as_of!r}, {len(data):,} bytes"


def _download(page: Page, button: Locator, kind: str, folder: Path, timeout_ms: float) -> tuple[Path, bytes]:
    with page.expect_download(timeout=timeout_ms) as info:
        button.click()
    download = info.value
    failure = download.failure()
    if failure:
        raise FileCheckFailure(f"the download failed: {failure}")
    name = download.suggested_filename
    if not name.lower().endswith(f".{kind}"):
        raise FileCheckFailure(f"expected a .{kind} file, got {name!r}")
    target = folder / name
    download.save_as(str(target))
    return target, target.read_bytes()


def open_download_expanders(page: Page, most: int = 4) -> int:
    """Open the first collapsed expanders titled "Download" (pages keep chart downloads in them; a button
    inside a closed expander has no visible label). Returns how many were opened."""
    summaries = page.locator('[data-testid="stExpander"] details:not([open]) > summary', has_text="Download")
    opened = 0
    for _ in range(min(summaries.count(), most)):
        summaries.first.click()
        page.wait_for_timeout(300)
        opened += 1
    return opened


def check_downloads_on_page(page: Page, url_path: str, ledger: DownloadLedger, folder: Path,
                            timeout_ms: float) -> None:
    """Click the first button of each kind not yet checked, on the page the browser shows."""
    from playwright.sync_api import Error as PlaywrightError

    if {"csv", "png", "pdf"} - set(ledger.results):
        open_download_expanders(page)
    buttons = page.locator(BUTTONS)
    count = buttons.count()
    if not count:
        return
    ledger.pages_with_buttons.append(f"{url_path} ({count} buttons)")
    folder.mkdir(parents=True, exist_ok=True)
    page_text = "\n".join(page.locator(MAIN).all_inner_texts())
    for index in range(count):
        button = buttons.nth(index)
        label = button_label(button.inner_text(), next(iter(button.locator(ICON).all_inner_texts()), ""))
        kind = kind_of_label(label)
        if kind is None or kind in ledger.results:
            continue
        result = DownloadResult(kind=kind, page=url_path, label=label)
        try:
            button.scroll_into_view_if_needed(timeout=timeout_ms)
            result.file, data = _download(page, button, kind, folder, timeout_ms)
            result.detail = _verify(kind, data, page_text)
        except FileCheckFailure as error:
            result.problem = str(error)
        except PlaywrightError as error:
            result.problem = f"the download did not arrive: {str(error).splitlines()[0]}"
        ledger.results[kind] = result
