"""Every row of a listed query, page by page, by keyset pagination: the complete export behind a table the page
shows one page at a time.

A page of the export is the rows after the last row of the page before, in the listed order: `order by k1, k2,
... limit :limit` with the condition (k1 after a1) or (k1 = a1 and k2 after a2) or ... on the sort keys of that
last row. Each page is one indexed read of `limit` rows, whatever its position (an offset would read and throw
away every row before it), and a row inserted meanwhile never shifts a page. Only one page is in memory.

Rules: the sort keys are columns of the listed rows named in code (checked with `check_identifier`), never
null (the listed query coalesces a nullable key to a value that sorts where the page shows its nulls), and
together unique (the last key is an id), so that no two rows tie and no row is skipped or repeated. Values are
bound parameters (`:key_0`, `:key_1`, ...); the first page has no condition, so a key's type never has to be
guessed from a placeholder. Not cached: an export is a fresh pass over the warehouse each time it is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.queries import _query
from etl.warehouse import check_identifier

EXPORT_PAGE_ROWS = 5_000


@dataclass(frozen=True)
class SortKey:
    """One column of the listed order: its name among the listed rows and its direction."""

    column: str
    descending: bool = False


def _order_sql(keys: Sequence[SortKey]) -> str:
    return ", ".join(f"listed.{check_identifier(k.column)}{' desc' if k.descending else ''}" for k in keys)


def keyset_condition(keys: Sequence[SortKey]) -> str:
    """The rows after the bound `:key_<i>` in the keys' order, as a disjunction of equal prefixes (pure):
    (k0 > :key_0) or (k0 = :key_0 and k1 < :key_1) ... with < for a descending key. Written out, not as a row
    comparison, so that keys may run in different directions."""
    if not keys:
        raise ValueError("keyset pagination needs at least one sort key")
    terms = []
    for position, key in enumerate(keys):
        equal = [f"listed.{check_identifier(k.column)} = :key_{i}" for i, k in enumerate(keys[:position])]
        after = f"listed.{check_identifier(key.column)} {'<' if key.descending else '>'} :key_{position}"
        terms.append("(" + " and ".join([*equal, after]) + ")")
    return "(" + " or ".join(terms) + ")"


def keyset_sql(listed: str, keys: Sequence[SortKey], *, after: bool) -> str:
    """One page of `listed` (a select whose rows carry the keys) in the keys' order: the first page, or with
    `after` the page after the bound key values (pure)."""
    where = f" where {keyset_condition(keys)}" if after else ""
    return f"select * from ({listed}) as listed{where} order by {_order_sql(keys)} limit :limit"


def offset_page_sql(listed: str, keys: Sequence[SortKey], total_column: str = "total_rows") -> str:
    """One page of `listed` by `:limit` and `:offset`, in the keys' order (the order of its complete export),
    with the count of all its rows in `total_column`: the page a table shows (pure)."""
    return (f"select listed.*, count(*) over () as {check_identifier(total_column)} from ({listed}) as listed"
            f" order by {_order_sql(keys)} limit :limit offset :offset")


def bound_value(value: Any) -> Any:
    """A key value of a page as a bound parameter: a pandas timestamp becomes a datetime, a numpy number a
    Python one."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def keyset_pages(url: str, listed: str, params: Mapping[str, Any], keys: Sequence[SortKey],
                 page_rows: int | None = None,
                 run: Callable[[str, Mapping[str, Any]], pd.DataFrame] | None = None) -> Iterator[pd.DataFrame]:
    """Every row of `listed` with `params` bound, in the keys' order, `page_rows` (EXPORT_PAGE_ROWS by default)
    at a time (a generator: the warehouse is read as the pages are consumed). `run` reads a page from elsewhere
    than the warehouse at `url` (the audit log's store)."""
    page_rows = EXPORT_PAGE_ROWS if page_rows is None else page_rows
    if page_rows < 1:
        raise ValueError("a page holds at least one row")
    first, later = keyset_sql(listed, keys, after=False), keyset_sql(listed, keys, after=True)
    bound: dict[str, Any] = {**params, "limit": page_rows}
    sql = first
    while True:
        page = run(sql, bound) if run is not None else _query(url, sql, bound)
        if page.empty:
            return
        yield page
        if len(page) < page_rows:
            return
        last = page.iloc[-1]
        bound = {**bound, **{f"key_{i}": bound_value(last[k.column]) for i, k in enumerate(keys)}}
        sql = later
