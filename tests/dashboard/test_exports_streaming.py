"""The one-row-per-conversation export: pages streamed to CSV or XLSX, checked row by row."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard.exports import export_conversations, stream_csv, stream_xlsx

ROWS = 120_000
PAGE = 10_000
EVIL_EVERY = 1_000
XLSX_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _pages(rows: int = ROWS, page: int = PAGE) -> Iterator[pd.DataFrame]:
    """Conversations made one page at a time, as a caller paging through the warehouse would."""
    for start in range(0, rows, page):
        ids = range(start, min(start + page, rows))
        yield pd.DataFrame({
            "conversation_id": [f"c{i:06d}" for i in ids],
            "queue_wait_seconds": [float(i % 600) for i in ids],
            "sentiment_change": [-(i % 7) / 10 for i in ids],  # negative numbers: never altered
            "customer_note": ["=HYPERLINK(\"http://x\")" if i % EVIL_EVERY == 0 else f"note {i}" for i in ids],
        })


HEADERS = {"conversation_id": "Conversation", "queue_wait_seconds": "Queue wait", "sentiment_change": "Change",
           "customer_note": "Note"}
UNITS = {"queue_wait_seconds": "seconds", "sentiment_change": "score"}


def test_120k_conversations_stream_to_csv(tmp_path: Path) -> None:
    target = tmp_path / "conversations.csv"
    assert stream_csv(_pages(), target, HEADERS) == ROWS
    back = pd.read_csv(target, encoding="utf-8-sig")
    assert list(back.columns) == ["Conversation", "Queue wait", "Change", "Note"]
    assert len(back) == ROWS
    assert back["Conversation"].is_unique and back["Conversation"].iloc[-1] == "c119999"
    # 0 + 1 + ... + 599 = 599 * 600 / 2 = 179,700 per full cycle of 600 rows; 120,000 rows are 200 cycles
    assert back["Queue wait"].sum() == 200 * 179_700
    assert back["Change"].min() == -0.6
    evil = back[back["Note"].str.startswith("'=")]
    assert len(evil) == ROWS // EVIL_EVERY  # 120
    assert evil["Conversation"].iloc[1] == "c001000"
    assert not back["Note"].str.startswith("=").any()


def _sheet_rows(path: Path, member: str = "xl/worksheets/sheet1.xml") -> Iterator[list[object]]:
    """The cell values of a sheet, row by row, straight from its XML: openpyxl takes about three times as
    long over 120k rows on this machine. constant_memory writes text as inline strings."""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        for _, element in ET.iterparse(stream):
            if element.tag != f"{XLSX_NS}row":
                continue
            values: list[object] = []
            for cell in element:
                if cell.get("t") == "inlineStr":
                    values.append("".join(cell.find(f"{XLSX_NS}is").itertext()))
                else:
                    value = cell.find(f"{XLSX_NS}v")
                    values.append(float(value.text) if value is not None else None)
            element.clear()
            yield values


@pytest.mark.slow
def test_120k_conversations_stream_to_xlsx(tmp_path: Path) -> None:
    target = tmp_path / "conversations.xlsx"
    assert export_conversations(_pages(), target, "xlsx", columns=HEADERS, units=UNITS) == ROWS
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames == ["Conversations"]
    sheet = book["Conversations"]
    header, first, second = sheet.iter_rows(max_row=3)
    assert [cell.value for cell in header] == ["Conversation", "Queue wait", "Change", "Note"]
    assert all(cell.font.b for cell in header)
    # 1 second, an Excel duration (the cell holds a day fraction; openpyxl reads it back as a time span)
    assert second[1].value == dt.timedelta(seconds=1)
    assert second[1].number_format == "[h]:mm:ss"
    assert second[2].value == -0.1 and second[2].number_format == "+0.00;-0.00;0.00"
    assert first[3].value == "'=HYPERLINK(\"http://x\")"
    book.close()

    rows = _sheet_rows(target)
    assert next(rows) == ["Conversation", "Queue wait", "Change", "Note"]
    count, wait_days, evil = 0, 0.0, 0
    for conversation, wait, change, note in rows:
        assert conversation == f"c{count:06d}"
        count += 1
        wait_days += wait
        evil += note.startswith("'=")
        assert change <= 0
    assert count == ROWS
    # seconds are written as day fractions: 200 * 179,700 s / 86,400 = 415.97... days
    assert wait_days == pytest.approx(200 * 179_700 / 86_400)
    assert evil == ROWS // EVIL_EVERY


def test_rows_past_the_sheet_limit_continue_on_a_new_sheet() -> None:
    out = io.BytesIO()
    # 10 rows in pages of 3, at most 4 data rows a sheet: 4 + 4 + 2
    assert stream_xlsx(_pages(rows=10, page=3), out, max_rows_per_sheet=4) == 10
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Conversations", "Conversations (2)", "Conversations (3)"]
    assert [sheet.max_row for sheet in book] == [5, 5, 3]  # each with its header row
    ids = [row[0] for sheet in book for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == [f"c{i:06d}" for i in range(10)]
    assert all(sheet["A1"].value == "conversation_id" for sheet in book)


def test_pages_must_keep_their_columns() -> None:
    pages = iter([pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [2]})])
    with pytest.raises(ValueError, match="first page had"):
        stream_csv(pages, io.BytesIO())
    with pytest.raises(ValueError, match="first page had"):
        stream_xlsx(iter([pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [2]})]), io.BytesIO())


def test_no_pages_gives_a_header_only_csv_and_an_empty_sheet() -> None:
    out = io.BytesIO()
    assert stream_csv(iter([]), out, {"conversation_id": "Conversation"}) == 0
    assert out.getvalue() == b'\xef\xbb\xbf"Conversation"\r\n'
    out = io.BytesIO()
    assert stream_xlsx(iter([]), out) == 0
    assert openpyxl.load_workbook(io.BytesIO(out.getvalue())).sheetnames == ["Conversations"]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="csv or xlsx"):
        export_conversations(_pages(rows=1), io.BytesIO(), "parquet")  # type: ignore[arg-type]
