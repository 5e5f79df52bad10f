"""The statistics behind the churn model, as pure functions over arrays: a held-out split, the logistic fit
(with a ridge-penalised fallback for separation and singular designs), the rank AUC and calibration.

Nothing here touches the warehouse; `etl.enrich.churn` prepares the data and stores the results.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

CALIBRATION_GROUPS = 10
# the penalised fallback is a Gaussian prior of this standard deviation on each standardised coefficient
# 0.5: 95% of the prior's mass on odds ratios between 1/e and e per standard deviation (docs/churn_model.md)
RIDGE_PRIOR_SD = 0.5


def stratified_holdout(outcome: np.ndarray, holdout_share: float, seed: int) -> np.ndarray:
    """A boolean mask of held-out rows: `holdout_share` of each outcome class (rounded), drawn with `seed`.

    Each class keeps at least one row on each side when it has two or more rows."""
    rng = np.random.default_rng(seed)
    outcome = np.asarray(outcome).astype(bool)
    held_out = np.zeros(len(outcome), bool)
    for value in (False, True):
        rows = np.flatnonzero(outcome == value)
        if len(rows) == 0:
            continue
        count = round(holdout_share * len(rows))
        if len(rows) >= 2:
            count = min(max(count, 1), len(rows) - 1)
        held_out[rng.permutation(rows)[:count]] = True
    return held_out


def rank_auc(outcome: np.ndarray, score: np.ndarray) -> float | None:
    """Area under the ROC curve by the rank (Mann-Whitney) formula, ties taking their average rank:
    (sum of the positives' ranks - n_pos (n_pos + 1) / 2) / (n_pos n_neg). None without both classes."""
    outcome = np.asarray(outcome).astype(bool)
    positives = int(outcome.sum())
    negatives = len(outcome) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = pd.Series(np.asarray(score, dtype=float)).rank(method="average").to_numpy()
    return float((ranks[outcome].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def brier_score(outcome: np.ndarray, probability: np.ndarray) -> float | None:
    """Mean squared difference between predicted probability and the 0/1 outcome."""
    if len(outcome) == 0:
        return None
    return float(np.mean((np.asarray(probability, float) - np.asarray(outcome, float)) ** 2))


def calibration_table(outcome: np.ndarray, probability: np.ndarray, groups: int = CALIBRATION_GROUPS) -> pd.DataFrame:
    """Accounts sorted by predicted probability and cut into `groups` groups of (nearly) equal size:
    per group the count, mean predicted probability, observed churn rate and churned count."""
    probability = np.asarray(probability, float)
    outcome = np.asarray(outcome, float)
    columns = ["decile", "count_accounts", "mean_predicted", "observed_rate", "count_churned"]
    if len(probability) == 0:
        return pd.DataFrame(columns=columns)
    order = np.argsort(probability, kind="stable")
    rows = []
    for index, chunk in enumerate(np.array_split(order, min(groups, len(order))), start=1):
        rows.append((index, len(chunk), float(probability[chunk].mean()), float(outcome[chunk].mean()),
                     int(outcome[chunk].sum())))
    return pd.DataFrame(rows, columns=columns)


def hosmer_lemeshow(table: pd.DataFrame) -> tuple[float | None, float | None]:
    """Hosmer-Lemeshow statistic over a calibration table: sum over groups of (O - E)^2 / (E (1 - E/n)), with
    groups - 2 degrees of freedom. (None, None) with fewer than three groups."""
    if len(table) < 3:
        return None, None
    observed = table["count_churned"].to_numpy(float)
    count = table["count_accounts"].to_numpy(float)
    expected = table["mean_predicted"].to_numpy(float) * count
    variance = expected * (1 - expected / count)
    keep = variance > 0
    statistic = float(np.sum((observed[keep] - expected[keep]) ** 2 / variance[keep]))
    return statistic, float(stats.chi2.sf(statistic, len(table) - 2))


@dataclass
class LogitFit:
    """A fitted logistic regression: intercept first, then one coefficient per kept column."""

    names: list[str]
    coefficients: np.ndarray
    standard_errors: np.ndarray | None
    p_values: np.ndarray | None
    is_regularised: bool
    dropped: list[str]
    note: str = ""

    def log_odds(self, design: np.ndarray, names: list[str]) -> np.ndarray:
        index = [names.index(n) for n in self.names[1:]]
        return self.coefficients[0] + design[:, index] @ self.coefficients[1:]

    def probability(self, design: np.ndarray, names: list[str]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.log_odds(design, names)))


def _independent_columns(design: np.ndarray, names: list[str]) -> tuple[list[int], list[str]]:
    """Columns kept: not constant, and not a linear combination of the columns before them (QR pivots)."""
    kept: list[int] = []
    dropped: list[str] = []
    for index, name in enumerate(names):
        column = design[:, index]
        if np.nanstd(column) == 0:
            dropped.append(f"{name} (constant)")
            continue
        trial = np.column_stack([np.ones(len(design)), design[:, [*kept, index]]])
        if np.linalg.matrix_rank(trial) < trial.shape[1]:
            dropped.append(f"{name} (collinear)")
            continue
        kept.append(index)
    return kept, dropped


def fit_logit(design: np.ndarray, outcome: np.ndarray, names: list[str]) -> LogitFit:
    """Maximum-likelihood logit with an intercept. Constant and collinear columns are dropped first; when the
    fit meets perfect separation, a singular Hessian or does not converge, a ridge-penalised fit is used instead
    (the posterior mode under a normal prior of sd RIDGE_PRIOR_SD on each coefficient but the intercept:
    the features are standardised, so a priori a one-SD change rarely moves the odds more than e-fold), with
    Laplace-approximate standard errors."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationError, PerfectSeparationWarning

    kept, dropped = _independent_columns(design, names)
    kept_names = ["intercept"] + [names[i] for i in kept]
    exog = np.column_stack([np.ones(len(design)), design[:, kept]])
    endog = np.asarray(outcome, float)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            result = sm.Logit(endog, exog).fit(disp=0, maxiter=200)
        errors = np.asarray(result.bse, float)
        if not result.mle_retvals.get("converged", True) or not np.all(np.isfinite(errors)) or errors.max() > 1e3:
            raise np.linalg.LinAlgError("no finite standard errors (quasi-separation)")
        return LogitFit(kept_names, np.asarray(result.params, float), errors, np.asarray(result.pvalues, float),
                        False, dropped)
    except (PerfectSeparationError, PerfectSeparationWarning, ConvergenceWarning, np.linalg.LinAlgError,
            ValueError) as error:
        note = f"maximum likelihood failed ({type(error).__name__}: {error}); ridge-penalised fit used"
    # statsmodels minimises -loglike / n + alpha |b|^2 / 2: the prior's |b|^2 / (2 sd^2) over n
    prior_precision = np.full(exog.shape[1], 1.0 / RIDGE_PRIOR_SD ** 2)
    prior_precision[0] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        penalised = sm.GLM(endog, exog, family=sm.families.Binomial()).fit_regularized(
            method="elastic_net", alpha=prior_precision / len(endog), L1_wt=0.0, maxiter=500)
    coefficients = np.asarray(penalised.params, float)
    errors = laplace_standard_errors(exog, coefficients, prior_precision)
    p_values = 2 * stats.norm.sf(np.abs(coefficients / errors)) if errors is not None else None
    return LogitFit(kept_names, coefficients, errors, p_values, True, dropped,
                    note + "; intervals and p-values are Laplace approximations around the penalised fit")


def laplace_standard_errors(exog: np.ndarray, coefficients: np.ndarray,
                            prior_precision: np.ndarray) -> np.ndarray | None:
    """Standard errors from the curvature of the penalised log-likelihood at its mode: the inverse of
    X' W X + diag(prior precision), W = p (1 - p). None when that matrix cannot be inverted."""
    probability = 1.0 / (1.0 + np.exp(-(exog @ coefficients)))
    weights = probability * (1 - probability)
    information = exog.T @ (exog * weights[:, None]) + np.diag(prior_precision)
    try:
        covariance = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        return None
    variances = np.diag(covariance)
    return np.sqrt(variances) if np.all(variances > 0) else None
