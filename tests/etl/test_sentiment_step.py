"""The sentiment step on a DuckDB table: two scorers side by side, each incremental on its own version."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.enrich import sentiment
from etl.enrich.sentiment import ADAPTED, ADAPTED_VERSION, ANALYZER_VERSION, STEPS, STOCK, Scorer, score_new_messages
from etl.warehouse import DuckDBWarehouse


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[DuckDBWarehouse]:
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    wh = DuckDBWarehouse(connection)
    wh.execute("create schema core")
    for statement in STEPS[0].ddl:
        wh.execute(statement)
    texts = [("M1", "customer", "still waiting"), ("M2", "agent", "Please hold"), ("M3", "bot", "Please help"),
             ("M4", "customer", "Please help")]
    frame = pd.DataFrame(texts, columns=["message_id", "author_role", "message_text"])
    frame["text_hash"] = [hashlib.md5(t.encode()).hexdigest() for t in frame["message_text"]]
    connection.register("f", frame)
    connection.execute("create table core.messages as select * from f")
    yield wh
    connection.close()


def _rows(warehouse: DuckDBWarehouse) -> list[tuple[str, str]]:
    frame = warehouse.query_df("select message_id, analyzer_version from core.enr_message_sentiment order by 1, 2")
    return list(frame.itertuples(index=False, name=None))


def test_every_message_gets_stock_and_customer_messages_also_adapted(warehouse: DuckDBWarehouse) -> None:
    assert score_new_messages(warehouse, "core.messages", processes=1) == {STOCK: 4, ADAPTED: 2}
    assert _rows(warehouse) == sorted([
        ("M1", ANALYZER_VERSION), ("M1", ADAPTED_VERSION), ("M2", ANALYZER_VERSION), ("M3", ANALYZER_VERSION),
        ("M4", ANALYZER_VERSION), ("M4", ADAPTED_VERSION)])
    # nothing new: nothing scored
    assert score_new_messages(warehouse, "core.messages", processes=1) == {STOCK: 0, ADAPTED: 0}


def test_a_new_lexicon_version_rescores_only_customer_messages(warehouse: DuckDBWarehouse,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    score_new_messages(warehouse, "core.messages", processes=1)
    bumped = f"{ANALYZER_VERSION}+cs-lexicon-2"
    monkeypatch.setattr(sentiment, "SCORERS", (Scorer(STOCK, ANALYZER_VERSION, customer_only=False),
                                               Scorer(ADAPTED, bumped, customer_only=True)))
    assert score_new_messages(warehouse, "core.messages", processes=1) == {STOCK: 0, ADAPTED: 2}
    # a changed text is rescored by both scorers
    warehouse.execute("update core.messages set message_text = 'Thanks, all sorted', text_hash = 'h2'"
                      " where message_id = 'M1'")
    assert score_new_messages(warehouse, "core.messages", processes=1) == {STOCK: 1, ADAPTED: 1}
