"""The inferred effort index: what a contact cost the customer, on the CES scale, for every contact.

Few customers answer a Customer Effort Score survey (Gartner's CES 2.0, "The company made it easy for me to
handle my issue", 1-7, 7 = easiest). Every contact, though, leaves traces of effort: how many times the
customer had to come back about the same thing, transfers, channel switches, repeating to a person what they
had told the bot, and waiting. This step calibrates those traces against the answered CES with ordinary least
squares (statsmodels), so that every contact gets an inferred score on the CES scale:

    ces = b0 + b1 prior_episode_contacts + b2 count_transfers + b3 is_channel_switch + b4 is_repeat_contact
          + b5 is_restatement + b6 log_queue_wait_minutes + b7 log_first_reply_hours

(features: sql/core/int_contact_effort_features.sql). Contacts with a CES answer are split by a hash of
their id into a training part (80 %) and a held-out part (20 %); the model is fitted on the training part and
its error is measured on the held-out part, with predictions clipped to 1-7 as they are shown. The stored
coefficients are the training fit, so the held-out error is the error of exactly the model that scores.

A new fit is made only when the answered contacts or their features changed since the latest fit of the
current version (a hash of the training data is stored with each fit), so a rerun on the same data changes
nothing. The fit is stored in `core.enr_effort_model`, one row per term (coefficient, standard error, p-value) with
the fit's figures repeated on each row (R², held-out RMSE and MAE, the MAE of always predicting the training
mean, sample sizes, model version, run and fitted_at). The scoring of every contact is done in SQL from those
rows (sql/core/fct_contact_experience.sql). With fewer than MIN_CES_ANSWERS answered contacts, no model is
fitted: one row with status 'insufficient_data' and the reason is written, and the inferred score is null.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from etl.enrich.steps import EnrichmentStep, StepContext
from etl.warehouse import Warehouse, check_identifier

EFFORT_MODEL_VERSION = "effort-1/ols-8-terms"
FEATURES: tuple[str, ...] = (
    "prior_episode_contacts",
    "count_transfers",
    "is_channel_switch",
    "is_repeat_contact",
    "is_restatement",
    "log_queue_wait_minutes",
    "log_first_reply_hours",
)
INTERCEPT = "intercept"
TARGET = "ces_score_mean"
CES_MIN = 1.0
CES_MAX = 7.0
MIN_CES_ANSWERS = 50
HELDOUT_SHARE_PERCENT = 20
FITTED = "fitted"
INSUFFICIENT = "insufficient_data"
FORMULA = f"{TARGET} ~ " + " + ".join(FEATURES)


@dataclass(frozen=True)
class Term:
    term: str
    coefficient: float
    std_error: float | None
    p_value: float | None


@dataclass(frozen=True)
class EffortFit:
    status: str
    reason: str | None
    n_ces_contacts: int
    n_train: int = 0
    n_heldout: int = 0
    r_squared: float | None = None
    heldout_rmse: float | None = None
    heldout_mae: float | None = None
    baseline_heldout_mae: float | None = None
    terms: tuple[Term, ...] = field(default_factory=tuple)

    def coefficient(self, term: str) -> float:
        return next(t.coefficient for t in self.terms if t.term == term)


def is_heldout(interaction_id: str) -> bool:
    """A fixed 20 % of contacts, chosen by a hash of the id (the same split on every run and engine)."""
    digest = hashlib.sha256(f"cxpulse-effort-split:{interaction_id}".encode()).hexdigest()
    return int(digest, 16) % 100 < HELDOUT_SHARE_PERCENT


def predict(terms: Sequence[Term], frame: pd.DataFrame) -> np.ndarray:
    """Predicted CES of each row, clipped to the scale (the same arithmetic as fct_contact_experience)."""
    by_term = {t.term: t.coefficient for t in terms}
    raw = np.full(len(frame), by_term.get(INTERCEPT, 0.0))
    for feature in FEATURES:
        raw = raw + by_term.get(feature, 0.0) * frame[feature].astype(float).to_numpy()
    return np.clip(raw, CES_MIN, CES_MAX)


def fit_effort_model(frame: pd.DataFrame, min_answers: int = MIN_CES_ANSWERS) -> EffortFit:
    """Fit the model on contacts with a CES answer (`frame`: interaction_id, the FEATURES and TARGET)."""
    answered = frame[frame[TARGET].notna()].reset_index(drop=True)
    n = len(answered)
    if n < min_answers:
        return EffortFit(INSUFFICIENT, f"{n} contacts with a CES answer, fewer than the {min_answers} needed", n)
    heldout_mask = answered["interaction_id"].astype(str).map(is_heldout).to_numpy(dtype=bool)
    train, heldout = answered[~heldout_mask], answered[heldout_mask]
    x_train = train[list(FEATURES)].astype(float)
    varying = [f for f in FEATURES if x_train[f].nunique() > 1]
    if len(train) <= len(varying) + 1 or heldout.empty:
        return EffortFit(INSUFFICIENT, f"{len(train)} training and {len(heldout)} held-out contacts are too few", n)
    result = sm.OLS(train[TARGET].astype(float).to_numpy(), sm.add_constant(x_train[varying], has_constant="add"),
                    missing="raise").fit()
    params = result.params.to_numpy()
    errors = result.bse.to_numpy()
    p_values = result.pvalues.to_numpy()
    terms = [Term(INTERCEPT, float(params[0]), float(errors[0]), float(p_values[0]))]
    for feature in FEATURES:
        if feature in varying:
            i = varying.index(feature) + 1
            terms.append(Term(feature, float(params[i]), float(errors[i]), float(p_values[i])))
        else:
            # a feature that never varies in training cannot be estimated: it contributes nothing
            terms.append(Term(feature, 0.0, None, None))
    actual = heldout[TARGET].astype(float).to_numpy()
    errors_heldout = predict(terms, heldout) - actual
    baseline = float(np.mean(np.abs(float(train[TARGET].mean()) - actual)))
    return EffortFit(
        status=FITTED, reason=None, n_ces_contacts=n, n_train=len(train), n_heldout=len(heldout),
        r_squared=float(result.rsquared),
        heldout_rmse=float(math.sqrt(np.mean(errors_heldout ** 2))),
        heldout_mae=float(np.mean(np.abs(errors_heldout))),
        baseline_heldout_mae=baseline,
        terms=tuple(terms),
    )


def data_hash(frame: pd.DataFrame) -> str:
    """A fingerprint of the training data (rows in interaction order), to refit only when it changed."""
    ordered = frame.sort_values("interaction_id").reset_index(drop=True)
    return hashlib.sha256(pd.util.hash_pandas_object(ordered, index=False).to_numpy().tobytes()).hexdigest()[:16]


def fit_rows(fit: EffortFit, run_id: int, fitted_at: dt.datetime, training_data_hash: str) -> pd.DataFrame:
    """The rows of core.enr_effort_model for one fit (one per term; one row without a term when not fitted)."""
    common = {
        "model_version": EFFORT_MODEL_VERSION, "run_id": run_id, "fitted_at": fitted_at,
        "training_data_hash": training_data_hash, "status": fit.status,
        "reason": fit.reason, "formula": FORMULA, "n_ces_contacts": fit.n_ces_contacts, "n_train": fit.n_train,
        "n_heldout": fit.n_heldout, "r_squared": fit.r_squared, "heldout_rmse": fit.heldout_rmse,
        "heldout_mae": fit.heldout_mae, "baseline_heldout_mae": fit.baseline_heldout_mae,
    }
    terms = fit.terms or (Term("", math.nan, None, None),)
    rows = [{**common, "term": t.term or None, "coefficient": None if math.isnan(t.coefficient) else t.coefficient,
             "std_error": t.std_error, "p_value": t.p_value} for t in terms]
    return pd.DataFrame(rows, columns=COLUMNS)


COLUMNS = ["model_version", "run_id", "fitted_at", "training_data_hash", "status", "reason", "formula", "term",
           "coefficient", "std_error", "p_value", "n_ces_contacts", "n_train", "n_heldout", "r_squared", "heldout_rmse",
           "heldout_mae", "baseline_heldout_mae"]


def fit_and_store(warehouse: Warehouse, features_table: str, run_id: int) -> EffortFit | None:
    """Read the answered contacts' features (only those), fit, and append the fit to core.enr_effort_model.

    When the latest fit of this version was made on the same data, nothing is refitted or written (None).
    """
    table = check_identifier(features_table)
    columns = ", ".join(("interaction_id", *FEATURES, TARGET))
    frame = warehouse.query_df(f"select {columns} from {table} where {TARGET} is not null order by interaction_id")
    for feature in FEATURES:
        frame[feature] = frame[feature].astype(float)
    frame[TARGET] = frame[TARGET].astype(float)
    fingerprint = data_hash(frame)
    latest = warehouse.scalar(
        "select max(training_data_hash) from core.enr_effort_model where model_version = :version"
        " and fitted_at = (select max(fitted_at) from core.enr_effort_model where model_version = :version)",
        {"version": EFFORT_MODEL_VERSION},
    )
    if latest == fingerprint:
        return None
    fit = fit_effort_model(frame)
    rows = fit_rows(fit, run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None), fingerprint)
    with warehouse.transaction():
        warehouse.bulk_insert("core.enr_effort_model", rows)
    return fit


def _run_step(context: StepContext) -> EffortFit | None:
    fit = fit_and_store(context.warehouse, context.table_of("int_contact_effort_features"), context.run_id)
    context.reports["effort_model"] = fit
    return fit


STEPS = [
    EnrichmentStep(
        name="effort_model",
        description="Calibrating the inferred effort index against CES answers (OLS)",
        reads=("int_contact_effort_features",),
        writes={"effort_model": "core.enr_effort_model"},
        ddl=(
            """create table if not exists core.enr_effort_model (
    model_version text not null,
    run_id bigint not null,
    fitted_at timestamp not null,
    training_data_hash text not null,
    status text not null,
    reason text,
    formula text not null,
    term text,
    coefficient double precision,
    std_error double precision,
    p_value double precision,
    n_ces_contacts bigint not null,
    n_train bigint not null,
    n_heldout bigint not null,
    r_squared double precision,
    heldout_rmse double precision,
    heldout_mae double precision,
    baseline_heldout_mae double precision
)""",
        ),
        run=_run_step,
    ),
]
