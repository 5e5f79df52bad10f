"""Any text reaches the warehouse as it was sent, on DuckDB and PostgreSQL alike.

Issue 11: the Twitter sample failed on PostgreSQL with `BadCopyFileFormat: unquoted carriage return` (the COPY
data was CSV written by pandas, which quotes a line feed but not a lone carriage return, and writes an empty
text like a NULL). PostgreSQL text cannot hold NUL; both engines store it as U+FFFD.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader, open_writer
from tests.conftest import REPO_ROOT, make_settings

HOSTILE_TEXTS = [
    "a lone carriage return\rin the middle",
    "windows line end\r\nand a unix one\nand a trailing CR\r",
    "\ttabs\tand a backslash \\ and a backslash-N \\N and \\.",
    "\\.",  # COPY's old end-of-data marker on a line of its own
    'double "quotes", single \'quotes\', commas, ; semicolons',
    "",  # an empty text is not NULL
    "   spaces around   ",
    "NULL",
    "emoji 🤷🏻‍♀️ and accents àéîõü and CJK 漢字",
    "=1+1",
]


def test_bulk_insert_carries_any_text_unchanged(warehouse_url: str) -> None:
    texts = [*HOSTILE_TEXTS, None, "a NUL\x00inside"]
    frame = pd.DataFrame({"n": range(len(texts)), "body": pd.Series(texts, dtype=object)})
    with open_writer(warehouse_url) as warehouse:
        warehouse.execute("create schema if not exists raw")
        warehouse.execute("create table raw.texts (n bigint, body text)")
        with warehouse.transaction():
            assert warehouse.bulk_insert("raw.texts", frame) == len(texts)
    reader = open_reader(warehouse_url)
    try:
        stored = reader.query_df("select n, body from raw.texts order by n")
    finally:
        reader.close()
    bodies = [None if pd.isna(b) else b for b in stored["body"]]
    # every text as sent, NULL as NULL, and the one NUL as U+FFFD (PostgreSQL text cannot hold NUL)
    assert bodies == [*HOSTILE_TEXTS, None, "a NUL\ufffdinside"]


def test_hostile_texts_load_through_a_mapping_as_they_are_in_the_file(tmp_path: Path, warehouse_url: str) -> None:
    data = tmp_path / "tweets.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
                         "in_response_to_tweet_id"])
        for number, text in enumerate(HOSTILE_TEXTS, start=1):
            writer.writerow([number, f"c{number}", "True", "Wed Oct 04 13:59:33 +0000 2017", text, "", ""])
    source = {"name": "tw", "format": "mapped", "path": str(data), "mapping": str(REPO_ROOT / "mappings" / "twcs.yml")}
    result = run_pipeline(make_settings(warehouse_url, data, sources=[source]), "ingest", do_build=False)
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_loaded == len(HOSTILE_TEXTS)
    # the independent reading: pandas over the same file (keeping empty texts as empty, not NaN)
    in_file = pd.read_csv(data, dtype=str, keep_default_na=False).set_index("tweet_id")["text"].to_dict()
    reader = open_reader(warehouse_url)
    try:
        stored = reader.query_df("select interaction_id, message_text, _payload from raw.mapped__interaction_rows")
    finally:
        reader.close()
    # the payload keeps each record exactly as the file has it
    assert {str(i): json.loads(p)["text"] for i, _, p in stored.itertuples(index=False)} == in_file
    # the typed field is the cell as the mapped connector reads it: stripped, an empty cell as NULL
    typed = {str(i): (None if pd.isna(t) else t) for i, t, _ in stored.itertuples(index=False)}
    assert typed == {i: (text.strip() or None) for i, text in in_file.items()}
