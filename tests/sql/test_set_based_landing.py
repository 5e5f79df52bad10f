"""New rows land in one set-based statement: a record hash already in the raw table, or repeated in the chunk,
adds nothing; of copies in the chunk the first by line is kept (issue 14, item 5)."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.load import RECORD_HASH, ensure_raw_table
from etl.sources import all_streams
from etl.warehouse import open_writer
from tests.conftest import query_frame

TABLE = "raw.t_landing"


def _chunk(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["payload", "_source_line", RECORD_HASH])


def test_a_known_hash_and_a_repeated_one_add_nothing(warehouse_url: str) -> None:
    with open_writer(warehouse_url) as warehouse:
        warehouse.execute("create schema if not exists raw")
        warehouse.execute(f"create table {TABLE} (payload text, _source_line bigint, {RECORD_HASH} text)")
        if warehouse.dialect == "postgresql":
            warehouse.execute(f"create unique index t_landing_hash on {TABLE} ({RECORD_HASH})")
        first = warehouse.insert_new(TABLE, _chunk([("a", 1, "h1"), ("b", 2, "h2")]), RECORD_HASH, "_source_line")
        # h2 is in the table already; h3 comes twice, its copy on line 7 before the one on line 9
        second = warehouse.insert_new(TABLE, _chunk([("b again", 5, "h2"), ("c late", 9, "h3"), ("c", 7, "h3")]),
                                      RECORD_HASH, "_source_line")
    assert (first, second) == (2, 1)
    rows = query_frame(warehouse_url, f"select payload, _source_line from {TABLE} order by _source_line")
    assert rows.values.tolist() == [["a", 1], ["b", 2], ["c", 7]]


@pytest.mark.pg
def test_postgresql_raw_tables_carry_a_unique_index_on_the_record_hash(pg_database_url: str) -> None:
    stream = all_streams()[0]
    with open_writer(pg_database_url) as warehouse:
        warehouse.execute("create schema if not exists raw")
        for _ in range(2):  # a second call finds table and index in place
            ensure_raw_table(warehouse, stream)
    schema, _, table = stream.raw_table.partition(".")
    unique = query_frame(
        pg_database_url,
        "select i.indisunique from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n"
        " on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)"
        f" where n.nspname = '{schema}' and c.relname = '{table}' and a.attname = '{RECORD_HASH}'",
    )
    assert unique["indisunique"].tolist() == [True]
