"""Every difference between DuckDB and PostgreSQL, in one place.

The SQL in `sql/` is one text for both engines. It keeps to the part of SQL both speak (CTEs, window
functions, `filter (where ...)`, `percentile_cont ... within group`, `at time zone`, `generate_series`,
`extract(epoch from ...)`), with explicit casts. What remains different:

1. Bound parameters: statements are written with `:name`; DuckDB's Python API wants `$name`
   (`duckdb_params`). PostgreSQL goes through SQLAlchemy's `text()`, which takes `:name` as it is.
2. Bulk loading: DuckDB inserts from a registered DataFrame; PostgreSQL uses `COPY ... FROM STDIN` with
   psycopg's row encoder (see `etl.warehouse`), which carries any text (carriage returns, tabs, backslashes,
   quotes, empty texts) unchanged. PostgreSQL text cannot hold NUL: both engines store it as U+FFFD
   (`storable_text`), so they hold the same values.
3. Numbers: PostgreSQL's `sum()` of integers is `numeric`; readers turn decimals into floats.
4. Physical tuning after a build: PostgreSQL gets BRIN indexes on time columns and `analyze`
   (`after_build_statements`); DuckDB needs none.
5. Template macros for the model SQL (`macros_for`), rendered by `etl.build`:
   `seconds_between(start, end)` -> float seconds, `local_date(ts, tz)` -> the date in a time zone.
   Both currently render the same text on the two engines; they stay macros so that a future difference
   is fixed here and nowhere else. `json_array_rows(expr, alias)` (a lateral FROM item: one row per element
   of a JSON array held as text, `alias.element` the element as JSON) and `json_text(expr, key)` (a key of a
   JSON object as text) differ: DuckDB's json functions, PostgreSQL's jsonb.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd

_PARAM_OR_LITERAL = re.compile(r"'(?:[^']|'')*'|(?<![:\w]):([A-Za-z_]\w*)")
_SAFE_TZ = re.compile(r"^[A-Za-z0-9_+\-/]+$")


def duckdb_params(sql: str) -> str:
    """`:name` -> `$name`, leaving `::` casts and quoted literals (`'zendesk:ticket'`) alone."""
    return _PARAM_OR_LITERAL.sub(lambda m: f"${m.group(1)}" if m.group(1) else m.group(0), sql)


NUL = "\x00"
NUL_REPLACEMENT = "\ufffd"


def storable_text(value: Any) -> Any:
    """A text as both engines store it: NUL (which PostgreSQL text cannot hold) becomes U+FFFD."""
    return value.replace(NUL, NUL_REPLACEMENT) if isinstance(value, str) and NUL in value else value


def storable_text_sql(column: str) -> str:
    """`storable_text` in DuckDB SQL, for a text column of a bulk insert (the identifier is checked by the caller)."""
    return f"replace({column}, chr(0), chr(65533))"


def copy_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """A frame's rows as Python values for PostgreSQL's COPY: missing values as None, times as naive UTC."""
    frame = frame.copy()
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("UTC").dt.tz_localize(None)
    values = frame.astype(object).where(frame.notna(), None)
    return list(values.itertuples(index=False, name=None))


def seconds_between(start: str, end: str) -> str:
    return f"cast(extract(epoch from (({end}) - ({start}))) as double precision)"


def local_date(timestamp_utc: str, timezone: str) -> str:
    if not _SAFE_TZ.match(timezone):
        raise ValueError(f"not a time zone name: {timezone!r}")
    return f"cast((({timestamp_utc}) at time zone 'UTC') at time zone '{timezone}' as date)"


_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def _checked(name: str) -> str:
    if not _SAFE_NAME.match(name):
        raise ValueError(f"not a column, alias or key name: {name!r}")
    return name


def json_array_rows(dialect_name: str) -> Callable[[str, str], str]:
    def render(expr: str, alias: str) -> str:
        column, alias = _checked(expr), _checked(alias)
        if dialect_name == "duckdb":
            return f"lateral unnest(cast(json_extract({column}, '$[*]') as json[])) as {alias}(element)"
        return f"lateral jsonb_array_elements(cast({column} as jsonb)) as {alias}(element)"
    return render


def json_text(dialect_name: str) -> Callable[[str, str | None], str]:
    def render(expr: str, key: str | None = None) -> str:
        column = _checked(expr)
        if dialect_name == "duckdb":
            path = f"$.{_checked(key)}" if key else "$"
            return f"json_extract_string({column}, '{path}')"
        return f"({column} ->> '{_checked(key)}')" if key else f"({column} #>> '{{}}')"
    return render


def macros_for(dialect_name: str) -> dict[str, Callable[..., str]]:
    if dialect_name not in {"duckdb", "postgresql"}:
        raise ValueError(f"unknown dialect {dialect_name!r}")
    return {"seconds_between": seconds_between, "local_date": local_date,
            "json_array_rows": json_array_rows(dialect_name), "json_text": json_text(dialect_name)}


def after_enrichment_statements(dialect_name: str, tables: list[str]) -> list[str]:
    """Statements to run on the tables an enrichment step wrote (identifiers checked by the caller): on PostgreSQL
    fresh statistics, without which the models that read them are planned for a handful of rows
    (capacity_intervals took minutes instead of a second); autovacuum, where it is on, analyzes them only later."""
    if dialect_name != "postgresql":
        return []
    return [f"analyze {table}" for table in tables]


def after_build_statements(dialect_name: str, table: str, time_columns: list[str], token: str) -> list[str]:
    """Statements to run on a freshly built table (identifiers are our own, checked by the caller).

    Index names carry the build's token: the table is built under a temporary name and renamed later, and
    PostgreSQL keeps an index's name through a rename.
    """
    if dialect_name != "postgresql":
        return []
    short = table.split(".")[-1][:40]
    statements = [
        f"create index {short}_{column[:12]}_{token} on {table} using brin ({column})" for column in time_columns
    ]
    statements.append(f"analyze {table}")
    return statements
