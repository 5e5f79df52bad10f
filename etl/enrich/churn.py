"""Churn risk per account: a logistic regression on the account's attributes and, when the accounts have contact
history, what their people went through (or, with too few churned accounts to learn from, a points rule on
those contacts; without contacts either, nothing: "not measured"), stored as tables the warehouse and
`cxpulse status` explain.

Inputs: `core.int_account_churn_features` (one row per account: contacts, repeats, unresolved issues,
negative messages, waits, abandons, transfers, escalations, restatements, survey answers in the window before
the account's observation date, plus segment, industry, ARR, tenure, and whether the accounts have contact
history at all) and the CRM's further attributes (`staging.stg_accounts__account_attributes`, read by the rules
of etl.enrich.churn_attributes: numbers, yes/no flags, categories as dummies against their most common level
with rare levels pooled; the outcome in disguise, identifiers, dates and free text left out). The fit stores its
feature set: "account attributes only" or "account attributes + contact history".

The logit is trained on accounts with a known outcome (churned, or customers through a whole window),
evaluated on a stratified held-out share (`[churn] holdout_share`, `seed`), and scores every account. With
fewer than `[churn] min_churned_accounts` churned accounts among them, the rule in RULES scores instead. Each
fit writes one row to core.enr_churn_models (method, why, sizes, held-out AUC, Brier, Hosmer-Lemeshow),
its calibration deciles, its coefficients (odds ratios with 95% intervals), and a risk row per account with
its three strongest reasons in words. docs/churn_model.md explains the choices.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from etl.config import ChurnSettings
from etl.enrich.churn_attributes import outcome_leak, read_attribute_columns
from etl.enrich.churn_stats import (
    LogitFit,
    brier_score,
    calibration_table,
    fit_logit,
    hosmer_lemeshow,
    rank_auc,
    stratified_holdout,
)
from etl.enrich.steps import EnrichmentStep, StepContext
from etl.warehouse import Warehouse, check_identifier

CHURN_MODEL_VERSION = "churn-2/logit-or-rule"
FEATURE_SET_CONTACTS = "account attributes + contact history"
FEATURE_SET_ATTRIBUTES = "account attributes only"
HIGH_RISK_FROM = 0.40
MEDIUM_RISK_FROM = 0.15
# a categorical level held by fewer accounts than this (or this share) is pooled into "other"
RARE_LEVEL_ACCOUNTS = 5
RARE_LEVEL_SHARE = 0.05
MAX_LEVELS = 8
# a numeric account attribute missing for at least this share of accounts (and RARE_LEVEL_ACCOUNTS) also gets a
# 0/1 "is missing" column; rarer gaps only take the training mean
MISSING_INDICATOR_SHARE = 0.01
REASON_COUNT = 3
# per-contact rates are smoothed towards the book's rate as if each account had this many more contacts at it:
# an account with one contact and one restatement is not "100% restatements"
RATE_PRIOR_CONTACTS = 5.0


@dataclass(frozen=True)
class NumericFeature:
    column: str
    label: str
    log_scale: bool = True
    unit: str = ""
    is_flag: bool = False
    # divided by the account's window contacts (0 without contacts)
    per_contact: bool = False
    # read from the contact history (left out of the model when the accounts have none)
    is_contact: bool = True
    # a flag's words when it is 0
    no_label: str = ""

    def values(self, features: pd.DataFrame) -> np.ndarray:
        """The feature per account; a per-contact rate is (count + k x book rate) / (contacts + k), k =
        RATE_PRIOR_CONTACTS, the book rate being all accounts' count over all their contacts (no outcome is
        used, so nothing leaks from the test accounts)."""
        values = features[self.column].astype(float).to_numpy()
        if not self.per_contact:
            return values
        contacts = features["count_contacts"].astype(float).to_numpy()
        book_rate = float(values.sum() / contacts.sum()) if contacts.sum() > 0 else 0.0
        return (values + RATE_PRIOR_CONTACTS * book_rate) / (contacts + RATE_PRIOR_CONTACTS)


# The model's numeric inputs: each a warning sign the operation can act on, or an account trait known to move
# churn (size, tenure). Bad experiences enter as shares of the account's window contacts (so that a large
# account is not scored as unhappy for being large; smoothed, see RATE_PRIOR_CONTACTS; silence is marked by
# `has_no_contacts`), the
# number of contacts and the account's size and tenure as log(1 + value): the hundredth contact adds less
# than the tenth.
def _rate(column: str, label: str, unit: str = "share") -> NumericFeature:
    return NumericFeature(column, label, log_scale=False, unit=unit, per_contact=True)


NUMERIC_FEATURES: tuple[NumericFeature, ...] = (
    NumericFeature("count_contacts", "contacts in the window"),
    _rate("count_repeat_contacts", "repeat contacts about the same issue"),
    _rate("count_unresolved_episodes", "issues the customer had to come back about"),
    _rate("count_negative_messages", "negative customer messages", "per_contact"),
    _rate("count_abandoned_contacts", "contacts abandoned in the queue"),
    _rate("count_long_waits", "waits over 5 minutes"),
    _rate("count_transfers", "transfers", "per_contact"),
    _rate("count_escalated_contacts", "escalated contacts"),
    _rate("count_restatements", "restatements after a bot handoff"),
    _rate("count_low_csat_answers", "CSAT answers of 1-2"),
    _rate("count_low_ces_answers", "CES answers of 1-3 (hard)"),
    NumericFeature("bot_only_contact_share", "contacts the bot handled alone", log_scale=False, unit="share"),
    NumericFeature("has_no_contacts", "no contact at all in the window", log_scale=False, is_flag=True,
                   no_label="contacted service in the window"),
    NumericFeature("has_no_survey_answers", "no survey answer in the window", log_scale=False, is_flag=True,
                   no_label="answered a survey in the window"),
    NumericFeature("tenure_days", "tenure in days", is_contact=False),
    NumericFeature("arr_amount", "annual recurring revenue", unit="money", is_contact=False),
)
CATEGORICAL_COLUMNS = {"segment": "segment", "industry": "industry"}


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    points: int
    fires: Callable[[pd.Series], bool]


def per_contact(row: pd.Series, column: str) -> float:
    """A count of the window as a share of the account's contacts in it (0 without contacts)."""
    contacts = float(row["count_contacts"])
    return float(row[column]) / contacts if contacts > 0 else 0.0


def low_survey_share(row: pd.Series) -> float:
    answers = float(row["count_survey_answers"])
    low = float(row["count_low_csat_answers"]) + float(row["count_low_ces_answers"])
    return low / answers if answers > 0 else 0.0


# The fallback: a point per warning sign, two for the strongest (silence, low survey answers). Signs are
# shares of the account's contacts so that a large account is not flagged for being large; the thresholds are
# round figures of our own (docs/churn_model.md), not fitted.
RULES: tuple[Rule, ...] = (
    Rule("silent", "no contact at all in the window (silent account)", 2,
         lambda r: bool(r["has_no_contacts"])),
    Rule("low_survey", "a quarter or more of survey answers were CSAT 1-2 or CES 1-3", 2,
         lambda r: low_survey_share(r) >= 0.25),
    Rule("repeats", "a quarter or more of contacts were repeats about the same issue", 1,
         lambda r: per_contact(r, "count_repeat_contacts") >= 0.25),
    Rule("unresolved", "issues came back unresolved (1 in 10 contacts or more)", 1,
         lambda r: per_contact(r, "count_unresolved_episodes") >= 0.10),
    Rule("negative", "one negative customer message per two contacts or more", 1,
         lambda r: per_contact(r, "count_negative_messages") >= 0.5),
    Rule("abandons", "1 in 10 contacts or more abandoned in the queue", 1,
         lambda r: per_contact(r, "count_abandoned_contacts") >= 0.10),
    Rule("long_waits", "1 in 10 contacts or more waited over 5 minutes", 1,
         lambda r: per_contact(r, "count_long_waits") >= 0.10),
    Rule("restatements", "1 in 20 contacts or more had to repeat themselves after a bot handoff", 1,
         lambda r: per_contact(r, "count_restatements") >= 0.05),
    Rule("escalations", "1 in 10 contacts or more escalated", 1,
         lambda r: per_contact(r, "count_escalated_contacts") >= 0.10),
    Rule("bot_only", "every contact handled by the bot alone", 1,
         lambda r: r["count_contacts"] > 0 and r["bot_only_contact_share"] >= 1.0),
)
# points -> probability band: (lowest points, probability); the probabilities are round guesses near a
# 10% base rate, documented as such (docs/churn_model.md), not fitted
RULE_BANDS: tuple[tuple[int, float], ...] = ((0, 0.05), (1, 0.10), (3, 0.25), (5, 0.50))


def rule_probability(points: int) -> float:
    probability = RULE_BANDS[0][1]
    for lowest, band_probability in RULE_BANDS:
        if points >= lowest:
            probability = band_probability
    return probability


def risk_band(probability: float) -> str:
    if probability >= HIGH_RISK_FROM:
        return "high"
    if probability >= MEDIUM_RISK_FROM:
        return "medium"
    return "low"


def score_by_rules(features: pd.DataFrame) -> pd.DataFrame:
    """Points, probability and fired rules (strongest first) per account."""
    rows = []
    for _, row in features.iterrows():
        fired = sorted((r for r in RULES if r.fires(row)), key=lambda r: -r.points)
        points = sum(r.points for r in fired)
        reasons = [f"{r.reason} (+{r.points})" for r in fired[:REASON_COUNT]]
        rows.append((row["account_id"], points, rule_probability(points), *(reasons + [None] * REASON_COUNT)[:3]))
    return pd.DataFrame(rows, columns=["account_id", "risk_points", "churn_probability", "reason_1", "reason_2",
                                       "reason_3"])


# --- the design matrix ---------------------------------------------------------------------------------------

def pivot_attributes(attributes: pd.DataFrame, account_ids: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The CRM's further columns the model uses, as (numeric frame, categorical frame), one row per account in
    `account_ids` (rules in etl.enrich.churn_attributes; flags are numeric)."""
    index = pd.Index(account_ids.astype(str), name="account_id")
    numeric = pd.DataFrame(index=index)
    categorical = pd.DataFrame(index=index)
    for column in read_attribute_columns(attributes, account_ids):
        if not column.is_used:
            continue
        target = categorical if column.treatment == "categorical" else numeric
        target[column.name] = column.values.to_numpy()
    return numeric, categorical


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def pooled_levels(values: pd.Series) -> tuple[pd.Series, str | None]:
    """Levels with missing read as 'missing', rare ones (RARE_LEVEL_*) and those past MAX_LEVELS pooled into
    'other'; returns the pooled values and the reference level (the most common), None if only one level."""
    text = values.map(lambda v: "missing" if _is_missing(v) else str(v).strip())
    counts = text.value_counts()
    floor = max(RARE_LEVEL_ACCOUNTS, RARE_LEVEL_SHARE * len(text))
    kept = [level for level, n in counts.items() if n >= floor][:MAX_LEVELS - 1]
    pooled = text.where(text.isin(kept), "other")
    pooled_counts = pooled.value_counts()
    if len(pooled_counts) < 2:
        return pooled, None
    named = [level for level in pooled_counts.index if level != "other"]
    return pooled, str(named[0] if named else pooled_counts.index[0])


@dataclass
class DesignGroup:
    """One input as a person names it (a feature, a CRM column) and the design columns it became: a numeric
    column (with its missing-value indicator), a flag, or a categorical column's dummies."""

    key: str
    label: str
    kind: str  # numeric | flag | categorical
    unit: str = ""
    raw: np.ndarray | None = None
    raw_mean: float = float("nan")
    levels: np.ndarray | None = None
    yes_words: str = ""
    no_words: str = ""


@dataclass
class Design:
    """The model's matrix: standardised numeric columns and 0/1 flags and dummies, with a label per column, the
    input (group) each column comes from, and what became of every further CRM column (`attribute_report`:
    name, treatment, reason, accounts that fill it)."""

    matrix: np.ndarray
    names: list[str]
    labels: dict[str, str]
    center: np.ndarray
    group_of: dict[str, str] = field(default_factory=dict)
    groups: dict[str, DesignGroup] = field(default_factory=dict)
    attribute_report: list[tuple[str, str, str, int]] = field(default_factory=list)


class _DesignBuilder:
    def __init__(self, size: int, training: np.ndarray) -> None:
        self.size = size
        self.training = training
        self.columns: list[np.ndarray] = []
        self.names: list[str] = []
        self.labels: dict[str, str] = {}
        self.group_of: dict[str, str] = {}
        self.groups: dict[str, DesignGroup] = {}

    def _add(self, name: str, column: np.ndarray, label: str, group: str) -> None:
        self.columns.append(column)
        self.names.append(name)
        self.labels[name] = label
        self.group_of[name] = group

    def numeric(self, name: str, label: str, values: np.ndarray, *, log_scale: bool, unit: str = "",
                is_flag: bool = False, yes_words: str = "", no_words: str = "", missing_indicator: bool = False,
                ) -> bool:
        """A numeric input, standardised on the training rows (a flag stays 0/1); missing values take the
        training mean, and, when `missing_indicator` and enough accounts miss it, a 0/1 'is missing' column."""
        values = np.asarray(values, float)
        transformed = np.log1p(np.clip(values, 0, None)) if log_scale else values.copy()
        finite = np.isfinite(transformed)
        train_values = transformed[self.training & finite]
        if len(train_values) == 0:
            return False
        mean = float(train_values.mean())
        sd = float(train_values.std())
        transformed = np.where(finite, transformed, mean)
        if is_flag:
            self._add(name, transformed, label + " (yes vs no)", name)
        else:
            self._add(name, (transformed - mean) / sd if sd > 0 else transformed - mean,
                      label + (" (per SD of log(1 + value))" if log_scale else " (per SD)"), name)
        missing = int((~finite).sum())
        if missing_indicator and missing >= max(RARE_LEVEL_ACCOUNTS, MISSING_INDICATOR_SHARE * self.size):
            self._add(f"{name}__missing", (~finite).astype(float), f"{label} is missing (yes vs no)", name)
        finite_train = values[self.training & np.isfinite(values)]
        self.groups[name] = DesignGroup(
            name, label, "flag" if is_flag else "numeric", unit, values,
            float(finite_train.mean()) if len(finite_train) else float("nan"), yes_words=yes_words or label,
            no_words=no_words or f"not {label}")
        return True

    def categorical(self, name: str, label: str, values: pd.Series) -> bool:
        """Dummies against the most common level (rare levels pooled); False when one level is left."""
        pooled, reference = pooled_levels(pd.Series(list(values)))
        if reference is None:
            return False
        for level in sorted(set(pooled) - {reference}):
            self._add(f"{name}={level}", (pooled == level).to_numpy(float), f"{label} is {level} (vs {reference})",
                      name)
        self.groups[name] = DesignGroup(name, label, "categorical", levels=pooled.to_numpy(object))
        return True

    def design(self, attribute_report: list[tuple[str, str, str, int]]) -> Design:
        matrix = np.column_stack(self.columns) if self.columns else np.zeros((self.size, 0))
        center = matrix[self.training].mean(axis=0) if self.training.any() else np.zeros(matrix.shape[1])
        return Design(matrix, self.names, self.labels, center, self.group_of, self.groups, attribute_report)


def build_design(features: pd.DataFrame, attributes: pd.DataFrame, training: np.ndarray,
                 churned: np.ndarray | None = None, use_contacts: bool = True) -> Design:
    """Columns for every account: the contact features (when `use_contacts`), the account's own fields, then
    the CRM's further columns in the export's order (so that of two columns saying the same thing, the first
    is kept when the fit drops collinear ones). Standardisation, imputation and the outcome-leak rules use the
    training rows only."""
    builder = _DesignBuilder(len(features), training)
    for feature in NUMERIC_FEATURES:
        if feature.is_contact and not use_contacts:
            continue
        builder.numeric(feature.column, feature.label, feature.values(features), log_scale=feature.log_scale,
                        unit=feature.unit, is_flag=feature.is_flag, yes_words=feature.label,
                        no_words=feature.no_label, missing_indicator=not feature.is_contact)
    report: list[tuple[str, str, str, int]] = []
    crm_columns = read_attribute_columns(attributes, features["account_id"])
    for column in crm_columns:
        if column.treatment in ("numeric", "numeric (log)", "flag") and column.values is not None:
            reason = column.reason
            leak = outcome_leak(column.values, False, churned, training) if churned is not None else None
            if leak is not None:
                report.append((column.name, "left out", leak, column.count_filled))
                continue
            used = builder.numeric(f"crm__{column.name}", f"{column.name} (CRM)", column.values.to_numpy(float),
                                   log_scale=column.treatment == "numeric (log)", is_flag=column.treatment == "flag",
                                   yes_words=f"{column.name} (CRM): yes", no_words=f"{column.name} (CRM): no",
                                   missing_indicator=True)
            report.append((column.name, column.treatment if used else "left out",
                           reason if used else "no value in the training accounts", column.count_filled))
    for name, label in CATEGORICAL_COLUMNS.items():
        builder.categorical(name, label, features[name])
    for column in crm_columns:
        if column.treatment == "categorical" and column.values is not None:
            pooled, _ = pooled_levels(column.values)
            leak = outcome_leak(pooled, True, churned, training) if churned is not None else None
            if leak is not None:
                report.append((column.name, "left out", leak, column.count_filled))
                continue
            used = builder.categorical(f"crm__{column.name}", f"{column.name} (CRM)", column.values)
            report.append((column.name, "categorical" if used else "left out",
                           column.reason if used else "one level once rare levels are pooled", column.count_filled))
        elif not column.is_used:
            report.append((column.name, column.treatment, column.reason, column.count_filled))
    order = {column.name: position for position, column in enumerate(crm_columns)}
    report.sort(key=lambda row: order.get(row[0], len(order)))
    return builder.design(report)


def _format_value(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "unknown"
    if unit == "share":
        return f"{value:.0%} of contacts"
    if unit == "per_contact":
        return f"{value:.2f} per contact"
    if unit == "money":
        return f"{value:,.0f}"
    if abs(value - round(value)) < 1e-9:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _group_words(group: DesignGroup, row: int) -> str:
    if group.kind == "categorical" and group.levels is not None:
        level = str(group.levels[row])
        if level == "missing":
            return f"{group.label}: not given"
        if level == "other":
            return f"{group.label}: a less common value"
        return f"{group.label} is {level}"
    value = float(group.raw[row]) if group.raw is not None else float("nan")
    if group.kind == "flag":
        if not np.isfinite(value):
            return f"{group.label}: not given"
        return group.yes_words if value >= 0.5 else group.no_words
    return f"{group.label}: {_format_value(value, group.unit)} (average {_format_value(group.raw_mean, group.unit)})"


def reasons_in_words(fit: LogitFit, design: Design) -> list[list[str]]:
    """Per account, the (up to) three inputs that raise its log-odds most above the average training
    account: coefficient x (value - training mean), summed over the columns of one input (a categorical
    column's dummies, a number and its missing indicator), positive contributions only, in words that name
    the account's own value or level."""
    kept = fit.names[1:]
    index = [design.names.index(n) for n in kept]
    contributions = (design.matrix[:, index] - design.center[index]) * fit.coefficients[1:]
    group_keys = list(dict.fromkeys(design.group_of[n] for n in kept))
    by_group = np.zeros((design.matrix.shape[0], len(group_keys)))
    for position, name in enumerate(kept):
        by_group[:, group_keys.index(design.group_of[name])] += contributions[:, position]
    out = []
    for row in range(design.matrix.shape[0]):
        order = np.argsort(-by_group[row], kind="stable")
        words = []
        for position in order[:REASON_COUNT]:
            if by_group[row, position] <= 1e-9:
                break
            words.append(_group_words(design.groups[group_keys[position]], row))
        out.append(words)
    return out


# --- the step ------------------------------------------------------------------------------------------------

COEFFICIENT_COLUMNS = ["feature_name", "feature_label", "coefficient", "std_error", "odds_ratio", "odds_ratio_ci_low",
                       "odds_ratio_ci_high", "p_value"]
ATTRIBUTE_COLUMNS = ["attribute_name", "treatment", "reason", "count_accounts_filled"]


@dataclass
class ChurnResult:
    """A fit: `method` logit | rule | none (nothing could score: no contact history for the rule and too few
    churned accounts for a model)."""

    method: str
    fallback_reason: str | None
    model: dict[str, object]
    calibration: pd.DataFrame
    coefficients: pd.DataFrame
    risk: pd.DataFrame
    attributes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ATTRIBUTE_COLUMNS))


def _coefficient_rows(fit: LogitFit, design: Design) -> pd.DataFrame:
    rows = []
    for position, name in enumerate(fit.names):
        coefficient = float(fit.coefficients[position])
        error = float(fit.standard_errors[position]) if fit.standard_errors is not None else None
        p_value = float(fit.p_values[position]) if fit.p_values is not None else None
        low = math.exp(coefficient - 1.959964 * error) if error is not None else None
        high = math.exp(coefficient + 1.959964 * error) if error is not None else None
        label = "intercept (the average account's log-odds)" if name == "intercept" else design.labels[name]
        rows.append((name, label, coefficient, error, math.exp(coefficient), low, high, p_value))
    return pd.DataFrame(rows, columns=COEFFICIENT_COLUMNS)


def _evaluation(outcome: np.ndarray, probability: np.ndarray) -> tuple[dict[str, object], pd.DataFrame]:
    table = calibration_table(outcome, probability)
    statistic, p_value = hosmer_lemeshow(table)
    return {"heldout_auc": rank_auc(outcome, probability), "brier_score": brier_score(outcome, probability),
            "hosmer_lemeshow_chi2": statistic, "hosmer_lemeshow_p": p_value}, table


def has_contact_history(features: pd.DataFrame) -> bool:
    """Whether the accounts' people have contacts in the warehouse (int_account_churn_features says so; a
    frame without the column, as built by hand, is taken as having them)."""
    if "has_contact_history" not in features.columns:
        return True
    return bool(features["has_contact_history"].fillna(False).astype(bool).any())


def observation_summary(features: pd.DataFrame) -> str | None:
    """How the accounts were dated, e.g. 'churn date 1,869; export date 5,174'."""
    if "observation_basis" not in features.columns:
        return None
    counts = features["observation_basis"].fillna("no date").value_counts()
    return "; ".join(f"{basis} {count:,}" for basis, count in counts.items()) or None


def _attribute_frame(design: Design) -> pd.DataFrame:
    return pd.DataFrame(design.attribute_report, columns=ATTRIBUTE_COLUMNS)


def _fallback_reason(churned_known: int, retained_known: int, settings: ChurnSettings) -> str | None:
    if churned_known == 0:
        return ("no account with a known outcome is marked churned: the export carries no churn date or churn flag"
                " (map its column to churned_on or churn_flag), or none is set")
    if churned_known < settings.min_churned_accounts:
        return (f"only {churned_known} churned account(s) with a known outcome, fewer than"
                f" [churn] min_churned_accounts = {settings.min_churned_accounts}")
    if retained_known < 2:
        return "fewer than two retained accounts with a known outcome"
    return None


def fit_churn_model(features: pd.DataFrame, attributes: pd.DataFrame, settings: ChurnSettings) -> ChurnResult:
    """Fit (or fall back to the rule, or to nothing without contact history) and score every account."""
    features = features.reset_index(drop=True)
    # a null (e.g. an account whose dates cannot be placed in the data) is not a known outcome
    known = features["has_known_outcome"].fillna(False).astype(bool).to_numpy()
    churned = features["is_churned"].fillna(False).astype(bool).to_numpy()
    churned_known = int((known & churned).sum())
    use_contacts = has_contact_history(features)
    model: dict[str, object] = {"n_accounts": len(features), "n_known_outcome": int(known.sum()),
                                "n_churned": churned_known, "feature_window_days": settings.feature_window_days,
                                "is_regularised": False, "dropped_features": None, "fit_note": None,
                                "feature_set": FEATURE_SET_CONTACTS if use_contacts else FEATURE_SET_ATTRIBUTES,
                                "observation_basis": observation_summary(features)}
    fallback_reason = _fallback_reason(churned_known, int((known & ~churned).sum()), settings)
    if fallback_reason is None:
        held_out = np.zeros(len(features), bool)
        held_out[np.flatnonzero(known)] = stratified_holdout(churned[known], settings.holdout_share, settings.seed)
        training = known & ~held_out
        design = build_design(features, attributes, training, churned, use_contacts)
        try:
            if not design.names:
                raise ValueError("no usable column")
            fit = fit_logit(design.matrix[training], churned[training], design.names)
        except Exception as error:  # a model that cannot be fitted must not stop the pipeline
            fallback_reason = f"the logistic fit failed ({type(error).__name__}: {error})"
        else:
            probability = fit.probability(design.matrix, design.names)
            evaluation, calibration = _evaluation(churned[held_out], probability[held_out])
            model.update(evaluation)
            model.update(n_train=int(training.sum()), n_test=int(held_out.sum()),
                         n_train_churned=int((training & churned).sum()),
                         n_test_churned=int((held_out & churned).sum()), is_regularised=fit.is_regularised,
                         dropped_features="; ".join(fit.dropped) or None, fit_note=fit.note or None)
            reasons = reasons_in_words(fit, design)
            risk = pd.DataFrame({"account_id": features["account_id"], "churn_probability": probability,
                                 "risk_points": None, "is_held_out": held_out})
            for position in range(REASON_COUNT):
                risk[f"reason_{position + 1}"] = [r[position] if len(r) > position else None for r in reasons]
            return ChurnResult("logit", None, model, calibration, _coefficient_rows(fit, design), risk,
                               _attribute_frame(design))
    # what the account attributes would give the model, for the record (no outcome rule without a fit)
    attribute_report = _attribute_frame(build_design(features, attributes, known, None, use_contacts))
    model.update(n_train=0, n_train_churned=0)
    if not use_contacts:
        # the rule's warning signs are all read from contacts: without any, it would call every account silent
        model.update(n_test=0, n_test_churned=0)
        reason = (f"{fallback_reason}; and no contact history links to these accounts, so the points rule (which"
                  " reads contacts) cannot score them either")
        return ChurnResult("none", reason, model, pd.DataFrame(columns=["decile", "count_accounts", "mean_predicted",
                                                                        "observed_rate", "count_churned"]),
                           pd.DataFrame(columns=COEFFICIENT_COLUMNS),
                           pd.DataFrame(columns=["account_id", "churn_probability", "risk_points", "is_held_out",
                                                 "reason_1", "reason_2", "reason_3"]), attribute_report)
    risk = score_by_rules(features)
    risk["is_held_out"] = known
    probability = risk["churn_probability"].to_numpy(float)
    evaluation, calibration = _evaluation(churned[known], probability[known])
    model.update(evaluation)
    # the rule learns nothing from the data: every account with a known outcome is out of sample
    model.update(n_test=int(known.sum()), n_test_churned=churned_known)
    coefficients = pd.DataFrame(
        [(f"rule:{r.name}", r.reason, float(r.points), None, None, None, None, None) for r in RULES],
        columns=COEFFICIENT_COLUMNS)
    return ChurnResult("rule", fallback_reason, model, calibration, coefficients, risk, attribute_report)


def input_fingerprint(features: pd.DataFrame, attributes: pd.DataFrame, settings: ChurnSettings) -> str:
    """A digest of everything a fit depends on: the same inputs give the same model, so it is not refitted."""
    digest = hashlib.sha256(CHURN_MODEL_VERSION.encode())
    digest.update(repr(settings).encode())
    for frame in (features, attributes):
        digest.update(frame.to_csv(index=False).encode())
    return digest.hexdigest()


MODEL_COLUMNS = ("n_accounts", "n_known_outcome", "n_churned", "n_train", "n_test", "n_train_churned",
                 "n_test_churned", "heldout_auc", "brier_score", "hosmer_lemeshow_chi2", "hosmer_lemeshow_p",
                 "is_regularised", "dropped_features", "fit_note", "feature_window_days", "feature_set",
                 "observation_basis")
_TABLES = ("enr_churn_models", "enr_churn_calibration", "enr_churn_coefficients", "enr_account_churn_risk",
           "enr_churn_attributes")


def store(warehouse: Warehouse, result: ChurnResult, run_id: int, input_hash: str = "") -> None:
    fitted_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    stamp = {"model_version": CHURN_MODEL_VERSION, "run_id": run_id, "fitted_at": fitted_at}
    model = pd.DataFrame([{**stamp, "method": result.method, "fallback_reason": result.fallback_reason,
                           "input_hash": input_hash, **{k: result.model.get(k) for k in MODEL_COLUMNS}}])
    calibration = result.calibration.assign(**stamp)
    coefficients = result.coefficients.assign(**stamp)
    attributes = result.attributes.assign(**stamp)
    risk = result.risk.assign(**stamp, method=result.method)
    risk["risk_band"] = risk["churn_probability"].map(risk_band)
    with warehouse.transaction():
        for table in _TABLES:
            warehouse.execute(f"delete from core.{table} where run_id = :run and model_version = :version",
                              {"run": run_id, "version": CHURN_MODEL_VERSION})
        warehouse.bulk_insert("core.enr_churn_models", model[["model_version", "run_id", "fitted_at", "method",
                                                              "fallback_reason", "input_hash", *MODEL_COLUMNS]])
        if not calibration.empty:
            warehouse.bulk_insert("core.enr_churn_calibration", calibration[[
                "model_version", "run_id", "fitted_at", "decile", "count_accounts", "mean_predicted",
                "observed_rate", "count_churned"]])
        if not coefficients.empty:
            warehouse.bulk_insert("core.enr_churn_coefficients", coefficients[[
                "model_version", "run_id", "fitted_at", *COEFFICIENT_COLUMNS]])
        if not attributes.empty:
            warehouse.bulk_insert("core.enr_churn_attributes", attributes[[
                "model_version", "run_id", "fitted_at", *ATTRIBUTE_COLUMNS]])
        if not risk.empty:
            warehouse.bulk_insert("core.enr_account_churn_risk", risk[[
                "model_version", "run_id", "fitted_at", "account_id", "method", "is_held_out", "churn_probability",
                "risk_band", "risk_points", "reason_1", "reason_2", "reason_3"]])


def run_churn_step(context: StepContext) -> dict[str, object]:
    features_table = check_identifier(context.table_of("int_account_churn_features"))
    attributes_table = check_identifier(context.table_of("stg_accounts__account_attributes"))
    features = context.warehouse.query_df(f"select * from {features_table} order by account_id")
    attributes = context.warehouse.query_df(
        f"select account_id, attribute_name, attribute_position, attribute_value from {attributes_table}"
        " order by account_id, attribute_name")
    fingerprint = input_fingerprint(features, attributes, context.settings.churn)
    latest = context.warehouse.query_df(
        "select method, input_hash, heldout_auc, feature_set from core.enr_churn_models"
        " where model_version = :version order by run_id desc, fitted_at desc limit 1",
        {"version": CHURN_MODEL_VERSION},
    )
    if not latest.empty and latest["input_hash"].iloc[0] == fingerprint:
        # the same features and settings as the latest fit: keep it (a rerun on the same data changes nothing)
        return {"method": latest["method"].iloc[0], "reused": True, "heldout_auc": latest["heldout_auc"].iloc[0],
                "feature_set": latest["feature_set"].iloc[0]}
    result = fit_churn_model(features, attributes, context.settings.churn)
    store(context.warehouse, result, context.run_id, fingerprint)
    return {"method": result.method, "fallback_reason": result.fallback_reason,
            "heldout_auc": result.model.get("heldout_auc"), "accounts_scored": len(result.risk), "reused": False,
            "feature_set": result.model.get("feature_set")}


_STAMP_COLUMNS = """    model_version text not null,
    run_id bigint not null,
    fitted_at timestamp not null,"""

STEPS = [
    EnrichmentStep(
        name="account_churn_risk",
        description="Fitting the churn-risk model and scoring accounts",
        reads=("int_account_churn_features", "stg_accounts__account_attributes"),
        writes={"account_churn_risk": "core.enr_account_churn_risk", "churn_models": "core.enr_churn_models",
                "churn_calibration": "core.enr_churn_calibration",
                "churn_coefficients": "core.enr_churn_coefficients",
                "churn_attributes": "core.enr_churn_attributes"},
        ddl=(
            f"""create table if not exists core.enr_churn_models (
{_STAMP_COLUMNS}
    -- logit | rule | none (not measured: too few churned accounts and no contact history for the rule)
    method text not null,
    fallback_reason text,
    -- digest of the features and settings fitted on: an unchanged input is not fitted again
    input_hash text not null,
    n_accounts integer not null,
    n_known_outcome integer not null,
    n_churned integer not null,
    n_train integer not null,
    n_test integer not null,
    n_train_churned integer not null,
    n_test_churned integer not null,
    heldout_auc double precision,
    brier_score double precision,
    hosmer_lemeshow_chi2 double precision,
    hosmer_lemeshow_p double precision,
    is_regularised boolean not null,
    dropped_features text,
    fit_note text,
    feature_window_days integer not null,
    -- 'account attributes only' | 'account attributes + contact history'
    feature_set text,
    -- how the accounts were dated, with counts: 'churn date 12; export date 300'
    observation_basis text
)""",
            # warehouses made before the feature set was stored
            "alter table core.enr_churn_models add column if not exists feature_set text",
            "alter table core.enr_churn_models add column if not exists observation_basis text",
            f"""create table if not exists core.enr_churn_calibration (
{_STAMP_COLUMNS}
    decile integer not null,
    count_accounts integer not null,
    mean_predicted double precision not null,
    observed_rate double precision not null,
    count_churned integer not null
)""",
            f"""create table if not exists core.enr_churn_coefficients (
{_STAMP_COLUMNS}
    feature_name text not null,
    feature_label text not null,
    coefficient double precision not null,
    std_error double precision,
    odds_ratio double precision,
    odds_ratio_ci_low double precision,
    odds_ratio_ci_high double precision,
    p_value double precision
)""",
            f"""create table if not exists core.enr_churn_attributes (
{_STAMP_COLUMNS}
    -- a further column of the CRM export and how the model read it (etl/enrich/churn_attributes.py)
    attribute_name text not null,
    -- numeric | numeric (log) | flag | categorical | left out
    treatment text not null,
    reason text not null,
    count_accounts_filled integer not null
)""",
            f"""create table if not exists core.enr_account_churn_risk (
{_STAMP_COLUMNS}
    account_id text not null,
    method text not null,
    -- evaluated on: held out of the logit's training, or any account with a known outcome under the rule
    is_held_out boolean not null,
    churn_probability double precision not null,
    risk_band text not null,
    risk_points integer,
    reason_1 text,
    reason_2 text,
    reason_3 text
)""",
        ),
        run=run_churn_step,
    ),
]
