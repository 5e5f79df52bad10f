"""The dashboard's DuckDB reader is capped: its memory limit and threads come from the environment (default 1GB) and
reach the read-only connection."""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from etl.warehouse import (
    READER_MEMORY_LIMIT_ENV,
    READER_THREADS_ENV,
    WarehouseError,
    open_reader,
    reader_config,
)


def test_reader_config_defaults_to_one_gigabyte_and_the_machines_cores() -> None:
    assert reader_config({}) == {"memory_limit": "1GB", "threads": os.cpu_count()}


def test_reader_config_takes_the_environment() -> None:
    assert reader_config({READER_MEMORY_LIMIT_ENV: "256MB", READER_THREADS_ENV: "3"}) == {
        "memory_limit": "256MB", "threads": 3}


@pytest.mark.parametrize("threads", ["0", "-1", "two"])
def test_reader_config_refuses_a_thread_count_that_is_not_a_positive_whole_number(threads: str) -> None:
    with pytest.raises(WarehouseError, match=READER_THREADS_ENV):
        reader_config({READER_THREADS_ENV: threads})


@pytest.mark.parametrize(("limit", "shown"), [(None, "953.6 MiB"), ("256MB", "244.1 MiB")])
def test_the_memory_limit_reaches_the_readers_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         limit: str | None, shown: str) -> None:
    # DuckDB shows a limit in binary units: 1GB = 10^9 bytes = 953.6 MiB, 256MB = 244.1 MiB
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.delenv(READER_MEMORY_LIMIT_ENV, raising=False)
    if limit is not None:
        monkeypatch.setenv(READER_MEMORY_LIMIT_ENV, limit)
    monkeypatch.setenv(READER_THREADS_ENV, "1")
    with closing(open_reader(f"duckdb:///{path}")) as reader:
        settings = reader.query_df("select current_setting('memory_limit') as memory_limit, "
                                   "current_setting('threads') as threads")
    assert settings.to_dict("records") == [{"memory_limit": shown, "threads": 1}]


def test_another_connection_to_the_warehouse_in_the_same_process_still_opens(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # DuckDB refuses a second connection to a file with a config different from the first one's
    path = tmp_path / "warehouse.duckdb"
    with closing(duckdb.connect(str(path))) as connection:
        connection.execute("create table t as select 42 as answer")
    monkeypatch.setenv(READER_MEMORY_LIMIT_ENV, "256MB")
    with closing(open_reader(f"duckdb:///{path}")) as reader:
        assert reader.scalar("select answer from t") == 42
        with closing(duckdb.connect(str(path), read_only=True)) as other:
            assert other.execute("select answer from t").fetchall() == [(42,)]
