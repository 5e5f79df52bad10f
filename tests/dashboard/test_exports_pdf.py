"""The KPI-review PDF pack: read back the text fpdf2 writes when compression is off."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib

import pytest

from dashboard.exports import DefinitionUsed, KpiPack, PackChart, ScorecardRow, kpi_pack_pdf, pdf_safe

GENERATED_AT = dt.datetime(2026, 11, 22, 21, 5, tzinfo=dt.UTC)
FILTERS = "1 Oct 2026 – 31 Oct 2026 · all channels · team Billing"
AS_OF = "As of 1 Nov 2026, 06:03 (Europe/Rome)"
_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
_ESCAPE = re.compile(rb"\\(.)", re.S)


def _pdf_texts(data: bytes) -> list[str]:
    """Every string shown with Tj in an uncompressed PDF, unescaped, decoded from Windows-1252."""
    return [_ESCAPE.sub(rb"\1", match.group(1)).decode("cp1252") for match in _STRING.finditer(data)]


def _png(width: int, height: int) -> bytes:
    """A tiny valid grey PNG, so the test does not depend on the chart renderer."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _pack(charts: int = 3, rows: list[ScorecardRow] | None = None) -> KpiPack:
    scorecard = rows or [
        ScorecardRow("Service level", "83.4%", "Target ≥ 80.0%", "+2.1 pp", "95% CI −0.5 to +4.7 pp", True, "met"),
        ScorecardRow("First reply time", "4.6 h", "Target ≤ 4.0 h", "+0.4 h", "95% CI +0.1 to +0.7 h", False,
                     "missed"),
        ScorecardRow("Interactions", "12,345", "", "+3.0%", "—", False, None),
    ]
    return KpiPack(
        title="KPI review — October 2026",
        filters=FILTERS,
        as_of=AS_OF,
        scorecard=scorecard,
        charts=[PackChart(f"Chart number {n + 1}", _png(60, 25)) for n in range(charts)],
        definitions=[
            DefinitionUsed("service_level", 1, "abandons_counted_short_excluded"),
            DefinitionUsed("first_reply_time", 3, "from_creation"),
            DefinitionUsed("interactions", 2, None),
        ],
    )


def test_pdf_safe_replaces_what_the_core_font_cannot_draw() -> None:
    # Windows-1252 keeps × … — – € ; the rest gets plain equivalents, and anything unknown a "?".
    assert pdf_safe("−5 ≥ 3 × 2 … ≤ ≈ → ₹9") == "-5 >= 3 × 2 … <= ~ -> INR 9"
    assert pdf_safe("€ — – “q” ‘q’ · é") == "€ — – “q” ‘q’ · é"
    assert pdf_safe("漢字") == "??"
    assert pdf_safe("ﬁ") == "fi"  # a ligature decomposes to its letters


def test_pack_is_a4_landscape_and_starts_with_the_pdf_header() -> None:
    data = kpi_pack_pdf(_pack(), GENERATED_AT, compress=False)
    assert data.startswith(b"%PDF-")
    # A4 landscape: 297 x 210 mm = 841.89 x 595.28 points (72 points per 25.4 mm)
    assert b"/MediaBox [0 0 841.89 595.28]" in data


def test_pack_text_has_filters_as_of_stamp_scorecard_and_definitions() -> None:
    texts = _pdf_texts(kpi_pack_pdf(_pack(), GENERATED_AT, compress=False))
    assert "KPI review — October 2026" in texts
    assert FILTERS in texts
    assert AS_OF in texts
    assert "Generated 22 Nov 2026, 21:05 UTC" in texts
    for label in ("Service level", "First reply time", "Interactions"):
        assert label in texts
    # the catalog's typographic characters come out in their plain forms
    assert "Target >= 80.0%" in texts and "Target <= 4.0 h" in texts
    assert "95% CI -0.5 to +4.7 pp" in texts
    assert texts.count("within noise") == 1
    assert "met" in texts and "missed" in texts
    for name, version, variant in (("service_level", "v1", "abandons_counted_short_excluded"),
                                   ("first_reply_time", "v3", "from_creation"), ("interactions", "v2", "-")):
        position = texts.index(name)
        assert texts[position + 1:position + 3] == [version, variant]
    for n in (1, 2, 3):
        assert f"Chart number {n}" in texts


def test_every_page_has_the_footer() -> None:
    data = kpi_pack_pdf(_pack(charts=3), GENERATED_AT, compress=False)
    texts = _pdf_texts(data)
    # 1 page for the cover and scorecard + 3 charts at two per page (2 pages) + 1 page of definitions = 4
    assert data.count(b"/Type /Page\n") == 4
    footer = f"KPI review — October 2026 · {FILTERS} · {AS_OF}"
    assert texts.count(footer) == 4
    assert [text for text in texts if text.startswith("Page ")] == [f"Page {n} of " for n in (1, 2, 3, 4)]


def test_charts_fill_their_half_page_inside_the_margins() -> None:
    data = kpi_pack_pdf(_pack(charts=2), GENERATED_AT, compress=False)
    # fpdf2 draws an image as "q w 0 0 h x y cm /I1 Do Q", in points from the bottom-left corner
    placed = [tuple(float(n) for n in match.split()[::3][:2] + match.split()[4:6])
              for match in re.findall(rb"q ([\d. ]+) cm /I\w+ Do Q", data)]
    assert len(placed) == 2
    points_per_mm = 72 / 25.4
    # half page: (210 - 12 top margin - 14 footer - 4) / 2 = 90 mm; less 8 mm of title and 3 mm of gap = 79 mm
    for width, height, x, y in placed:
        assert height == pytest.approx(79 * points_per_mm, abs=0.1)
        assert width / height == pytest.approx(60 / 25, rel=0.01)  # the PNG's aspect ratio is kept
        assert x >= 12 * points_per_mm and x + width <= (297 - 12) * points_per_mm
        assert y >= 14 * points_per_mm  # above the footer
        assert y + height <= (210 - 12) * points_per_mm
    (_, upper_height, _, upper_y), (_, _, _, lower_y) = placed
    assert lower_y + upper_height <= upper_y  # the lower chart ends below where the upper one starts


def test_a_long_scorecard_flows_onto_more_pages() -> None:
    rows = [ScorecardRow(f"Measure {n:02d}", "1", "2", "+1", "0 to 2", n % 2 == 0, "met") for n in range(40)]
    data = kpi_pack_pdf(_pack(charts=0, rows=rows), GENERATED_AT, compress=False)
    texts = _pdf_texts(data)
    assert all(f"Measure {n:02d}" in texts for n in range(40))
    assert texts.count("within noise") == 20
    assert texts.count("Metric") >= 3  # the table heading repeats on each page it spans (+ definitions page)


def test_a_long_chart_title_is_cut_to_one_line() -> None:
    pack = _pack(charts=0)
    pack = KpiPack(pack.title, pack.filters, pack.as_of, pack.scorecard,
                   [PackChart("Very long title " * 40, _png(10, 10))], pack.definitions)
    texts = _pdf_texts(kpi_pack_pdf(pack, GENERATED_AT, compress=False))
    (title,) = [text for text in texts if text.startswith("Very long title")]
    assert title.endswith("...") and len(title) < len("Very long title " * 40)


def test_compressed_pack_is_a_pdf_too() -> None:
    data = kpi_pack_pdf(_pack())
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("hostile", ["=cmd|' /C calc'!A0", "漢字 ≥ − … ()\\", ""])
def test_odd_text_never_crashes(hostile: str) -> None:
    rows = [ScorecardRow(hostile, hostile, hostile, hostile, hostile, True, hostile or None)]
    pack = KpiPack(hostile, hostile, hostile, rows, [PackChart(hostile, _png(10, 10))],
                   [DefinitionUsed(hostile, hostile, hostile)])
    assert kpi_pack_pdf(pack, GENERATED_AT).startswith(b"%PDF-")
