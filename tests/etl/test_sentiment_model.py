"""The supervised sentiment scorer's pure parts, on tiny hand-made sets whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from etl.enrich import sentiment_model as sm

# Each class has its own words, and no word is shared across classes: a linear model separates them exactly.
TINY_TEXTS = [
    "parcel lost broken", "refund refused again", "parcel broken lost again", "refund refused broken",
    "what time opens", "which address please", "what address opens", "which time please",
    "brilliant lovely staff", "lovely brilliant service", "brilliant service staff", "lovely staff service",
]
TINY_LABELS = ["negative"] * 4 + ["neutral"] * 4 + ["positive"] * 4


def _tiny_model() -> sm.SentimentModel:
    return sm.fit(TINY_TEXTS, TINY_LABELS, min_labels=12, min_per_class=4)


def test_fit_predicts_the_class_whose_own_words_a_new_text_uses() -> None:
    model = _tiny_model()
    assert sm.predict(model, TINY_TEXTS) == TINY_LABELS
    assert sm.predict(model, ["refund lost", "what time", "lovely service"]) == ["negative", "neutral", "positive"]


def test_score_rows_agree_with_vader_thresholds_and_identical_texts_score_once() -> None:
    model = _tiny_model()
    frame = sm.score(model, ["refund lost", "what time", "lovely service", "refund lost"])
    assert frame["sentiment_label"].tolist() == ["negative", "neutral", "positive", "negative"]
    # compound keeps the label's side of VADER's ±0.05 thresholds
    assert frame.loc[0, "compound"] < -0.05 and frame.loc[2, "compound"] > 0.05
    assert -0.05 < frame.loc[1, "compound"] < 0.05
    assert frame[["positive", "neutral", "negative"]].sum(axis=1).tolist() == pytest.approx([1.0] * 4)
    assert frame.loc[0].tolist() == frame.loc[3].tolist()


def test_compound_of_by_hand() -> None:
    assert sm.compound_of("negative", 0.7, 0.1) == pytest.approx(-0.7)
    assert sm.compound_of("positive", 0.2, 0.6) == pytest.approx(0.6)
    # neutral: 0.05 * (0.3 - 0.2) = 0.005
    assert sm.compound_of("neutral", 0.2, 0.3) == pytest.approx(0.005)


def test_fit_refusal_gives_the_reason_counted_by_hand() -> None:
    assert sm.fit_refusal(["negative"] * 150) == "only 150 labelled customer messages, and a fit needs 200"
    labels = ["negative"] * 150 + ["neutral"] * 45 + ["positive"] * 19
    assert sm.fit_refusal(labels) == "too few labels of a class: 19 positive, and a fit needs 20 of each"
    surveys_only = ["negative"] * 120 + ["positive"] * 130
    assert sm.fit_refusal(surveys_only) == "too few labels of a class: 0 neutral, and a fit needs 20 of each"
    assert sm.fit_refusal(["negative"] * 160 + ["neutral"] * 20 + ["positive"] * 20) is None
    with pytest.raises(ValueError, match="fit needs 200"):
        sm.fit(["x"] * 10, ["negative"] * 10)
    with pytest.raises(ValueError, match="unknown sentiment labels"):
        sm.fit_refusal(["angry"])


def test_training_hash_ignores_order_and_changes_with_a_label() -> None:
    base = sm.training_hash(["a", "b"], ["negative", "positive"])
    assert sm.training_hash(["b", "a"], ["positive", "negative"]) == base
    assert sm.training_hash(["a", "b"], ["negative", "neutral"]) != base


def test_heldout_split_depends_only_on_the_key() -> None:
    keys = [f"I{i}" for i in range(1000)]
    first = [sm.heldout_split(k) for k in keys]
    assert first == [sm.heldout_split(k) for k in keys]
    # a fifth is held out; 1000 draws of a 20 % coin stay within 160..240 (4 standard deviations of 12.6)
    assert 160 <= sum(first) <= 240
