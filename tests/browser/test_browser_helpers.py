"""The browser suite's pure parts: page discovery from the app's source, and the checks of downloaded files.
(The suite itself needs a served app and Chromium: .ci/browser_smoke.sh runs it.)"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from tests.browser.download_checks import button_label, kind_of_label
from tests.browser.file_checks import FileCheckFailure, as_of_in, check_csv, check_pdf, check_png, pdf_text
from tests.browser.page_checks import screenshot_name, spec_url, traceback_lines, url_path_of
from tests.browser.page_discovery import PageSpec, app_pages, discover_pages, landing_page, menu_pages

REPO = Path(__file__).resolve().parents[2]


def test_the_app_pages_are_read_without_running_streamlit() -> None:
    pages = app_pages()
    paths = [p.url_path for p in pages]
    assert "executive" in paths and "overview" in paths and "definitions" in paths
    assert len(paths) == len(set(paths))
    # Streamlit serves its default page at the root only: the default page is a hidden one (the root), and the
    # Executive review, first in the menu, has a URL of its own like every other page
    assert [(p.url_path, p.is_hidden) for p in pages if p.is_default] == [("home", True)]
    menu = menu_pages(pages)
    assert menu[0].url_path == "executive" and not any(p.is_default for p in menu)
    assert landing_page(pages).url_path == "executive"


def test_url_paths_from_literals_constants_of_imported_modules_and_file_names(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "names.py").write_text('URL_PATH = "glossary"\n')
    source = (
        "import streamlit as st\n"
        "from pkg import names\n"
        'FOLDER = "scripts"\n'
        "PAGES = {'A': [\n"
        '  st.Page(f"{FOLDER}/home.py", title="Home", url_path="home", default=True),\n'
        '  st.Page("scripts/02_escalations.py", title="Escalations"),\n'
        '  st.Page("scripts/words.py", url_path=names.URL_PATH),\n'
        "]}\n"
    )
    pages = discover_pages(source, tmp_path)
    assert pages == [
        PageSpec("home", "Home", "scripts/home.py", True),
        # no url_path: Streamlit takes the file name without its leading number
        PageSpec("escalations", "Escalations", "scripts/02_escalations.py", False),
        PageSpec("glossary", "glossary", "scripts/words.py", False),
    ]


def test_without_a_default_the_first_page_is_the_default(tmp_path: Path) -> None:
    source = 'import streamlit as st\nst.navigation([st.Page("a.py"), st.Page("b.py")]).run()\n'
    assert [(p.url_path, p.is_default) for p in discover_pages(source, tmp_path)] == [("a", True), ("b", False)]


def test_hidden_pages_are_left_out_of_the_menu_and_name_the_landing_page(tmp_path: Path) -> None:
    source = (
        "import streamlit as st\n"
        'st.navigation([st.Page("root.py", title="Review", url_path="home", default=True, visibility="hidden"),\n'
        '               st.Page("review.py", title="Review", url_path="review"), st.Page("b.py")]).run()\n'
    )
    pages = discover_pages(source, tmp_path)
    assert [(p.url_path, p.is_default, p.is_hidden) for p in pages] == [
        ("home", True, True), ("review", False, False), ("b", False, False)]
    assert [p.url_path for p in menu_pages(pages)] == ["review", "b"]
    assert landing_page(pages).url_path == "review"


def test_every_page_of_the_menu_is_opened_at_its_own_url() -> None:
    # the landing page too: opening it at the root only is what hid the "Page not found" of /executive
    assert spec_url("http://h:1/", PageSpec("executive", "E", "e.py", True)) == "http://h:1/executive"
    assert spec_url("http://h:1", PageSpec("data-health", "D", "d.py")) == "http://h:1/data-health"
    assert url_path_of("http://h:1/executive?compare=last_year") == "executive"
    assert url_path_of("http://h:1/") == ""
    assert screenshot_name("data-health") == "data_health.png"
    assert screenshot_name("overview", "_1920") == "overview_1920.png"


def test_button_labels_give_the_kind() -> None:
    assert kind_of_label("KPI pack (PDF)") == "pdf"
    assert kind_of_label("Download PNG") == "png"
    assert kind_of_label("CSV") == "csv"
    assert kind_of_label("Excel") is None
    assert kind_of_label("SVG") is None
    assert button_label("download\n\nKPI pack (PDF)", "download") == "KPI pack (PDF)"
    assert button_label("  Download  CSV ") == "Download CSV"


def test_traceback_text_is_found() -> None:
    text = 'Overview\nTraceback (most recent call last):\n  File "/app/x.py", line 3, in <module>\nValueError'
    assert traceback_lines(text) == ["Traceback (most recent call last):", 'File "/app/x.py", line 3, in <module>']
    assert traceback_lines("File a complaint, line by line") == []
    # the exception line alone, as Streamlit's error box shows it, and a server path
    assert traceback_lines("Journeys\nTypeError: cumsum is not supported for object dtype") == [
        "TypeError: cumsum is not supported for object dtype"]
    assert traceback_lines("pandas.errors.ParserError: bad line") == ["pandas.errors.ParserError: bad line"]
    assert traceback_lines("at /srv/.venv/lib/python3.11/site-packages/pandas/core/groupby.py") != []
    assert traceback_lines("Error id 1A2B3C4D: quote it to whoever runs cxpulse") == []
    assert traceback_lines("Escalation reason: customer asked for a person") == []


def test_csv_with_bom_and_header() -> None:
    header, rows = check_csv("\ufeffweek,contacts\n2026-11-02,10\n2026-11-09,12\n".encode())
    assert header == ["week", "contacts"] and rows == 2
    with pytest.raises(FileCheckFailure):
        check_csv(b"")
    with pytest.raises(FileCheckFailure):
        check_csv(b",contacts\n1,2\n")  # an unnamed first column is no header


def _png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))


def test_png_size_from_its_header() -> None:
    size = check_png(_png(1200, 675))
    assert (size.width, size.height) == (1200, 675)
    with pytest.raises(FileCheckFailure):
        check_png(b"GIF89a....")


def test_pdf_text_is_found_in_compressed_streams() -> None:
    content = zlib.compress(rb"BT (As of 22 Nov 2026, 06:03 \(UTC\)) Tj ET")
    data = b"%PDF-1.3\n1 0 obj <</Type /Page>> endobj\n2 0 obj <</Filter /FlateDecode>>\nstream\n" + content + (
        b"\nendstream\nendobj\n%%EOF")
    assert "As of 22 Nov 2026, 06:03 (UTC)" in pdf_text(data)
    assert check_pdf(data, "As of 22 Nov 2026, 06:03 (UTC)") == 1
    with pytest.raises(FileCheckFailure):
        check_pdf(data, "As of 23 Nov 2026, 06:03 (UTC)")
    with pytest.raises(FileCheckFailure):
        check_pdf(b"<html>", "As of")


def test_the_kpi_pack_carries_its_as_of_text() -> None:
    from dashboard.exports import KpiPack, kpi_pack_pdf

    as_of = "As of 1 Nov 2026, 06:03 (Europe/Rome)"
    pack = KpiPack(title="KPI review", filters="all channels", as_of=as_of, scorecard=[], charts=[], definitions=[])
    assert check_pdf(kpi_pack_pdf(pack), as_of) >= 1


def test_as_of_text_from_a_page_header() -> None:
    caption = "24 Aug 2026 – 21 Nov 2026 · As of 22 Nov 2026, 22:04 (UTC) · days counted in UTC"
    assert as_of_in(caption) == "As of 22 Nov 2026, 22:04 (UTC)"
    assert as_of_in("no date here") is None
