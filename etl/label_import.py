"""Hand-labelled sentiment files imported into `feedback.labels` (`cxpulse labels import <csv>`).

A file has a `label` column (negative / neutral / positive) and either `message_id` (the warehouse's own message
id) or `tweet_id` (a tweet of a mapped Twitter source: message `mapped:<source>:<tweet_id>`). Every row is matched
to a customer message of `core.fct_messages`; rows that match none are reported, never silently dropped.
Rows are stored as people's labels (detector 'sentiment', message level) with `labelled_by` naming the file
(`fixture:<file name>` by default). A label's id is a hash of who labelled which message, so importing the same
file again adds nothing, and an existing label is never overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.enrich.sentiment_model import CLASSES
from etl.warehouse import Warehouse

DETECTOR = "sentiment"
CHUNK = 500


class LabelFileError(ValueError):
    """The file cannot be imported as it is (missing columns, unknown labels)."""


@dataclass(frozen=True)
class LabelImport:
    rows_read: int
    inserted: int
    already_present: int
    unmatched: list[str]


def parse_label_rows(rows: list[dict[str, str]], source_name: str | None) -> pd.DataFrame:
    """(message_id, label) of each row of a label file (pure); raises LabelFileError on a bad file."""
    if not rows:
        return pd.DataFrame(columns=["message_id", "label"])
    columns = set(rows[0])
    if "label" not in columns or not ({"message_id", "tweet_id"} & columns):
        raise LabelFileError("a label file needs a `label` column and a `message_id` or `tweet_id` column")
    if "message_id" not in columns and not source_name:
        raise LabelFileError("a file of tweet ids needs --source: the name of the mapped Twitter source")
    out = []
    for number, row in enumerate(rows, start=2):
        label = (row.get("label") or "").strip().lower()
        if label not in CLASSES:
            raise LabelFileError(f"line {number}: label {row.get('label')!r} is not one of {', '.join(CLASSES)}")
        if "message_id" in columns and (row.get("message_id") or "").strip():
            message_id = row["message_id"].strip()
        else:
            tweet_id = (row.get("tweet_id") or "").strip()
            if not tweet_id:
                raise LabelFileError(f"line {number}: no message_id or tweet_id")
            message_id = f"mapped:{source_name}:{tweet_id}"
        out.append((message_id, label))
    return pd.DataFrame(out, columns=["message_id", "label"])


def read_label_file(path: Path, source_name: str | None) -> pd.DataFrame:
    with path.open(newline="", encoding="utf-8") as handle:
        return parse_label_rows(list(csv.DictReader(handle)), source_name)


def label_id(labelled_by: str, message_id: str) -> str:
    return hashlib.sha256(f"{DETECTOR}\x1f{labelled_by}\x1f{message_id}".encode()).hexdigest()[:32]


def _rows_with_ids(warehouse: Warehouse, select_in: str, ids: list[str]) -> Iterator[pd.DataFrame]:
    """`select_in` (SQL from code ending in "... in") run over `ids` in chunks of CHUNK bound parameters."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        params = {f"id_{i}": value for i, value in enumerate(chunk)}
        placeholders = ", ".join(f":id_{i}" for i in range(len(chunk)))
        yield warehouse.query_df(f"{select_in} ({placeholders})", params)


def import_labels(warehouse: Warehouse, labels: pd.DataFrame, labelled_by: str) -> LabelImport:
    """Store `labels` (message_id, label) as sentiment labels of customer messages, by `labelled_by`."""
    if not warehouse.table_exists("core.fct_messages"):
        raise LabelFileError("the warehouse has no core.fct_messages yet: run `cxpulse run` first")
    ids = list(dict.fromkeys(labels["message_id"].astype(str)))
    found: dict[str, str] = {}
    for frame in _rows_with_ids(warehouse, "select message_id, interaction_id from core.fct_messages"
                                " where author_role = 'customer' and message_id in", ids):
        found.update(zip(frame["message_id"].astype(str), frame["interaction_id"].astype(str), strict=True))
    matched = labels[labels["message_id"].isin(found)].drop_duplicates("message_id", keep="last")
    unmatched = [m for m in ids if m not in found]
    existing: set[str] = set()
    wanted = [label_id(labelled_by, m) for m in matched["message_id"]]
    for frame in _rows_with_ids(warehouse, "select label_id from feedback.labels where label_id in", wanted):
        existing.update(frame["label_id"])
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = pd.DataFrame({
        "label_id": wanted,
        "interaction_id": [found[m] for m in matched["message_id"]],
        "message_id": matched["message_id"].tolist(),
        "detector": DETECTOR,
        "detector_version": None,
        "predicted_value": None,
        "label_value": matched["label"].tolist(),
        "is_correct": None,
        "labelled_by": labelled_by,
        "labelled_at": now,
        "note": None,
    })
    new = rows[~rows["label_id"].isin(existing)]
    if len(new):
        with warehouse.transaction():
            warehouse.bulk_insert("feedback.labels", new.reset_index(drop=True))
    return LabelImport(len(labels), len(new), len(rows) - len(new), unmatched)
