"""Text cells made safe for spreadsheets (CSV / formula injection), shared by every table export.

A spreadsheet reads a cell whose text begins with `=`, `+`, `-` or `@` as a formula, and tab or carriage
return at the start can smuggle one past a casual look (OWASP, "CSV Injection"; ASVS 5.0 requirement
1.2.10 adds the null character). Spreadsheets also skip leading blanks before a formula (" =1+2", "\n@x")
and, with an East Asian input method, read the full-width forms (＝ ＋ － ＠) as the ASCII ones. Such text
is prefixed with a single quote, the neutraliser OWASP names, so the cell shows the text and never runs it.
Only text is touched: numbers, negative numbers included, are written as numbers and never altered (a
figure must reach the exports as a number, not as its formatted text). Column headers are text and go
through the same rule.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
FULL_WIDTH_TRIGGERS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # ＝ ＋ － ＠
# skipped before a formula: spaces (also no-break and ideographic), line breaks, tabs
LEADING_BLANKS = " \t\r\n\u00a0\u3000"
QUOTE_PREFIX = "'"


def is_formula_like(text: str) -> bool:
    """Text a spreadsheet could run: a trigger first, or after leading blanks, in ASCII or full width."""
    triggers = FORMULA_TRIGGERS + FULL_WIDTH_TRIGGERS
    return text.startswith(triggers) or text.lstrip(LEADING_BLANKS).startswith(triggers)


def neutralise_text(text: str) -> str:
    """`=SUM(A1)` -> `'=SUM(A1)`, ` =1` -> `' =1`, `＝1` -> `'＝1`; any other text unchanged."""
    return QUOTE_PREFIX + text if is_formula_like(text) else text


def neutralise_value(value: Any) -> Any:
    """A text value neutralised; anything else (numbers, dates, booleans, missing values) as it is."""
    return neutralise_text(value) if isinstance(value, str) else value


def is_text_column(series: pd.Series) -> bool:
    """Columns that may hold text: object, string and categorical dtypes (numeric, boolean and datetime
    ones cannot)."""
    return (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)
            or isinstance(series.dtype, pd.CategoricalDtype))


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and every column name neutralised; numeric columns untouched."""
    safe = frame.copy()
    for column in safe.columns:
        if is_text_column(safe[column]):
            values = safe[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                values = values.astype(object)
            safe[column] = values.map(neutralise_value, na_action="ignore")
    safe.columns = [neutralise_text(str(column)) for column in safe.columns]
    return safe
