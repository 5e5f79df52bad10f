"""The KPI-review pack: one PDF for a leadership meeting (fpdf2, no network, no fonts to ship).

Layout (A4 landscape): a cover block (title, the filters in words, the as-of time, when the file was made)
and the scorecard on the first page(s); then the charts, two to a page, each in its half with its title; a
last page listing the metric definitions and versions the figures were computed with. Every page has a
footer with the filters, the as-of time and the page number, so a page printed or forwarded alone still
says what it shows.

Fonts: the PDF core font Helvetica, which every reader has, in the Windows-1252 encoding (fpdf2's
`core_fonts_encoding`): Latin-1 plus the typographic characters our own texts use (— – … € ‘ ’ “ ”).
Anything outside it (− ≥ ≤ ≈ → ₹ ...) is replaced by a plain equivalent by pdf_safe, and whatever is still
unknown becomes "?", so text from the catalog or a filter value can never make the export crash.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.fonts import FontFace

ENCODING = "windows-1252"
FONT = "Helvetica"
MARGIN_MM = 12.0
FOOTER_MM = 14.0
TEXT_RGB = (31, 41, 51)
MUTED_RGB = (90, 100, 110)
MET_RGB = (0, 120, 80)  # Okabe-Ito green, darkened to read as text
MISSED_RGB = (190, 70, 0)  # Okabe-Ito vermillion, darkened to read as text
HEADER_FILL_RGB = (228, 231, 235)
REPLACEMENTS = {
    "\u2212": "-",  # minus sign
    "\u2010": "-", "\u2011": "-",  # hyphens
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "~",
    "\u2192": "->", "\u2190": "<-", "\u2191": "up", "\u2193": "down",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u200b": "",
    "\u20b9": "INR ",
    "\u2713": "v", "\u2714": "v", "\u2717": "x", "\u2718": "x",
    "\u2032": "'", "\u2033": '"',
}
SCORECARD_COLUMNS = (  # heading, width in mm (they add up to the 273 mm between the margins)
    ("Metric", 58.0), ("Current", 30.0), ("Target", 38.0), ("Change", 32.0), ("Interval", 58.0),
    ("Noise", 29.0), ("Status", 28.0),
)


@dataclass(frozen=True)
class ScorecardRow:
    """One measure as the meeting reads it; every field is display text except within_noise."""

    label: str
    current: str
    target: str
    change: str
    interval: str
    within_noise: bool
    status: str | None  # "met", "missed", "not measured", or None when the metric has no target


@dataclass(frozen=True)
class PackChart:
    title: str
    png: bytes


@dataclass(frozen=True)
class DefinitionUsed:
    metric: str
    version: int | str
    variant: str | None = None


@dataclass(frozen=True)
class KpiPack:
    title: str
    filters: str  # the filters in words: "1 Oct 2026 - 31 Oct 2026 · all channels · team Billing"
    as_of: str  # dashboard.formatting.format_as_of(...)
    scorecard: Sequence[ScorecardRow]
    charts: Sequence[PackChart]
    definitions: Sequence[DefinitionUsed]


def pdf_safe(text: str) -> str:
    """The text with every character the core font cannot draw replaced (see the module docstring)."""
    out = []
    for character in str(text):
        character = REPLACEMENTS.get(character, character)
        try:
            character.encode(ENCODING)
        except UnicodeEncodeError:
            plain = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
            try:
                plain.encode(ENCODING)
                character = plain or "?"
            except UnicodeEncodeError:
                character = "?"
        out.append(character)
    return "".join(out)


def generated_stamp(generated_at: dt.datetime) -> str:
    stamp = generated_at if generated_at.tzinfo else generated_at.replace(tzinfo=dt.UTC)
    return f"Generated {stamp.astimezone(dt.UTC):%d %b %Y, %H:%M} UTC"


class _PackPDF(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.footer_text = pdf_safe(footer_text)
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=FOOTER_MM + 4)

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def fitted(self, text: str, width_mm: float) -> str:
        """The text cut with "..." so that it fits on one line of `width_mm` in the current font."""
        if self.get_string_width(text) <= width_mm:
            return text
        while text and self.get_string_width(text + "...") > width_mm:
            text = text[:-1]
        return text.rstrip() + "..."

    def footer(self) -> None:
        self.set_y(-FOOTER_MM)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED_RGB)
        page = f"Page {self.page_no()} of {{nb}}"  # fpdf2 replaces {nb} with the page count at the end
        page_width = self.get_string_width(f"Page {self.page_no()} of 999") + 2
        text = self.fitted(self.footer_text, self.content_width - page_width - 4)
        self.cell(self.content_width - page_width, 5, text, align="L")
        self.cell(page_width, 5, page, align="R")


def _cover(pdf: _PackPDF, pack: KpiPack, generated_at: dt.datetime) -> None:
    pdf.set_text_color(*TEXT_RGB)
    pdf.set_font(FONT, style="B", size=20)
    pdf.multi_cell(pdf.content_width, 10, pdf_safe(pack.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, size=11)
    for label, text in (("Filters", pack.filters), ("Data", pack.as_of), ("File", generated_stamp(generated_at))):
        pdf.set_font(FONT, style="B", size=11)
        pdf.cell(22, 6, label)
        pdf.set_font(FONT, size=11)
        pdf.multi_cell(pdf.content_width - 22, 6, pdf_safe(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _status_style(status: str | None) -> FontFace | None:
    if status == "met":
        return FontFace(emphasis="BOLD", color=MET_RGB)
    if status == "missed":
        return FontFace(emphasis="BOLD", color=MISSED_RGB)
    return None


def _scorecard(pdf: _PackPDF, rows: Sequence[ScorecardRow]) -> None:
    pdf.set_font(FONT, style="B", size=14)
    pdf.cell(0, 8, "Scorecard", new_x="LMARGIN", new_y="NEXT")
    if not rows:
        pdf.set_font(FONT, size=11)
        pdf.cell(0, 6, "No measures in this pack.", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font(FONT, size=10)
    headings = FontFace(emphasis="BOLD", fill_color=HEADER_FILL_RGB)
    with pdf.table(col_widths=tuple(width for _, width in SCORECARD_COLUMNS), headings_style=headings,
                   line_height=6, text_align="LEFT", width=pdf.content_width) as table:
        heading = table.row()
        for name, _ in SCORECARD_COLUMNS:
            heading.cell(name)
        for row in rows:
            cells = table.row()
            for text in (row.label, row.current, row.target, row.change, row.interval):
                cells.cell(pdf_safe(text or "-"))
            cells.cell("within noise" if row.within_noise else "")
            cells.cell(pdf_safe(row.status or "-"), style=_status_style(row.status))
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(*MUTED_RGB)
    pdf.ln(2)
    pdf.multi_cell(pdf.content_width, 4, "Change: against the period of the same length before. Within noise: "
                   "the interval of the change includes zero, so the change may be chance.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*TEXT_RGB)


def _charts(pdf: _PackPDF, charts: Sequence[PackChart]) -> None:
    half = (pdf.h - MARGIN_MM - FOOTER_MM - 4) / 2
    title_height = 8.0
    for position, chart in enumerate(charts):
        if position % 2 == 0:
            pdf.add_page()
        top = MARGIN_MM + (position % 2) * half
        pdf.set_xy(pdf.l_margin, top)
        pdf.set_font(FONT, style="B", size=12)
        pdf.set_text_color(*TEXT_RGB)
        pdf.cell(pdf.content_width, title_height, pdf.fitted(pdf_safe(chart.title), pdf.content_width))
        pdf.image(io.BytesIO(chart.png), x=pdf.l_margin, y=top + title_height, w=pdf.content_width,
                  h=half - title_height - 3, keep_aspect_ratio=True)


def _definitions(pdf: _PackPDF, definitions: Sequence[DefinitionUsed]) -> None:
    pdf.add_page()
    pdf.set_text_color(*TEXT_RGB)
    pdf.set_font(FONT, style="B", size=14)
    pdf.cell(0, 8, "Definitions used", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(pdf.content_width, 5, "Each figure was computed with the catalog definition below "
                   "(sql/metrics/*.yml); a new version means the definition changed.", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.ln(2)
    if not definitions:
        pdf.cell(0, 6, "No definitions listed.", new_x="LMARGIN", new_y="NEXT")
        return
    headings = FontFace(emphasis="BOLD", fill_color=HEADER_FILL_RGB)
    with pdf.table(col_widths=(110.0, 40.0, 123.0), headings_style=headings, line_height=6,
                   text_align="LEFT", width=pdf.content_width) as table:
        heading = table.row()
        for name in ("Metric", "Version", "Variant"):
            heading.cell(name)
        for definition in definitions:
            row = table.row()
            row.cell(pdf_safe(definition.metric))
            row.cell(pdf_safe(f"v{definition.version}"))
            row.cell(pdf_safe(definition.variant or "-"))


def kpi_pack_pdf(pack: KpiPack, generated_at: dt.datetime | None = None, compress: bool = True) -> bytes:
    """The pack as PDF bytes. `generated_at` defaults to now (UTC); compress=False leaves the page text
    readable in the file (tests read it)."""
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    footer = f"{pack.title} · {pack.filters} · {pack.as_of}"
    pdf = _PackPDF(footer)
    pdf.set_compression(compress)
    pdf.set_title(pdf_safe(pack.title))
    pdf.set_creator("cxpulse")
    pdf.set_creation_date(generated_at if generated_at.tzinfo else generated_at.replace(tzinfo=dt.UTC))
    pdf.add_page()
    _cover(pdf, pack, generated_at)
    _scorecard(pdf, pack.scorecard)
    _charts(pdf, pack.charts)
    _definitions(pdf, pack.definitions)
    return bytes(pdf.output())
