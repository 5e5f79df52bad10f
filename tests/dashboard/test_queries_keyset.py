"""Keyset pagination of the complete exports (dashboard.queries_keyset) on DuckDB and PostgreSQL, over a small
table written here: every row comes back once, in the listed order, whatever the page size, with keys in
different directions and ties on the first keys."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.queries_keyset import SortKey, keyset_condition, keyset_pages, keyset_sql, offset_page_sql
from etl.warehouse import WarehouseError, open_writer

# 7 flags: three in June 2026 (two tie on the rate 0.5), four in May 2026 (two with no rate, which the listed
# query sorts last as -1, and tie on it)
ROWS = [
    ("2026-06-01", "billing", 0.5), ("2026-06-01", "refund", 0.5), ("2026-06-01", "access", 0.9),
    ("2026-05-01", "billing", 0.2), ("2026-05-01", "access", None), ("2026-05-01", "zz_other", None),
    ("2026-05-01", "refund", 0.7),
]
LISTED = ("select period_month, member, rate, coalesce(rate, -1) as sort_rate from marts.flags"
          " where period_month >= :first_month")
KEYS = (SortKey("period_month", descending=True), SortKey("sort_rate", descending=True), SortKey("member"))
# worked by hand: June before May; within a month the highest rate first, no rate last; ties by member A-Z
EXPECTED = [("2026-06-01", "access"), ("2026-06-01", "billing"), ("2026-06-01", "refund"),
            ("2026-05-01", "refund"), ("2026-05-01", "billing"), ("2026-05-01", "access"),
            ("2026-05-01", "zz_other")]


@pytest.fixture
def flags_url(warehouse_url: str) -> str:
    with open_writer(warehouse_url) as warehouse, warehouse.transaction():
        warehouse.execute("create schema if not exists marts")
        warehouse.execute("create table marts.flags (period_month date, member varchar, rate double precision)")
        for month, member, rate in ROWS:
            warehouse.execute("insert into marts.flags values (:month, :member, :rate)",
                              {"month": dt.date.fromisoformat(month), "member": member, "rate": rate})
    return warehouse_url


def _listed(pages: list[pd.DataFrame]) -> list[tuple[str, str]]:
    frame = pd.concat(pages, ignore_index=True)
    return [(f"{pd.Timestamp(m):%Y-%m-%d}", str(member)) for m, member in zip(frame["period_month"],
                                                                           frame["member"], strict=True)]


@pytest.mark.parametrize("page_rows", [1, 2, 3, 7, 50])
def test_every_row_once_in_the_listed_order(flags_url: str, page_rows: int) -> None:
    pages = list(keyset_pages(flags_url, LISTED, {"first_month": dt.date(2026, 1, 1)}, KEYS, page_rows=page_rows))
    assert _listed(pages) == EXPECTED
    assert all(len(page) <= page_rows for page in pages)
    # 7 rows in pages of page_rows: ceil(7 / page_rows) pages, one more (empty, not yielded) when it divides
    assert len(pages) == -(-7 // page_rows)


def test_the_offset_page_shows_the_export_order_and_the_total(flags_url: str) -> None:
    from dashboard.queries import _query

    sql = offset_page_sql(LISTED, KEYS)
    second = _query(flags_url, sql, {"first_month": dt.date(2026, 1, 1), "limit": 3, "offset": 3})
    assert _listed([second]) == EXPECTED[3:6]
    assert set(second["total_rows"]) == {7}


def test_filters_apply_and_nothing_matching_gives_no_page(flags_url: str) -> None:
    june = list(keyset_pages(flags_url, LISTED, {"first_month": dt.date(2026, 6, 1)}, KEYS, page_rows=2))
    assert _listed(june) == EXPECTED[:3]
    assert list(keyset_pages(flags_url, LISTED, {"first_month": dt.date(2027, 1, 1)}, KEYS)) == []


def test_the_condition_is_written_out_per_direction() -> None:
    assert keyset_condition(KEYS[:2]) == (
        "((listed.period_month < :key_0) or (listed.period_month = :key_0 and listed.sort_rate < :key_1))")
    assert keyset_condition([SortKey("a"), SortKey("b", descending=True)]) == (
        "((listed.a > :key_0) or (listed.a = :key_0 and listed.b < :key_1))")
    assert " where " not in keyset_sql("select 1 as a", [SortKey("a")], after=False)
    with pytest.raises(ValueError):
        keyset_condition([])
    with pytest.raises(WarehouseError):
        keyset_sql("select 1 as a", [SortKey("a; drop table x")], after=True)
