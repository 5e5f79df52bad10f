"""The supervised sentiment scorer trained on our 1,000 hand-labelled training tweets, measured on the 300 evaluation
tweets it never saw (tests/fixtures/sentiment: TRAINING_LABELLING.md and LABELLING.md; ids only, texts from
../shared/data at run time)."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.enrich.cs_lexicon import label, score_adapted
from etl.enrich.evaluate_cs_lexicon import LABELS_CSV, TWCS_CSV, macro_f1, read_twcs_texts
from etl.enrich.evaluate_sentiment import TRAINING_CSV, fit_on_training_fixture
from etl.enrich.sentiment_model import predict
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.realdata

# measured with `python -m etl.enrich.evaluate_sentiment` (docs/sentiment_evaluation.md): supervised 0.702, lexicon
# 0.653 on all 300; the fit is deterministic, so the floor sits just under the measured figure
SUPERVISED_FLOOR = 0.70


def _eligible_ids() -> list[int]:
    frame = pd.read_csv(SHARED_DATA / TWCS_CSV, usecols=["tweet_id", "inbound", "text"],
                        dtype={"tweet_id": "int64", "text": str})
    inbound = frame[frame["inbound"].astype(bool)]
    inbound = inbound[inbound["text"].str.split().str.len() >= 4]
    return inbound.sort_values("tweet_id")["tweet_id"].tolist()


def test_training_labels_are_positions_301_to_1300() -> None:
    training = pd.read_csv(TRAINING_CSV, dtype={"tweet_id": "int64", "label": str})
    evaluation = pd.read_csv(LABELS_CSV, dtype={"tweet_id": "int64"})
    eligible = _eligible_ids()
    assert training["tweet_id"].tolist() == eligible[300:1300]
    assert not set(training["tweet_id"]) & set(evaluation["tweet_id"])
    assert set(training["label"]) == {"negative", "neutral", "positive"}
    assert training["label"].value_counts().to_dict() == {"negative": 685, "neutral": 218, "positive": 97}


def test_supervised_scorer_reaches_its_floor_on_the_300_and_beats_the_lexicon() -> None:
    texts = read_twcs_texts(SHARED_DATA / TWCS_CSV)
    model = fit_on_training_fixture(texts)
    evaluation = pd.read_csv(LABELS_CSV, dtype={"tweet_id": "int64", "label": str})
    tweets = [texts[t] for t in evaluation["tweet_id"]]
    gold = evaluation["label"].tolist()
    supervised = macro_f1(gold, predict(model, tweets))
    lexicon = macro_f1(gold, [label(c) for c in score_adapted(tweets)])
    assert supervised >= SUPERVISED_FLOOR
    assert supervised > lexicon
