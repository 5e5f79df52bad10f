"""The threshold fits of `cxpulse calibrate` (etl/calibration.py) on hand-made labelled sets; every expected
value is worked out by hand in the test's docstring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.calibration import (
    DetectorParameters,
    calibrate_intent,
    calibrate_restatement,
    calibrate_sentiment,
    fit_intent_floor,
    fit_restatement_threshold,
    fit_sentiment_cutoffs,
    macro_f1,
    quality,
    sentiment_classes,
)
from etl.config import ConfigError, settings_from_mapping

# similarity, shared stems, cue, labelled yes
RESTATEMENTS = [
    (0.90, 3, False, True),   # A
    (0.60, 3, False, True),   # B
    (0.45, 2, False, True),   # C
    (0.40, 2, False, False),  # D
    (0.30, 3, False, False),  # E
    (0.80, 1, False, False),  # F: one shared stem, never a restatement by score
    (0.10, 0, True, True),    # G: says "as I already told the bot"
]


def _columns(rows: list[tuple]) -> tuple[list, list, list, list]:
    return tuple(list(column) for column in zip(*rows, strict=True))  # type: ignore[return-value]


def test_restatement_threshold_maximises_f1_of_yes() -> None:
    """Candidates 0.5 (current), 0.9, 0.6, 0.45, 0.4, 0.3 (F is not decidable: 1 stem < 2; G is a cue).
    Actual yes: A, B, C, G (4).
      0.9: A, G flagged -> 2 TP -> F1 4/(2+4) = 0.667     0.6 and 0.5: A, B, G -> 6/(3+4) = 0.857
      0.45: A, B, C, G -> 8/(4+4) = 1.0                 0.4: + D -> 8/9     0.3: + D, E -> 8/10
    Best: 0.45 with F1 1.0."""
    sims, shared, cues, yes = _columns(RESTATEMENTS)
    threshold, score = fit_restatement_threshold(sims, shared, cues, yes, current=0.5, min_shared_words=2)
    assert threshold == 0.45
    assert score == 1.0


def test_restatement_threshold_tie_keeps_the_current_value() -> None:
    """A (0.9, yes) and D (0.4, no): 0.5 and 0.9 both give F1 1.0 (A flagged, D not); 0.4 gives 2/3.
    The tie goes to the candidate closest to the current value: 0.5 itself."""
    sims, shared, cues, yes = _columns([RESTATEMENTS[0], RESTATEMENTS[3]])
    threshold, score = fit_restatement_threshold(sims, shared, cues, yes, current=0.5, min_shared_words=2)
    assert (threshold, score) == (0.5, 1.0)


def test_restatement_calibration_reports_quality_before_and_after() -> None:
    """Before (0.5): flagged A, B, G; 3 TP of 3 flagged (precision 1.0), of 4 yes (recall 0.75).
    After (0.45): 4 of 4 and 4 of 4."""
    frame = pd.DataFrame(RESTATEMENTS, columns=["similarity", "count_shared_words", "has_restatement_cue", "is_yes"])
    fit = calibrate_restatement(frame, current=0.5, min_labels=7, min_shared_words=2)
    assert (fit.previous_value, fit.value, fit.status, fit.count_labels) == (0.5, 0.45, "changed", 7)
    assert (fit.before.precision, fit.before.recall) == (1.0, 0.75)
    assert (fit.after.precision, fit.after.recall) == (1.0, 1.0)


def test_restatement_with_too_few_labels_keeps_its_value_and_says_how_many_it_needs() -> None:
    frame = pd.DataFrame(RESTATEMENTS, columns=["similarity", "count_shared_words", "has_restatement_cue", "is_yes"])
    fit = calibrate_restatement(frame, current=0.5, min_labels=8, min_shared_words=2)
    assert (fit.value, fit.status, fit.before, fit.after) == (0.5, "kept", None, None)
    assert "needs at least 8 labelled conversations" in fit.reason and "has 7" in fit.reason
    only_yes = frame[frame["is_yes"]]
    fit = calibrate_restatement(only_yes, current=0.5, min_labels=1, min_shared_words=2)
    assert fit.status == "kept" and "one yes and one no" in fit.reason


SENTIMENT = [(-0.60, "negative"), (-0.30, "negative"), (-0.10, "neutral"), (0.00, "neutral"), (0.20, "neutral"),
             (0.50, "positive"), (0.70, "positive")]


def test_sentiment_cutoffs_maximise_macro_f1() -> None:
    """Macro-F1 is 1.0 exactly when -0.30 is negative and -0.10 is not (-0.30 < negative_below <= -0.10) and
    0.20 is not positive while 0.50 is (0.20 <= positive_above < 0.50). Of those grid pairs the smallest move
    from (-0.05, 0.05) is (-0.10, 0.20): 0.05 + 0.15.
    Before, at (-0.05, 0.05): negative F1 2*2/(3+2) = 0.8 (-0.10 read as negative), neutral 2*1/(1+3) = 0.5,
    positive 2*2/(3+2) = 0.8 (0.20 read as positive): macro-F1 0.7."""
    compounds, labels = _columns(SENTIMENT)
    negative_below, positive_above, score = fit_sentiment_cutoffs(compounds, labels, -0.05, 0.05)
    assert (negative_below, positive_above) == (-0.10, 0.20)
    assert score == 1.0
    before = sentiment_classes(np.array(compounds), -0.05, 0.05)
    assert macro_f1(before, np.array(labels, dtype=object)) == pytest.approx(0.7)


def test_sentiment_cutoffs_agreeing_with_the_labels_stay_where_they_are() -> None:
    """-0.6 negative, 0 neutral, 0.5 positive: the current (-0.05, 0.05) already scores 1.0 and moves 0."""
    negative_below, positive_above, score = fit_sentiment_cutoffs([-0.6, 0.0, 0.5],
                                                                  ["negative", "neutral", "positive"], -0.05, 0.05)
    assert (negative_below, positive_above, score) == (-0.05, 0.05, 1.0)


def test_sentiment_calibration_reports_each_class() -> None:
    """Negative class: before flagged -0.6, -0.3, -0.1 (2 right of 3, recall 2/2); after -0.6, -0.3 (2/2, 2/2).
    Positive class: before 0.2, 0.5, 0.7 (2/3, 2/2); after 0.5, 0.7 (2/2, 2/2)."""
    frame = pd.DataFrame(SENTIMENT, columns=["compound", "label_value"])
    current = DetectorParameters("none", 0.5, -0.05, 0.05, 0.5)
    negative, positive = calibrate_sentiment(frame, current, min_labels=7)
    assert (negative.parameter, negative.previous_value, negative.value) == ("sentiment_negative_below", -0.05, -0.1)
    assert (positive.parameter, positive.previous_value, positive.value) == ("sentiment_positive_above", 0.05, 0.2)
    assert (negative.before.precision, negative.before.recall) == pytest.approx((2 / 3, 1.0))
    assert (negative.after.precision, negative.after.recall) == (1.0, 1.0)
    assert (positive.before.precision, positive.before.recall) == pytest.approx((2 / 3, 1.0))
    assert (positive.after.precision, positive.after.recall) == (1.0, 1.0)
    kept = calibrate_sentiment(frame, current, min_labels=20)
    assert [fit.status for fit in kept] == ["kept", "kept"]
    assert "needs at least 20 labelled customer messages" in kept[0].reason and "has 7" in kept[0].reason


# confidence, the guess was right
INTENT_GUESSES = [(0.95, True), (0.90, True), (0.85, False), (0.80, True), (0.70, True), (0.60, False),
                  (0.55, False), (0.40, False)]


def test_intent_floor_is_the_lowest_that_reaches_the_precision_target() -> None:
    """Precision of the guesses at or above each floor: 0.40 -> 4/8, 0.55 -> 4/7, 0.60 -> 4/6, 0.70 -> 4/5 = 0.8
    (reaches 0.8); for 0.9: 0.80 -> 3/4, 0.85 -> 2/3, 0.90 -> 2/2. No floor reaches it when every guess is wrong."""
    confidences, correct = _columns(INTENT_GUESSES)
    assert fit_intent_floor(confidences, correct, 0.8) == 0.70
    assert fit_intent_floor(confidences, correct, 0.9) == 0.90
    assert fit_intent_floor(confidences, [False] * len(confidences), 0.5) is None


def test_intent_calibration_reports_precision_and_the_share_of_right_guesses_kept() -> None:
    """Before (0.5): 7 kept (0.40 is below), 4 right: precision 4/7, recall 4/4. After (0.7): 5 kept, 4 right:
    0.8, 4/4."""
    frame = pd.DataFrame(INTENT_GUESSES, columns=["model_confidence", "is_correct"])
    fit = calibrate_intent(frame, current=0.5, target=0.8, min_labels=8)
    assert (fit.value, fit.status) == (0.7, "changed")
    assert (fit.before.precision, fit.before.recall) == pytest.approx((4 / 7, 1.0))
    assert (fit.after.precision, fit.after.recall) == (0.8, 1.0)
    missing = calibrate_intent(None, current=0.5, target=0.8, min_labels=8)
    assert missing.status == "kept" and missing.reason.startswith("not measured")


def test_quality_carries_wilson_intervals() -> None:
    """1 right of 2 flagged: Wilson 95% (z = 1.959964): centre 0.5, half-width
    z / (1 + z²/2) * sqrt(0.25/2 + z²/16) = 0.67105 * 0.60423 = 0.40547 -> [0.0945, 0.9055]."""
    result = quality([True, True, False], [True, False, False])
    assert result.precision == 0.5 and result.recall == 1.0
    assert (result.precision_interval.low, result.precision_interval.high) == pytest.approx((0.0945, 0.9055), abs=1e-4)
    nothing = quality([False, False], [False, False])
    assert (nothing.precision, nothing.precision_interval, nothing.recall) == (None, None, None)


def test_detectors_settings(tmp_path: Path) -> None:
    settings = settings_from_mapping({"detectors": {"calibration": "cal-3", "min_labels": 5}}, tmp_path)
    assert (settings.detectors.calibration, settings.detectors.min_labels) == ("cal-3", 5)
    assert settings_from_mapping({}, tmp_path).detectors.calibration == "latest"
    with pytest.raises(ConfigError, match="calibration"):
        settings_from_mapping({"detectors": {"calibration": "cal-3'; drop"}}, tmp_path)
