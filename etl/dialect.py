"""Every difference between DuckDB and PostgreSQL, in one place.

The SQL in `sql/` is one text for both engines. It keeps to the part of SQL both speak (CTEs, window
functions, `filter (where ...)`, `percentile_cont ... within group`, `at time zone`, `generate_series`,
`extract(epoch from ...)`), with explicit casts. What remains different:

1. Bound parameters: statements are written with `:name`; DuckDB's Python API wants `$name`
   (`duckdb_params`). PostgreSQL goes through SQLAlchemy's `text()`, which takes `:name` as it is.
2. Bulk loading: DuckDB inserts from a registered DataFrame; PostgreSQL uses `COPY ... FROM STDIN`
   (see `etl.warehouse`).
3. Numbers: PostgreSQL's `sum()` of integers is `numeric`; readers turn decimals into floats.
4. Physical tuning after a build: PostgreSQL gets BRIN indexes on time columns and `analyze`
   (`after_build_statements`); DuckDB needs none.
5. Template macros for the model SQL (`macros_for`), rendered by `etl.build`:
   `seconds_between(start, end)` -> float seconds, `local_date(ts, tz)` -> the date in a time zone.
   Both currently render the same text on the two engines; they stay macros so that a future difference
   is fixed here and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_PARAM_OR_LITERAL = re.compile(r"'(?:[^']|'')*'|(?<![:\w]):([A-Za-z_]\w*)")
_SAFE_TZ = re.compile(r"^[A-Za-z0-9_+\-/]+$")


def duckdb_params(sql: str) -> str:
    """`:name` -> `$name`, leaving `::` casts and quoted literals (`'zendesk:ticket'`) alone."""
    return _PARAM_OR_LITERAL.sub(lambda m: f"${m.group(1)}" if m.group(1) else m.group(0), sql)


def seconds_between(start: str, end: str) -> str:
    return f"cast(extract(epoch from (({end}) - ({start}))) as double precision)"


def local_date(timestamp_utc: str, timezone: str) -> str:
    if not _SAFE_TZ.match(timezone):
        raise ValueError(f"not a time zone name: {timezone!r}")
    return f"cast((({timestamp_utc}) at time zone 'UTC') at time zone '{timezone}' as date)"


def macros_for(dialect_name: str) -> dict[str, Callable[..., str]]:
    if dialect_name not in {"duckdb", "postgresql"}:
        raise ValueError(f"unknown dialect {dialect_name!r}")
    return {"seconds_between": seconds_between, "local_date": local_date}


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
