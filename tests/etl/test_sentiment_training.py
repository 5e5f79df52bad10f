"""The supervised sentiment step on DuckDB and PostgreSQL: labels from files, people and surveys; a fit stored with
its evaluation; a rerun on unchanged labels writes nothing; a new label makes a new version; too few labels fall back.

The messages are built so the answers can be worked out by hand: each class has its own words; the positive ones
("arrived", "collected", "delivered", ...) have no valence in VADER's lexicon, so the customer-service lexicon
reads every positive message as neutral, its positive F1 is 0 and its macro-F1 at most 2/3.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator

import pandas as pd
import pytest

from etl.enrich.sentiment_training import fit_and_store_sentiment_model, training_labels
from etl.label_import import LabelFileError, import_labels, parse_label_rows
from etl.load import bootstrap
from etl.warehouse import Warehouse, open_writer

NEGATIVE_WORDS = ["lost", "broken", "refused", "late", "missing", "charged", "cancelled", "waiting"]
NEUTRAL_WORDS = ["what", "which", "address", "time", "opens", "where", "how", "change"]
POSITIVE_WORDS = ["arrived", "today", "collected", "delivered", "received", "installed", "done", "fitted"]


def _text(words: list[str], i: int) -> str:
    return f"{words[i % 8]} {words[(i // 8) % 8]} {words[(i + 3) % 8]}"


def _messages(negative: int, neutral: int, positive: int, unlabelled: int) -> pd.DataFrame:
    rows = []
    for prefix, words, count in (("N", NEGATIVE_WORDS, negative), ("U", NEUTRAL_WORDS, neutral),
                                 ("P", POSITIVE_WORDS, positive), ("X", NEUTRAL_WORDS, unlabelled)):
        rows += [(f"{prefix}{i:03d}", f"I{prefix}{i:03d}", "customer", _text(words, i)) for i in range(count)]
    rows.append(("A001", "IN000", "agent", "sorry your parcel is late"))
    frame = pd.DataFrame(rows, columns=["message_id", "interaction_id", "author_role", "message_text"])
    frame["text_hash"] = [hashlib.md5(t.encode()).hexdigest() for t in frame["message_text"]]
    return frame


@contextlib.contextmanager
def _warehouse(url: str, messages: pd.DataFrame, surveys: pd.DataFrame) -> Iterator[Warehouse]:
    with open_writer(url) as warehouse:
        bootstrap(warehouse)
        warehouse.execute("create table core.fct_messages (message_id text, interaction_id text, author_role text,"
                          " message_text text, text_hash text)")
        warehouse.execute("create table core.fct_surveys (interaction_id text, survey_type text,"
                          " score double precision)")
        warehouse.bulk_insert("core.fct_messages", messages)
        if len(surveys):
            warehouse.bulk_insert("core.fct_surveys", surveys)
        yield warehouse


def _count(warehouse: Warehouse, sql: str) -> int:
    return int(warehouse.scalar(sql))


def test_fit_store_rerun_and_new_version(warehouse_url: str) -> None:
    # 120 negative (60 from a label file, 60 from CSAT 2), 80 neutral (label file), 80 positive (CSAT 5),
    # 10 unlabelled customer messages and one agent message.
    messages = _messages(120, 80, 80, 10)
    surveys = pd.DataFrame(
        [(f"IN{i:03d}", "csat", 2.0) for i in range(60, 120)] + [(f"IP{i:03d}", "csat", 5.0) for i in range(80)]
        + [("IN000", "ces", 1.0)],  # a CES answer is not a CSAT: it labels nothing
        columns=["interaction_id", "survey_type", "score"])
    file_rows = ([{"message_id": f"N{i:03d}", "label": "negative"} for i in range(60)]
                 + [{"message_id": f"U{i:03d}", "label": "Neutral"} for i in range(80)]
                 + [{"message_id": "NOPE", "label": "neutral"}])
    with _warehouse(warehouse_url, messages, surveys) as warehouse:
        first_import = import_labels(warehouse, parse_label_rows(file_rows, None), "fixture:tiny.csv")
        assert (first_import.inserted, first_import.already_present, first_import.unmatched) == (140, 0, ["NOPE"])
        again = import_labels(warehouse, parse_label_rows(file_rows, None), "fixture:tiny.csv")
        assert (again.inserted, again.already_present) == (0, 140)
        # a person says P000 (CSAT 5) is neutral: the hand label beats the survey
        import_labels(warehouse, parse_label_rows([{"message_id": "P000", "label": "neutral"}], None), "ana")
        labels = training_labels(warehouse).set_index("message_id")
        assert len(labels) == 280
        assert labels.loc["P000", ["label", "source"]].tolist() == ["neutral", "feedback"]
        assert labels.loc["N070", ["label", "source"]].tolist() == ["negative", "survey"]
        assert labels["source"].value_counts().to_dict() == {"fixture": 140, "survey": 139, "feedback": 1}

        report = fit_and_store_sentiment_model(warehouse, run_id=1)
        assert report.is_new and report.is_fitted and report.fallback_reason is None
        assert report.messages_scored == 290  # every customer message, never the agent's
        model = warehouse.query_df("select * from core.enr_sentiment_models").iloc[0]
        assert (model["count_labels"], model["count_fixture_labels"], model["count_survey_labels"],
                model["count_feedback_labels"]) == (280, 140, 139, 1)
        assert model["count_training_labels"] + model["count_heldout_labels"] == 280
        assert model["heldout_macro_f1_lexicon"] <= 2 / 3 + 1e-9
        assert model["heldout_macro_f1"] > model["heldout_macro_f1_lexicon"]
        assert bool(model["is_used_for_customers"]) and report.is_used_for_customers
        assert _count(warehouse, "select count(*) from core.enr_message_sentiment where author_role <> 'customer'") == 0

        # unchanged labels: nothing fitted, nothing written
        rerun = fit_and_store_sentiment_model(warehouse, run_id=2)
        assert (rerun.is_new, rerun.messages_scored, rerun.model_version) == (False, 0, report.model_version)
        assert _count(warehouse, "select count(*) from core.enr_sentiment_models") == 1
        assert _count(warehouse, "select count(*) from core.enr_message_sentiment") == 290

        # one new label: a new version, and every customer message scored under it
        import_labels(warehouse, parse_label_rows([{"message_id": "X001", "label": "neutral"}], None), "ana")
        changed = fit_and_store_sentiment_model(warehouse, run_id=3)
        assert changed.is_new and changed.model_version != report.model_version and changed.messages_scored == 290
        assert _count(warehouse, "select count(*) from core.enr_sentiment_models") == 2


def test_surveys_alone_give_no_neutral_so_the_lexicon_stays(warehouse_url: str) -> None:
    messages = _messages(300, 0, 300, 0)
    surveys = pd.DataFrame([(f"IN{i:03d}", "csat", 1.0) for i in range(300)]
                           + [(f"IP{i:03d}", "csat", 4.0) for i in range(300)],
                           columns=["interaction_id", "survey_type", "score"])
    with _warehouse(warehouse_url, messages, surveys) as warehouse:
        report = fit_and_store_sentiment_model(warehouse, run_id=1)
        assert not report.is_fitted and not report.is_used_for_customers
        assert report.fallback_reason == "too few labels of a class: 0 neutral, and a fit needs 20 of each"
        assert report.messages_scored == 0
        assert _count(warehouse, "select count(*) from core.enr_message_sentiment") == 0
        row = warehouse.query_df("select is_fitted, fallback_reason, count_survey_labels"
                                 " from core.enr_sentiment_models").iloc[0]
        assert (bool(row["is_fitted"]), row["count_survey_labels"]) == (False, 600)
        again = fit_and_store_sentiment_model(warehouse, run_id=2)
        assert not again.is_new and _count(warehouse, "select count(*) from core.enr_sentiment_models") == 1


def test_label_file_errors() -> None:
    with pytest.raises(LabelFileError, match="needs a `label` column"):
        parse_label_rows([{"message_id": "M1"}], None)
    with pytest.raises(LabelFileError, match="needs --source"):
        parse_label_rows([{"tweet_id": "5", "label": "negative"}], None)
    with pytest.raises(LabelFileError, match="line 2: label 'angry'"):
        parse_label_rows([{"message_id": "M1", "label": "angry"}], None)
    frame = parse_label_rows([{"tweet_id": "5", "label": "negative"}], "twitter")
    assert frame.to_dict("records") == [{"message_id": "mapped:twitter:5", "label": "negative"}]


def test_no_labels_at_all_stores_why(warehouse_url: str) -> None:
    empty_surveys = pd.DataFrame(columns=["interaction_id", "survey_type", "score"])
    with _warehouse(warehouse_url, _messages(0, 0, 0, 3), empty_surveys) as warehouse:
        report = fit_and_store_sentiment_model(warehouse, run_id=1)
        assert (report.is_fitted, report.count_labels, report.messages_scored) == (False, 0, 0)
        assert report.fallback_reason == "only 0 labelled customer messages, and a fit needs 200"
