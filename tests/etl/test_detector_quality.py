"""Detector quality statistics (etl.detector_quality) on hand-made label sets: every expected figure is worked
out by hand in the comments, the Wilson intervals against published values and statsmodels."""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from etl.detector_quality import (
    ALL,
    NO_FLAGGED,
    NO_POSITIVES,
    TRIGGER_RECALL_REASON,
    intent_confusion,
    quality_table,
    wilson_interval,
)


# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17,
# Table I, method 3 (Wilson score without continuity correction).
@pytest.mark.parametrize(("successes", "trials", "low", "high"), [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_newcombe(successes: int, trials: int, low: float, high: float) -> None:
    got = wilson_interval(successes, trials)
    assert got is not None
    assert got[0] == pytest.approx(low, abs=5e-5)
    assert got[1] == pytest.approx(high, abs=5e-5)


def test_wilson_interval_by_hand_and_by_statsmodels() -> None:
    # 8 of 10, z = 1.96: centre (0.8 + 3.8416/20) / 1.38416 = 0.71674; half 1.96 * sqrt(0.016 + 0.0096040)
    # / 1.38416 = 0.22658 -> 0.4902 to 0.9433
    low, high = wilson_interval(8, 10)  # type: ignore[misc]
    assert (low, high) == (pytest.approx(0.4902, abs=1e-4), pytest.approx(0.9433, abs=1e-4))
    for successes, trials in ((3, 7), (10, 10), (0, 1), (57, 200)):
        expected = proportion_confint(successes, trials, alpha=0.05, method="wilson")
        assert wilson_interval(successes, trials) == (pytest.approx(expected[0], abs=1e-9),
                                                      pytest.approx(expected[1], abs=1e-9))


def test_wilson_interval_without_trials_is_none() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def _labels(detector: str, version: str | None, pairs: list[tuple[str | None, str]],
            correct: list[bool | None] | None = None) -> pd.DataFrame:
    return pd.DataFrame({
        "detector": detector, "detector_version": version,
        "predicted_value": [p for p, _ in pairs], "label_value": [label for _, label in pairs],
        "is_correct": pd.array(correct if correct is not None else
                               [None if p is None else p == label for p, label in pairs], dtype="boolean"),
    })


def _row(table: pd.DataFrame, detector: str, scope: str = ALL) -> pd.Series:
    rows = table[(table["detector"] == detector) & (table["scope"] == scope)]
    assert len(rows) == 1
    return rows.iloc[0]


LABEL_SET = pd.concat([
    # restatement: flagged 3, of which 2 labelled yes -> precision 2/3; labelled yes among judged 4 (two flagged,
    # two missed) -> recall 2/4; the one the detector could not judge counts as a label only
    _labels("restatement", "r-1", [("yes", "yes"), ("yes", "yes"), ("yes", "no"), ("no", "yes"), ("no", "yes"),
                                   ("no", "no"), ("no", "no"), (None, "yes")]),
    # intent: billing P 1/2 R 1/2; delivery P 0/1, R undefined; refund P 2/2 R 2/3
    # macro P (0.5 + 0 + 1) / 3 = 0.5; macro R (0.5 + 2/3) / 2 = 7/12
    _labels("intent", None, [("billing", "billing"), ("billing", "refund"), ("refund", "refund"),
                             ("refund", "refund"), ("delivery", "billing")]),
    # sentiment: negative P 1/1 R 1/2; neutral P 1/2 R 1/1; positive P 1/1 R 1/1; macro 2.5/3 both
    _labels("sentiment", "s-1", [("negative", "negative"), ("neutral", "negative"), ("positive", "positive"),
                                 ("neutral", "neutral")]),
    # escalation trigger: right, right, wrong -> precision 2/3, recall not measured
    _labels("escalation_trigger", "t-1", [("customer_request", "right"), ("complexity", "right"),
                                          ("bot_fallback", "wrong")], correct=[True, True, False]),
], ignore_index=True)


def test_restatement_precision_and_recall() -> None:
    row = _row(quality_table(LABEL_SET), "restatement")
    assert row["detector_version"] == "r-1"
    assert row["count_labels"] == 8
    assert (row["precision"], row["count_precision_base"]) == (pytest.approx(2 / 3), 3)
    assert (row["recall"], row["count_recall_base"]) == (pytest.approx(0.5), 4)
    assert (row["precision_low"], row["precision_high"]) == (pytest.approx(wilson_interval(2, 3)[0]),  # type: ignore[index]
                                                             pytest.approx(wilson_interval(2, 3)[1]))  # type: ignore[index]
    assert (row["recall_low"], row["recall_high"]) == (pytest.approx(0.15004, abs=1e-4),
                                                       pytest.approx(0.84996, abs=1e-4))  # symmetric: 2 of 4


def test_intent_per_class_and_macro() -> None:
    table = quality_table(LABEL_SET)
    macro = _row(table, "intent")
    assert pd.isna(macro["detector_version"])  # the intent detector has no version yet
    assert macro["count_labels"] == 5
    assert macro["precision"] == pytest.approx(0.5)
    assert macro["recall"] == pytest.approx(7 / 12)
    assert pd.isna(macro["precision_low"])  # a macro average carries no Wilson interval
    billing, delivery, refund = (_row(table, "intent", c) for c in ("billing", "delivery", "refund"))
    assert (billing["precision"], billing["recall"]) == (pytest.approx(0.5), pytest.approx(0.5))
    assert delivery["precision"] == 0 and delivery["count_precision_base"] == 1
    assert pd.isna(delivery["recall"]) and NO_POSITIVES in delivery["note"]
    assert (refund["precision"], refund["recall"]) == (pytest.approx(1.0), pytest.approx(2 / 3))


def test_sentiment_per_class_and_trigger_precision_only() -> None:
    table = quality_table(LABEL_SET)
    negative, neutral = _row(table, "sentiment", "negative"), _row(table, "sentiment", "neutral")
    assert (negative["precision"], negative["recall"]) == (pytest.approx(1.0), pytest.approx(0.5))
    assert (neutral["precision"], neutral["recall"]) == (pytest.approx(0.5), pytest.approx(1.0))
    macro = _row(table, "sentiment")
    assert (macro["precision"], macro["recall"]) == (pytest.approx(2.5 / 3), pytest.approx(2.5 / 3))
    trigger = _row(table, "escalation_trigger")
    assert (trigger["precision"], trigger["count_precision_base"]) == (pytest.approx(2 / 3), 3)
    assert pd.isna(trigger["recall"]) and trigger["note"] == TRIGGER_RECALL_REASON


def test_a_detector_that_flagged_nothing_is_not_measured_not_zero() -> None:
    row = _row(quality_table(_labels("restatement", "r-1", [("no", "yes"), ("no", "no")])), "restatement")
    assert pd.isna(row["precision"]) and NO_FLAGGED in row["note"]
    assert row["recall"] == 0.0  # one labelled yes, missed


def test_versions_are_kept_apart_and_no_labels_give_an_empty_table() -> None:
    two = pd.concat([_labels("restatement", "r-1", [("yes", "yes")]), _labels("restatement", "r-2", [("yes", "no")])])
    table = quality_table(two)
    assert list(table["detector_version"]) == ["r-1", "r-2"]
    assert list(table["precision"]) == [1.0, 0.0]
    assert quality_table(LABEL_SET.iloc[0:0]).empty


def test_intent_confusion_counts() -> None:
    confusion = intent_confusion(LABEL_SET)
    assert confusion.to_dict("records") == [
        {"predicted_value": "refund", "label_value": "refund", "count_labels": 2},
        {"predicted_value": "billing", "label_value": "billing", "count_labels": 1},
        {"predicted_value": "billing", "label_value": "refund", "count_labels": 1},
        {"predicted_value": "delivery", "label_value": "billing", "count_labels": 1},
    ]
