"""Tables as CSV: UTF-8 with a byte-order mark, text quoted, formula triggers neutralised.

Why a BOM: Excel opens a double-clicked .csv in the machine's legacy code page (Windows-1252 on most
European Windows installs) unless the file starts with the UTF-8 byte-order mark, so "Què", "Müller" or
"€" would turn into mojibake. With the BOM Excel reads UTF-8; pandas (`encoding="utf-8-sig"`), Python's csv
module and most tools skip it. The price: a tool reading with plain "utf-8" sees "\ufeff" glued to the
first header.

Why every text field is quoted (csv.QUOTE_NONNUMERIC): Excel in a locale whose list separator is ";"
(Italy, Germany, France) splits unquoted fields on ";", and a text such as `x;=HYPERLINK(...)` would then
start a new cell with `=`. Quoted, it stays one cell. Numbers stay unquoted so they read as numbers.
Rows end in CRLF, as RFC 4180 says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from dashboard.exports.cells import neutralise_frame, neutralise_text

ENCODING = "utf-8-sig"
LINE_TERMINATOR = "\r\n"


def _readable(frame: pd.DataFrame, columns: Mapping[str, str] | None) -> pd.DataFrame:
    """The frame with its columns renamed (and, when `columns` is given, chosen and ordered) by it."""
    if not columns:
        return frame
    return frame.loc[:, list(columns)].rename(columns=dict(columns))


def _csv_text(frame: pd.DataFrame, header: bool) -> str:
    return neutralise_frame(frame).to_csv(
        index=False, header=header, quoting=csv.QUOTE_NONNUMERIC, lineterminator=LINE_TERMINATOR
    )


def table_csv(frame: pd.DataFrame, columns: Mapping[str, str] | None = None) -> bytes:
    """The table as CSV bytes (BOM, UTF-8, quoted text, neutralised cells, no index).

    `columns` maps column -> readable header; when given, only those columns are written, in its order.
    """
    return _csv_text(_readable(frame, columns), header=True).encode(ENCODING)


def stream_csv(
    pages: Iterable[pd.DataFrame], out: BinaryIO | str | Path, columns: Mapping[str, str] | None = None
) -> int:
    """Write pages of one table to `out` (a path or a binary file) one page at a time; returns the row count.

    Only one page is held at a time. The header comes from the first page; a run without pages writes only
    the BOM and, when `columns` is given, the header. Later pages must have the first page's columns.
    """
    if isinstance(out, str | Path):
        with open(out, "wb") as handle:
            return stream_csv(pages, handle, columns)
    out.write("\ufeff".encode())
    rows = 0
    expected: list[str] | None = None
    for page in pages:
        readable = _readable(page, columns)
        names = [str(name) for name in readable.columns]
        if expected is None:
            expected = names
            out.write(_csv_text(readable.iloc[0:0], header=True).encode("utf-8"))
        elif names != expected:
            raise ValueError(f"the page after row {rows} has columns {names}, the first page had {expected}")
        out.write(_csv_text(readable, header=False).encode("utf-8"))
        rows += len(readable)
    if expected is None and columns:
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator=LINE_TERMINATOR).writerow(
            [neutralise_text(name) for name in columns.values()]
        )
        out.write(buffer.getvalue().encode("utf-8"))
    return rows
