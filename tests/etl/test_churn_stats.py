"""The churn model's statistics (etl/enrich/churn_stats.py) on hand-worked examples and synthetic data."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from etl.enrich.churn_stats import (
    brier_score,
    calibration_table,
    fit_logit,
    hosmer_lemeshow,
    rank_auc,
    stratified_holdout,
)


def pairwise_auc(outcome: list[bool] | np.ndarray, score: list[float] | np.ndarray) -> float:
    """An independent AUC: over every (churned, retained) pair, 1 when the churned account scores higher,
    1/2 on a tie, 0 otherwise; the mean over pairs."""
    positives = [s for o, s in zip(outcome, score, strict=True) if o]
    negatives = [s for o, s in zip(outcome, score, strict=True) if not o]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(positives, negatives))
    return wins / (len(positives) * len(negatives))


def test_rank_auc_on_a_hand_worked_example() -> None:
    # churned scores {0.9, 0.4}, retained {0.8, 0.3, 0.4}; the six pairs:
    # 0.9>0.8 win, 0.9>0.3 win, 0.9>0.4 win, 0.4<0.8 loss, 0.4>0.3 win, 0.4=0.4 tie (1/2) -> 4.5 / 6 = 0.75
    outcome = np.array([True, False, True, False, False])
    score = np.array([0.9, 0.8, 0.4, 0.3, 0.4])
    assert rank_auc(outcome, score) == pytest.approx(0.75)
    # the rank formula by hand: ranks 0.3->1, 0.4,0.4->2.5 each, 0.8->4, 0.9->5; churned ranks 5 + 2.5 = 7.5;
    # (7.5 - 2 x 3 / 2) / (2 x 3) = 4.5 / 6 = 0.75
    assert rank_auc(np.array([True, False]), np.array([0.2, 0.7])) == pytest.approx(0.0)
    assert rank_auc(np.array([True, True]), np.array([0.2, 0.7])) is None


def test_rank_auc_agrees_with_the_pairwise_count() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        outcome = rng.random(60) < 0.3
        outcome[:2] = [True, False]
        score = np.round(rng.random(60), 1)  # rounded: many ties
        assert rank_auc(outcome, score) == pytest.approx(pairwise_auc(outcome, score))


def test_calibration_brier_and_hosmer_lemeshow_by_hand() -> None:
    # four accounts in two groups of two: predicted (0.1, 0.2 | 0.6, 0.9), churned (no, yes | no, yes)
    outcome = np.array([0, 1, 0, 1])
    probability = np.array([0.1, 0.2, 0.6, 0.9])
    table = calibration_table(outcome, probability, groups=2)
    assert table["count_accounts"].tolist() == [2, 2]
    assert table["mean_predicted"].tolist() == pytest.approx([0.15, 0.75])
    assert table["observed_rate"].tolist() == pytest.approx([0.5, 0.5])
    # Brier: (0.01 + 0.64 + 0.36 + 0.01) / 4 = 0.255
    assert brier_score(outcome, probability) == pytest.approx(0.255)
    # HL over three groups of ten: expected 1, 5, 9 of 10; observed 2, 5, 8
    # (2-1)^2/(1 x 0.9) + 0 + (8-9)^2/(9 x 0.1) = 1.1111 + 1.1111 = 2.2222, one degree of freedom
    three = pd.DataFrame({"count_accounts": [10, 10, 10], "mean_predicted": [0.1, 0.5, 0.9],
                          "count_churned": [2, 5, 8]})
    statistic, p_value = hosmer_lemeshow(three)
    assert statistic == pytest.approx(2.2222, abs=1e-4)
    # chi-square(1) tail at 2.2222 = 2 x (1 - Phi(sqrt(2.2222) = 1.4907)) = 2 x 0.0680 = 0.1360
    assert p_value == pytest.approx(0.1360, abs=1e-3)


def test_stratified_holdout_takes_the_share_of_each_class() -> None:
    outcome = np.array([True] * 10 + [False] * 40)
    held_out = stratified_holdout(outcome, 0.3, seed=1)
    # 0.3 x 10 = 3 churned and 0.3 x 40 = 12 retained held out
    assert int((held_out & outcome).sum()) == 3
    assert int((held_out & ~outcome).sum()) == 12
    assert (stratified_holdout(outcome, 0.3, seed=1) == held_out).all()


def test_logit_recovers_known_coefficients() -> None:
    # y ~ Bernoulli(logistic(-1 + 0.8 x1 - 0.5 x2 + 0 x3)), x ~ N(0, 1), n = 20,000.
    # The standard error of a slope is about 1 / sqrt(n x mean p(1-p) x var x) = 1 / sqrt(20,000 x 0.18)
    # = 0.017, so a tolerance of 0.08 is more than four standard errors: a correct fit passes, a wrong one fails.
    rng = np.random.default_rng(11)
    design = rng.normal(size=(20_000, 3))
    truth = np.array([-1.0, 0.8, -0.5, 0.0])
    probability = 1 / (1 + np.exp(-(truth[0] + design @ truth[1:])))
    outcome = rng.random(20_000) < probability
    fit = fit_logit(design, outcome, ["x1", "x2", "x3"])
    assert not fit.is_regularised
    assert fit.names == ["intercept", "x1", "x2", "x3"]
    assert fit.coefficients == pytest.approx(truth, abs=0.08)
    assert fit.standard_errors is not None and fit.standard_errors[1] == pytest.approx(0.017, abs=0.006)


def test_logit_survives_separation_and_constant_columns() -> None:
    # x separates the outcome perfectly and c is constant: the fit drops c and falls back to the ridge fit
    x = np.array([-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0])
    outcome = x > 0
    design = np.column_stack([x, np.ones(8)])
    fit = fit_logit(design, outcome, ["x", "c"])
    assert fit.is_regularised
    assert fit.dropped == ["c (constant)"]
    assert np.isfinite(fit.coefficients).all() and fit.coefficients[1] > 0
    # a column that copies another is collinear and dropped too
    copied = fit_logit(np.column_stack([x, x]), np.array([0, 1, 0, 1, 1, 0, 1, 1], bool), ["x", "x_again"])
    assert copied.dropped == ["x_again (collinear)"]
