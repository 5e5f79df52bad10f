"""Tables as Excel workbooks (xlsxwriter): bold header, fitted widths, numbers kept as numbers.

Numbers are written as numbers (never as the text the page shows: "25,407" or "72.7%" in a cell cannot be
summed) with a number format chosen by the catalog unit of their column, or of each row when a table mixes
units (a scorecard: `units` maps the column to one unit per row):

- rate: `0.0%` (the cell holds the 0-1 share, Excel shows 83.4%);
- seconds: an Excel duration, `[h]:mm:ss` (the cell holds the day fraction: 90 s is 0:01:30, 30 h is
  30:00:00). Excel cannot show a negative duration (#####), so a negative one is written as a signed
  number of seconds, `+#,##0 "s"`, like a change of a duration (unit seconds_change);
- money: `#,##0.00 "EUR"`, the currency code of the settings, so a pasted figure keeps its currency;
- count `#,##0`, score `+0.00;-0.00;0.00`, per_contact `#,##0.00`, ces `0.00`;
- changes (CHANGE_UNITS, for a delta or its interval): points `+0.0 "pp"` (the change of a rate, in
  percentage points), seconds_change, money_change, count_change and signed, all with their sign;
- a column without a unit keeps Excel's General format.

Text is always written with write_string (never parsed as a formula or URL) and neutralised like the CSV
(dashboard.exports.cells): the quote is kept in the text so that the cell stays safe when the workbook is
saved as CSV. Dates get `yyyy-mm-dd`, date-times `yyyy-mm-dd hh:mm:ss` (time-zone-aware values are written
in their own wall-clock time: say which zone in the header).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from dashboard.exports.cells import neutralise_text

SECONDS_PER_DAY = 86_400.0
SIGNED_SECONDS_FORMAT = '+#,##0 "s";-#,##0 "s";0 "s"'
NUMBER_FORMATS = {
    "count": "#,##0",
    "rate": "0.0%",
    "seconds": "[h]:mm:ss",
    "score": "+0.00;-0.00;0.00",
    "per_contact": "#,##0.00",
    "ces": "0.00",
    "points": '+0.0 "pp";-0.0 "pp";0.0 "pp"',
    "seconds_change": SIGNED_SECONDS_FORMAT,
    "count_change": "+#,##0;-#,##0;0",
    "signed": "+0.00;-0.00;0.00",
}
# the unit of a change of a figure in a catalog unit (a rate moves in points, a duration in signed seconds)
CHANGE_UNITS = {"rate": "points", "seconds": "seconds_change", "money": "money_change", "count": "count_change"}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DURATION_FORMAT = NUMBER_FORMATS["seconds"]
Units = Mapping[str, "str | Sequence[str | None]"]
# Excel: at most 31 characters, none of []:*?/\ , not blank, not starting or ending with an apostrophe,
# unique without regard to case, and "History" is reserved.
MAX_SHEET_NAME = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
MAX_ROWS = 1_048_576  # per sheet, header included
MIN_WIDTH, MAX_WIDTH = 6, 60
WIDTH_SAMPLE_ROWS = 1000


@dataclass(frozen=True)
class Sheet:
    """One table of a workbook. `units` maps a column to its catalog unit (count, rate, seconds, ...), or to
    one unit per row (a table whose rows are figures in different units)."""

    name: str
    frame: pd.DataFrame
    units: Units = field(default_factory=dict)


def change_unit(unit: str | None) -> str | None:
    """The unit of a change of a figure in `unit`: signed, a rate's in percentage points (pure)."""
    if unit is None:
        return None
    return CHANGE_UNITS.get(unit, "signed")


def number_format(unit: str | None, currency: str = "USD") -> str | None:
    """The Excel number format for a catalog unit; None keeps Excel's General format."""
    if unit in {"money", "money_change"}:
        code = currency.upper()
        body = f'#,##0.00 "{code}"' if _CURRENCY_CODE.match(code) else "#,##0.00"
        return body if unit == "money" else f"+{body};-{body};{body}"
    return NUMBER_FORMATS.get(unit or "")


def cell_number(value: float, unit: str | None) -> tuple[float, str | None]:
    """The number a cell holds for a figure in `unit`, and the unit whose format it takes: a duration becomes a
    day fraction, a negative one a signed number of seconds (Excel shows no negative duration) (pure)."""
    if unit == "seconds":
        return (value / SECONDS_PER_DAY, unit) if value >= 0 else (value, "seconds_change")
    return value, unit


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A name Excel accepts: forbidden characters replaced by "_", 31 characters at most, unique.

    A name already taken (compared case-insensitively, as Excel does) gets " (2)", " (3)", ... with the
    base shortened so the whole stays within 31 characters.
    """
    base = _SHEET_NAME_FORBIDDEN.sub("_", name).strip().strip("'").strip() or "Sheet"
    if base.casefold() == "history":
        base = "History_"
    base = base[:MAX_SHEET_NAME].rstrip().rstrip("'") or "Sheet"
    used = {existing.casefold() for existing in taken}
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
    return candidate


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return isinstance(value, np.datetime64) and np.isnat(value)


class _CellWriter:
    """Writes typed cells into the sheets of one workbook, with one Format object per number format."""

    def __init__(self, workbook: xlsxwriter.Workbook, currency: str) -> None:
        self.workbook = workbook
        self.currency = currency
        self._formats: dict[str | None, Format | None] = {None: None}
        self.header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": False})

    def format(self, number_format_text: str | None) -> Format | None:
        if number_format_text not in self._formats:
            self._formats[number_format_text] = self.workbook.add_format({"num_format": number_format_text})
        return self._formats[number_format_text]

    def write_header(self, sheet: Worksheet, names: Sequence[str]) -> None:
        for column, name in enumerate(names):
            sheet.write_string(0, column, neutralise_text(str(name)), self.header)

    def write(self, sheet: Worksheet, row: int, column: int, value: Any, unit: str | None) -> None:
        if _is_missing(value):
            return
        if isinstance(value, bool | np.bool_):
            sheet.write_boolean(row, column, bool(value))
        elif isinstance(value, int | float | np.integer | np.floating | Decimal):
            number = float(value)
            if not math.isfinite(number):
                return
            number, shown_unit = cell_number(number, unit)
            sheet.write_number(row, column, number, self.format(number_format(shown_unit, self.currency)))
        elif isinstance(value, dt.datetime):  # pd.Timestamp included
            naive = value.replace(tzinfo=None)
            is_date = naive.time() == dt.time(0)
            sheet.write_datetime(row, column, naive, self.format(DATE_FORMAT if is_date else DATETIME_FORMAT))
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, column, value, self.format(DATE_FORMAT))
        elif isinstance(value, dt.timedelta):  # pd.Timedelta included
            self.write(sheet, row, column, value.total_seconds(), "seconds")
        else:
            sheet.write_string(row, column, neutralise_text(str(value)))


def _display_length(value: Any, unit: str | None) -> int:
    """About how many characters Excel shows for a value in its format."""
    if _is_missing(value):
        return 0
    if isinstance(value, bool | np.bool_):
        return 5
    if isinstance(value, int | float | np.integer | np.floating | Decimal):
        number = float(value)
        if not math.isfinite(number):
            return 0
        if unit == "seconds" and number >= 0:
            return len(f"{int(number // 3600)}:00:00")
        if unit in {"seconds", "seconds_change"}:
            return len(f"{number:+,.0f}") + 2
        if unit == "rate":
            return len(f"{number * 100:.1f}%")
        if unit == "points":
            return len(f"{number:+.1f}") + 3
        if unit in {"money", "money_change"}:
            return len(f"{number:+,.2f}") + 4
        if unit in {"count", "count_change"}:
            return len(f"{number:+,.0f}")
        return len(f"{number:+,.2f}")
    if isinstance(value, dt.datetime):
        return 10 if value.replace(tzinfo=None).time() == dt.time(0) else 19
    if isinstance(value, dt.date):
        return 10
    return len(neutralise_text(str(value)))


def _row_units(unit: str | Sequence[str | None] | None, rows: int) -> list[str | None]:
    """One unit per row: a column's single unit repeated, or its own list (missing rows: no unit)."""
    if unit is None or isinstance(unit, str):
        return [unit] * rows
    given = list(unit)
    return given[:rows] + [None] * (rows - len(given))


def column_widths(frame: pd.DataFrame, units: Units) -> list[float]:
    """Excel column widths fitted to the header (bold, so a little wider) and the first rows' values."""
    sample = frame.head(WIDTH_SAMPLE_ROWS)
    widths = []
    for position, name in enumerate(frame.columns):
        per_row = _row_units(units.get(str(name)), len(sample))
        values = sample.iloc[:, position]
        longest = max((_display_length(value, unit) for value, unit in zip(values, per_row, strict=True)),
                      default=0)
        header = math.ceil(len(str(name)) * 1.1)
        widths.append(float(min(max(longest, header, MIN_WIDTH) + 2, MAX_WIDTH)))
    return widths


def _prepare_sheet(
    writer: _CellWriter, sheet: Worksheet, frame: pd.DataFrame, units: Units
) -> list[str | Sequence[str | None] | None]:
    """Header, widths and frozen header row; returns the unit of each column (or its units per row)."""
    names = [str(name) for name in frame.columns]
    writer.write_header(sheet, names)
    for column, width in enumerate(column_widths(frame, units)):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    return [units.get(name) for name in names]


def _is_plain_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _write_rows(
    writer: _CellWriter, sheet: Worksheet, frame: pd.DataFrame,
    column_units: Sequence[str | Sequence[str | None] | None], first_row: int
) -> None:
    """The rows of a frame. Numeric columns of one unit other than seconds take a fast path (one conversion
    per column, then write_number); every other cell goes through _CellWriter.write, which looks at its type
    and its row's unit."""
    columns: list[tuple[bool, list[Any], list[str | None], Format | None]] = []
    for position, unit in enumerate(column_units):
        series = frame.iloc[:, position]
        per_row = _row_units(unit, len(frame))
        if (unit is None or isinstance(unit, str)) and unit != "seconds" and _is_plain_number_column(series):
            numbers = series.to_numpy(dtype="float64", na_value=np.nan)
            numbers = np.where(np.isfinite(numbers), numbers, np.nan)
            columns.append((True, numbers.tolist(), per_row, writer.format(number_format(unit, writer.currency))))
        else:
            columns.append((False, series.tolist(), per_row, None))
    write_number = sheet.write_number
    for offset in range(len(frame)):
        row = first_row + offset
        for column, (is_number, values, units, cell_format) in enumerate(columns):
            value = values[offset]
            if is_number:
                if value == value:  # NaN (missing or not finite) is an empty cell
                    write_number(row, column, value, cell_format)
            else:
                writer.write(sheet, row, column, value, units[offset])


def tables_xlsx(sheets: Sequence[Sheet], currency: str = "USD") -> bytes:
    """A workbook with one sheet per table, in order; sheet names made valid and unique (see sheet_name)."""
    if not sheets:
        raise ValueError("a workbook needs at least one table")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    writer = _CellWriter(workbook, currency)
    taken: list[str] = []
    for table in sheets:
        if len(table.frame) + 1 > MAX_ROWS:
            raise ValueError(f"{table.name}: {len(table.frame):,} rows do not fit a sheet; use stream_xlsx")
        name = sheet_name(table.name, taken)
        taken.append(name)
        sheet = workbook.add_worksheet(name)
        column_units = _prepare_sheet(writer, sheet, table.frame, table.units)
        _write_rows(writer, sheet, table.frame, column_units, first_row=1)
        if len(table.frame.columns):
            sheet.autofilter(0, 0, max(len(table.frame), 1), len(table.frame.columns) - 1)
    workbook.close()
    return buffer.getvalue()


def table_xlsx(
    frame: pd.DataFrame, units: Units | None = None, sheet: str = "Table", currency: str = "USD"
) -> bytes:
    """One table as a one-sheet workbook."""
    return tables_xlsx([Sheet(sheet, frame, units or {})], currency)


def stream_xlsx(
    pages: Iterable[pd.DataFrame],
    out: BinaryIO | str | Path,
    units: Mapping[str, str] | None = None,
    sheet: str = "Conversations",
    currency: str = "USD",
    max_rows_per_sheet: int = MAX_ROWS - 1,
    columns: Mapping[str, str] | None = None,
) -> int:
    """Write pages of one table to an .xlsx at `out` without holding them all; returns the row count.

    xlsxwriter's constant_memory mode flushes each row to a temporary file once the next row starts, so
    memory stays about one page. Widths are fitted to the first page. Past `max_rows_per_sheet` data rows
    (Excel's limit by default) the rows continue on "<sheet> (2)", "<sheet> (3)", ... each with the header.
    `units` is keyed by the pages' column names; `columns` (column -> header) chooses, orders and renames them.
    """
    units = {(columns or {}).get(name, name): unit for name, unit in (units or {}).items()}
    workbook = xlsxwriter.Workbook(out if not isinstance(out, Path) else str(out), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
    })
    writer = _CellWriter(workbook, currency)
    taken: list[str] = []
    current: Worksheet | None = None
    column_units: list[str | None] = []
    names: list[str] | None = None
    first_page: pd.DataFrame | None = None
    row_in_sheet = 0
    total = 0

    def new_sheet() -> Worksheet:
        name = sheet_name(sheet, taken)
        taken.append(name)
        return workbook.add_worksheet(name)

    try:
        for raw_page in pages:
            page = raw_page.loc[:, list(columns)].rename(columns=dict(columns)) if columns else raw_page
            page_names = [str(name) for name in page.columns]
            if names is None:
                names, first_page = page_names, page.head(WIDTH_SAMPLE_ROWS)  # widths of later sheets
            elif page_names != names:
                raise ValueError(f"the page after row {total} has columns {page_names}, the first page had {names}")
            start = 0
            while start < len(page) or current is None:
                if current is None or row_in_sheet >= max_rows_per_sheet:
                    if current is not None:
                        current.autofilter(0, 0, row_in_sheet, len(names) - 1)
                    current = new_sheet()
                    assert first_page is not None
                    column_units = _prepare_sheet(writer, current, first_page, units)
                    row_in_sheet = 0
                chunk = page.iloc[start:start + max_rows_per_sheet - row_in_sheet]
                _write_rows(writer, current, chunk, column_units, first_row=row_in_sheet + 1)
                row_in_sheet += len(chunk)
                start += len(chunk)
                total += len(chunk)
                if len(page) == 0:
                    break
        if current is None:
            current = new_sheet()
        elif names:
            current.autofilter(0, 0, max(row_in_sheet, 1), len(names) - 1)
    finally:
        workbook.close()
    return total
