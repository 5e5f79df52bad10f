"""People's labels (etl.feedback): the rows a judgement makes, worked out by hand; saving them on DuckDB and
PostgreSQL; a save that meets a build's lock; labels surviving `cxpulse build` and `cxpulse run`."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from etl.feedback import (
    ConversationPredictions,
    Judgement,
    LabelError,
    MessagePrediction,
    label_rows,
    save_labels,
)
from etl.pipeline import run_pipeline
from etl.warehouse import WarehouseError, open_writer
from tests.conftest import FIXTURES, make_settings, query_frame

AT = dt.datetime(2026, 12, 7, 17, 45, 0, tzinfo=dt.UTC)
PREDICTIONS = ConversationPredictions(
    interaction_id="I5", intent="billing_dispute", intent_version=None, is_restatement=True,
    restatement_version="r-3", trigger="negative_sentiment", trigger_version="t-3",
    messages=(MessagePrediction("M1", "positive", "s-1"), MessagePrediction("M3", "negative", "s-1"),
              MessagePrediction("M9", None, None)),
)


def _ids() -> object:
    counter = itertools.count(1)
    return lambda: f"L{next(counter)}"


def test_every_answer_makes_its_row() -> None:
    judgement = Judgement(labelled_by="  Ada  ", is_intent_right=False, right_intent="invoice_copy",
                          message_sentiments={"M1": "neutral", "M3": "negative", "M9": "positive"},
                          is_restatement=False, is_trigger_right=True, note=" checked ")
    rows = label_rows(PREDICTIONS, judgement, AT, new_id=_ids())  # type: ignore[arg-type]
    common = {"interaction_id": "I5", "labelled_by": "Ada", "labelled_at": dt.datetime(2026, 12, 7, 17, 45),
              "note": "checked"}
    assert rows == [
        {**common, "label_id": "L1", "message_id": None, "detector": "intent", "detector_version": None,
         "predicted_value": "billing_dispute", "label_value": "invoice_copy", "is_correct": False},
        {**common, "label_id": "L2", "message_id": "M1", "detector": "sentiment", "detector_version": "s-1",
         "predicted_value": "positive", "label_value": "neutral", "is_correct": False},
        {**common, "label_id": "L3", "message_id": "M3", "detector": "sentiment", "detector_version": "s-1",
         "predicted_value": "negative", "label_value": "negative", "is_correct": True},
        # a message the detector did not score: the label is kept, correctness unknown
        {**common, "label_id": "L4", "message_id": "M9", "detector": "sentiment", "detector_version": None,
         "predicted_value": None, "label_value": "positive", "is_correct": None},
        {**common, "label_id": "L5", "message_id": None, "detector": "restatement", "detector_version": "r-3",
         "predicted_value": "yes", "label_value": "no", "is_correct": False},
        {**common, "label_id": "L6", "message_id": None, "detector": "escalation_trigger", "detector_version": "t-3",
         "predicted_value": "negative_sentiment", "label_value": "right", "is_correct": True},
    ]


def test_a_right_intent_labels_the_prediction_and_unanswered_questions_make_no_row() -> None:
    rows = label_rows(PREDICTIONS, Judgement(labelled_by="Bo", is_intent_right=True), AT, new_id=_ids())  # type: ignore[arg-type]
    assert [(r["detector"], r["predicted_value"], r["label_value"], r["is_correct"], r["note"]) for r in rows] == [
        ("intent", "billing_dispute", "billing_dispute", True, None)]


@pytest.mark.parametrize(("judgement", "words"), [
    (Judgement(labelled_by=" ", is_intent_right=True), "name is required"),
    (Judgement(labelled_by="Ada"), "Nothing to save"),
    (Judgement(labelled_by="Ada", is_intent_right=False), "Choose the right intent"),
    (Judgement(labelled_by="Ada", is_intent_right=False, right_intent="billing_dispute"), "mark the intent right"),
    (Judgement(labelled_by="Ada", message_sentiments={"M1": "angry"}), "one of negative"),
    (Judgement(labelled_by="Ada", message_sentiments={"M4": "neutral"}), "not a customer message"),
])
def test_incomplete_answers_are_refused(judgement: Judgement, words: str) -> None:
    with pytest.raises(LabelError, match=words):
        label_rows(PREDICTIONS, judgement, AT)


def _count(url: str) -> int:
    return int(query_frame(url, "select count(*) from feedback.labels").iat[0, 0])


def _save_one(url: str, who: str = "Ada") -> list[dict[str, object]]:
    rows = label_rows(PREDICTIONS, Judgement(labelled_by=who, is_intent_right=False, right_intent="invoice_copy",
                                             message_sentiments={"M1": "neutral"}), AT)
    assert save_labels(url, rows) == 2
    return rows


def test_saved_labels_read_back_as_written(no_labels_url: str) -> None:
    rows = _save_one(no_labels_url)
    stored = query_frame(no_labels_url, "select * from feedback.labels order by detector")
    assert list(stored["label_id"]) == [rows[0]["label_id"], rows[1]["label_id"]]
    assert list(stored["detector"]) == ["intent", "sentiment"]
    assert list(stored["label_value"]) == ["invoice_copy", "neutral"]
    assert list(stored["predicted_value"]) == ["billing_dispute", "positive"]
    assert [bool(v) for v in stored["is_correct"]] == [False, False]
    assert pd.isna(stored["message_id"].iloc[0]) and stored["message_id"].iloc[1] == "M1"
    assert list(pd.to_datetime(stored["labelled_at"])) == [pd.Timestamp("2026-12-07 17:45:00")] * 2
    assert set(stored["labelled_by"]) == {"Ada"}


def test_a_save_during_a_build_waits_then_fails_with_nothing_written(no_labels_url: str) -> None:
    rows = label_rows(PREDICTIONS, Judgement(labelled_by="Ada", is_intent_right=True), AT)
    with open_writer(no_labels_url), pytest.raises(WarehouseError, match=r"not saved \(nothing was written\).*waited"):
        save_labels(no_labels_url, rows, wait_seconds=0.5)
    assert _count(no_labels_url) == 0
    assert save_labels(no_labels_url, rows) == 1  # the lock released, the same save goes through


def test_labels_survive_build_and_run(no_labels_url: str) -> None:
    _save_one(no_labels_url)
    _save_one(no_labels_url, who="Bo")
    settings = make_settings(no_labels_url, FIXTURES / "canonical_small")
    assert run_pipeline(settings, "build", do_ingest=False).exit_code == 0
    assert _count(no_labels_url) == 4
    assert run_pipeline(settings, "run").exit_code == 0
    stored = query_frame(no_labels_url, "select labelled_by, count(*) as n from feedback.labels group by labelled_by"
                                        " order by labelled_by")
    assert stored.to_dict("records") == [{"labelled_by": "Ada", "n": 2}, {"labelled_by": "Bo", "n": 2}]
