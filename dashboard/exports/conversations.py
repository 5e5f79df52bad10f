"""The one-row-per-conversation export: pages from the warehouse streamed into one CSV or XLSX file.

The caller pages through the warehouse (keyset pagination, a server-side cursor, `fetchmany`) and passes
an iterator of DataFrames; only one page is in memory at a time, whatever the file format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO, Literal

import pandas as pd

from dashboard.exports.csv_files import stream_csv
from dashboard.exports.xlsx_files import stream_xlsx

FileFormat = Literal["csv", "xlsx"]


def export_conversations(
    pages: Iterable[pd.DataFrame],
    out: BinaryIO | str | Path,
    file_format: FileFormat,
    columns: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    currency: str = "USD",
) -> int:
    """Stream the pages to `out` as CSV or XLSX; returns the number of conversations written.

    `columns` maps a page column to its header (and chooses and orders the columns); `units` maps a page
    column to its catalog unit, for the XLSX number formats (CSV keeps the raw numbers).
    """
    if file_format == "csv":
        return stream_csv(pages, out, columns)
    if file_format == "xlsx":
        return stream_xlsx(pages, out, units, sheet="Conversations", currency=currency, columns=columns)
    raise ValueError(f"unknown file format {file_format!r}: csv or xlsx")
