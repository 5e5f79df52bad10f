"""The CRM export's further columns as churn-model inputs: which column enters as a number, a yes/no flag or a
set of categories, and which is left out and why. Pure functions over frames; docs/churn_model.md states the
rules.

Rules, in order, for each column of `staging.stg_accounts__account_attributes` (one row per account and
column, the export's columns beyond the mapped account fields):

1. a column whose name speaks of the outcome (LEAKAGE_NAME_WORDS: churn, cancel, attrition, termination,
   exit, deactivation) is left out: it would hand the model the answer (a churn reason, a cancellation date);
2. a column whose name marks an identifier (ID_NAME: `id`, `... ID`, `number`, `key`, `uuid`, zip or postal
   code, phone, e-mail) is left out;
3. a column where at least NUMERIC_SHARE (95%) of the non-empty values read as numbers (`$`, `,`, `%`,
   spaces ignored) is numeric; the values that do not read count as missing. With values 0 and 1 only it is
   a yes/no flag; never negative and right-skewed (skewness above LOG_SKEWNESS = 1, like money or counts) it
   enters as log(1 + x); otherwise as it is;
4. a column where at least NUMERIC_SHARE of the values read as dates is left out (a date only means
   something against the observation date: map it to `started_on` or `churned_on` if it is one);
5. a text column with more distinct values than half the accounts that fill it (and more than MAX_LEVELS)
   is an identifier or free text, left out;
6. any other column is categorical (levels pooled in etl.enrich.churn.pooled_levels);
7. a column with a single value is left out.

Once the training accounts are known, two outcome rules drop a column that is the label in disguise
(`outcome_leak`): it is filled for almost every churned account and almost no retained one (or the reverse:
shares differing by PRESENCE_SPLIT = 0.9 or more), or on its own it ranks churned above retained training
accounts with an AUC of SINGLE_COLUMN_AUC = 0.99 or more (or 0.01 or less): a "Status" of Cancelled, a
"Days since cancellation". A real driver of churn does not separate the two groups that cleanly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.enrich.churn_stats import rank_auc

NUMERIC_SHARE = 0.95
LOG_SKEWNESS = 1.0
MAX_LEVELS = 8
PRESENCE_SPLIT = 0.9
SINGLE_COLUMN_AUC = 0.99
LEAKAGE_NAME_WORDS = ("churn", "cancel", "attrit", "terminat", "exit", "deactivat")
ID_NAME = re.compile(
    r"(^|_)(id|uuid|guid|key|number|no|num|zip|zipcode|zip_code|postcode|postal_code|phone|email|e_mail)$"
)
_NUMBER_NOISE = str.maketrans("", "", " $€£,_%")
_DATE_FORMATS = ("ISO8601", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y")


def as_number(text: object) -> float | None:
    """`$1,200.50` -> 1200.5; None when the text is not a number."""
    try:
        value = float(str(text).translate(_NUMBER_NOISE))
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def name_key(name: str) -> str:
    """`Customer ID` -> `customer_id`, `customerID` -> `customer_id`: words of a header, lower case."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


@dataclass(frozen=True)
class AttributeColumn:
    """One further column of the export and how the model reads it. `values` is aligned with the accounts:
    floats for numeric and flag columns (NaN = missing), text or None for categorical ones, None when the
    column is left out."""

    name: str
    position: int
    treatment: str  # numeric | numeric (log) | flag | categorical | left out
    reason: str
    count_filled: int
    values: pd.Series | None = None

    @property
    def is_used(self) -> bool:
        return self.values is not None


def _date_share(present: pd.Series) -> float:
    best = 0.0
    for date_format in _DATE_FORMATS:
        parsed = pd.to_datetime(present, format=date_format, errors="coerce")
        best = max(best, float(parsed.notna().mean()))
    return best


def classify(name: str, position: int, values: pd.Series) -> AttributeColumn:
    """How one column enters the model (rules 1-7 of the module docstring), from its values alone."""
    text = values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    text = text.map(lambda v: v or None)
    present = text.dropna()
    filled = len(present)
    key = name_key(name)

    def left_out(reason: str) -> AttributeColumn:
        return AttributeColumn(name, position, "left out", reason, filled)

    if filled == 0:
        return left_out("no value in any account")
    leak_words = [word for word in LEAKAGE_NAME_WORDS if word in key]
    if leak_words:
        return left_out(f"its name speaks of the outcome ({leak_words[0]}): it would leak the answer")
    if ID_NAME.search(key):
        return left_out("its name marks an identifier")
    numbers = present.map(as_number)
    numeric_share = float(numbers.notna().mean())
    if numeric_share >= NUMERIC_SHARE:
        number_values = text.map(lambda v: as_number(v) if v is not None else None).astype(float)
        unreadable = int(numbers.isna().sum())
        distinct = set(number_values.dropna().unique())
        note = f"; {unreadable} value(s) that are not numbers read as missing" if unreadable else ""
        if len(distinct) < 2:
            return left_out("one value only")
        if distinct <= {0.0, 1.0}:
            return AttributeColumn(name, position, "flag", f"values 0 and 1 only: a yes/no flag{note}", filled,
                                   number_values)
        finite = number_values.dropna()
        skewness = float(finite.skew()) if len(finite) > 2 else 0.0
        if finite.min() >= 0 and skewness > LOG_SKEWNESS:
            return AttributeColumn(name, position, "numeric (log)",
                                   f"{numeric_share:.0%} of values are numbers, never negative and right-skewed "
                                   f"(skewness {skewness:.1f}): log(1 + x){note}", filled, number_values)
        return AttributeColumn(name, position, "numeric",
                               f"{numeric_share:.0%} of values are numbers (skewness {skewness:.1f}){note}", filled,
                               number_values)
    if _date_share(present) >= NUMERIC_SHARE:
        return left_out("dates: map it to started_on or churned_on if it is one")
    distinct_count = int(present.nunique())
    if distinct_count < 2:
        return left_out("one value only")
    if distinct_count > MAX_LEVELS and distinct_count > filled / 2:
        return left_out(f"an identifier or free text ({distinct_count} distinct values over {filled} accounts)")
    return AttributeColumn(name, position, "categorical", f"{distinct_count} distinct values", filled,
                           text.astype(object))


def read_attribute_columns(attributes: pd.DataFrame, account_ids: pd.Series) -> list[AttributeColumn]:
    """Every further column, in the export's order (then by name), its values aligned with `account_ids`."""
    index = pd.Index(account_ids.astype(str), name="account_id")
    if attributes.empty:
        return []
    wide = attributes.pivot_table(index="account_id", columns="attribute_name", values="attribute_value",
                                  aggfunc="last").reindex(index)
    if "attribute_position" in attributes.columns:
        positions = pd.to_numeric(attributes["attribute_position"], errors="coerce").groupby(
            attributes["attribute_name"]).min()
    else:
        positions = pd.Series(dtype=float)
    order = sorted(wide.columns, key=lambda n: (positions.get(n, np.nan) if pd.notna(positions.get(n, np.nan))
                                                else float("inf"), str(n)))
    out = []
    for name in order:
        position = positions.get(name, np.nan)
        out.append(classify(str(name), int(position) if pd.notna(position) else -1,
                            wide[name].reset_index(drop=True)))
    return out


def outcome_leak(values: pd.Series, is_categorical: bool, churned: np.ndarray, training: np.ndarray) -> str | None:
    """Why a column is the outcome in disguise on the training accounts (module docstring), or None."""
    outcome = np.asarray(churned, bool)[training]
    if outcome.all() or not outcome.any():
        return None
    column = values.reset_index(drop=True)[training].reset_index(drop=True)
    filled = column.notna().to_numpy(bool, copy=True)
    if is_categorical:
        filled &= column.map(lambda v: v != "missing").to_numpy(bool)
    split = abs(float(filled[outcome].mean()) - float(filled[~outcome].mean()))
    if split >= PRESENCE_SPLIT:
        return (f"filled for {filled[outcome].mean():.0%} of churned and {filled[~outcome].mean():.0%} of retained "
                "training accounts: the outcome in disguise")
    if is_categorical:
        rates = pd.Series(outcome.astype(float)).groupby(column.astype(str)).transform("mean").to_numpy()
        score = rates
    else:
        numbers = column.astype(float).to_numpy()
        score = np.where(np.isfinite(numbers), numbers, np.nanmean(numbers) if filled.any() else 0.0)
    auc = rank_auc(outcome, score)
    if auc is not None and (auc >= SINGLE_COLUMN_AUC or auc <= 1 - SINGLE_COLUMN_AUC):
        return f"on its own it separates churned from retained training accounts (AUC {max(auc, 1 - auc):.3f})"
    return None
