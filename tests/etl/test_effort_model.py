"""The effort model fit (etl/enrich/effort.py) on synthetic data whose true coefficients are known."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from etl.enrich.effort import (
    FEATURES,
    FITTED,
    INSUFFICIENT,
    INTERCEPT,
    MIN_CES_ANSWERS,
    TARGET,
    Term,
    fit_effort_model,
    fit_rows,
    is_heldout,
    predict,
)

TRUE = {
    INTERCEPT: 6.0, "prior_episode_contacts": -0.4, "count_transfers": -0.6, "is_channel_switch": -0.3,
    "is_repeat_contact": -0.5, "is_restatement": -0.7, "log_queue_wait_minutes": -0.35, "log_first_reply_hours": -0.25,
}
NOISE_SD = 0.8
N = 5_000


def synthetic(n: int = N, seed: int = 11, restatement_share: float = 0.15) -> pd.DataFrame:
    """Features shaped like the product's (repeat <=> earlier contacts, waits as log minutes/hours), CES from
    the TRUE coefficients plus normal noise of sd 0.8."""
    rng = np.random.default_rng(seed)
    prior = rng.poisson(0.5, n)
    frame = pd.DataFrame({
        "interaction_id": [f"I{i:05d}" for i in range(n)],
        "prior_episode_contacts": prior.astype(float),
        "count_transfers": rng.poisson(0.3, n).astype(float),
        "is_channel_switch": ((prior > 0) & (rng.random(n) < 0.4)).astype(float),
        "is_repeat_contact": (prior > 0).astype(float),
        "is_restatement": (rng.random(n) < restatement_share).astype(float),
        "log_queue_wait_minutes": np.log1p(rng.exponential(2.0, n)),
        "log_first_reply_hours": np.log1p(rng.exponential(1.0, n)),
    })
    signal = TRUE[INTERCEPT] + sum(TRUE[f] * frame[f] for f in FEATURES)
    frame[TARGET] = signal + rng.normal(0.0, NOISE_SD, n)
    return frame


def test_ols_recovers_the_true_coefficients() -> None:
    fit = fit_effort_model(synthetic())
    assert fit.status == FITTED
    # Tolerance: the noise is N(0, 0.8) and about 4,000 rows train. The standard error of a coefficient is
    # sd / (sqrt(n) * sd(x) * sqrt(1 - R^2 of x on the others)); for a 0/1 feature at 15 % that is
    # 0.8 / (63.2 * 0.357) = 0.035, and the collinear prior/repeat pair (repeat = prior > 0) inflates theirs
    # about 2-3 times, to 0.1 at most. Every estimate must lie within 4 of its own reported standard
    # errors (a 4-SE miss has probability 6e-5) and every standard error under 0.12.
    for term in fit.terms:
        assert term.std_error is not None and term.std_error < 0.12, term
        assert abs(term.coefficient - TRUE[term.term]) < 4 * term.std_error, term
    # and the fit says what the noise is: the MAE of N(0, 0.8) is 0.8 * sqrt(2 / pi) = 0.638; on about 1,000
    # held-out rows its standard error is about 0.8 * 0.6 / sqrt(1000) = 0.015, so 0.06 is four of them
    assert fit.heldout_mae == pytest.approx(0.8 * math.sqrt(2 / math.pi), abs=0.06)
    assert fit.heldout_rmse == pytest.approx(0.8, abs=0.06)
    assert fit.baseline_heldout_mae is not None and fit.baseline_heldout_mae > fit.heldout_mae
    assert fit.n_train + fit.n_heldout == N
    # 20 % held out by hash: 1,000 expected, binomial sd sqrt(5000 * 0.2 * 0.8) = 28; 4 sd = 113
    assert abs(fit.n_heldout - 1_000) < 113


def test_the_split_is_fixed_by_the_id() -> None:
    assert [is_heldout(f"I{i}") for i in range(50)] == [is_heldout(f"I{i}") for i in range(50)]
    assert any(is_heldout(f"I{i}") for i in range(50)) and not all(is_heldout(f"I{i}") for i in range(50))


def test_too_few_answers_give_no_model_and_a_reason() -> None:
    few = synthetic(MIN_CES_ANSWERS - 1)
    fit = fit_effort_model(few)
    assert fit.status == INSUFFICIENT
    assert fit.reason == "49 contacts with a CES answer, fewer than the 50 needed"
    assert fit.terms == ()
    rows = fit_rows(fit, run_id=3, fitted_at=dt.datetime(2026, 5, 1), training_data_hash="h")
    assert len(rows) == 1 and rows.iloc[0]["term"] is None and rows.iloc[0]["status"] == INSUFFICIENT
    # unanswered contacts (target null) do not count towards the 50
    padded = pd.concat([few, synthetic(10, seed=3).assign(**{TARGET: np.nan})], ignore_index=True)
    assert fit_effort_model(padded).status == INSUFFICIENT
    assert fit_effort_model(synthetic(MIN_CES_ANSWERS)).status == FITTED


def test_a_feature_that_never_varies_contributes_nothing() -> None:
    fit = fit_effort_model(synthetic(restatement_share=0.0))
    restatement = next(t for t in fit.terms if t.term == "is_restatement")
    assert restatement.coefficient == 0.0 and restatement.std_error is None
    rows = fit_rows(fit, run_id=3, fitted_at=dt.datetime(2026, 5, 1), training_data_hash="h")
    assert len(rows) == 1 + len(FEATURES)


def test_predictions_are_clipped_to_the_ces_scale() -> None:
    frame = pd.DataFrame({f: [0.0, 1.0] for f in FEATURES})
    # intercept 8, every feature -10: row 0 = 8 -> 7; row 1 = 8 - 70 = -62 -> 1
    terms = [Term(INTERCEPT, 8.0, None, None)] + [Term(f, -10.0, None, None) for f in FEATURES]
    assert predict(terms, frame).tolist() == [7.0, 1.0]
