"""How the churn model reads the further columns of a CRM export (etl/enrich/churn_attributes.py) and builds
its design and reasons from them (etl/enrich/churn.py), on frames written in the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.config import ChurnSettings
from etl.enrich.churn import FEATURE_SET_ATTRIBUTES, build_design, fit_churn_model
from etl.enrich.churn_attributes import classify, name_key, outcome_leak, read_attribute_columns


def _column(name: str, values: list[object]):  # type: ignore[no-untyped-def]
    return classify(name, 0, pd.Series(values, dtype=object))


def test_header_words() -> None:
    assert name_key("customerID") == "customer_id"
    assert name_key("Monthly Charges ($)") == "monthly_charges"
    assert name_key("Zip-Code") == "zip_code"


@pytest.mark.parametrize(("name", "words"), [
    ("Churn Reason", "churn"), ("Churn Score", "churn"), ("Cancellation Date", "cancel"),
    ("Attrition_Flag", "attrit"), ("Exit Survey", "exit"), ("Termination Fee", "terminat"),
])
def test_a_column_naming_the_outcome_is_left_out(name: str, words: str) -> None:
    column = _column(name, ["a", "b", "a"])
    assert column.treatment == "left out" and f"({words})" in column.reason and not column.is_used


@pytest.mark.parametrize("name", ["customerID", "Account ID", "Zip Code", "Postal Code", "Phone", "Account Number",
                                  "uuid"])
def test_a_column_naming_an_identifier_is_left_out(name: str) -> None:
    assert _column(name, ["10", "11", "12"]).reason == "its name marks an identifier"


def test_numbers_flags_and_the_95_percent_rule() -> None:
    # 20 values: 19 numbers and one "n/a" -> 95% read -> numeric, "n/a" becomes missing
    values = [str(v) for v in range(1, 20)] + ["n/a"]
    column = _column("Seats", values)
    assert column.treatment == "numeric" and "1 value(s) that are not numbers read as missing" in column.reason
    assert np.isnan(column.values.iloc[19]) and column.values.iloc[0] == 1.0
    # 18 of 20 (90%) read as numbers: categorical would hold 20 distinct values: an identifier or free text
    assert _column("Seats", [*values[:18], "n/a", "none"]).treatment == "left out"
    # 0/1 only: a flag
    assert _column("SeniorCitizen", ["0", "1", "0", " 1"]).treatment == "flag"
    # never negative, right-skewed (one large value): log(1 + x); symmetric: as it is
    assert _column("ARR", ["1", "2", "2", "3", "3", "3", "4", "100"]).treatment == "numeric (log)"
    assert _column("Score", ["1", "2", "3", "4", "5", "6", "7", "8"]).treatment == "numeric"
    # money and percentages read as numbers
    assert _column("Spend", ["$1,200.50", "$12", "80%"]).values.tolist() == [1200.5, 12.0, 80.0]
    # one value only
    assert _column("Plan", ["gold", "gold", ""]).reason == "one value only"
    assert _column("Nothing", ["", None]).reason == "no value in any account"


def test_dates_and_free_text_are_left_out() -> None:
    assert _column("Renewal", ["2026-01-01", "2026-02-01", "2026-03-01"]).reason.startswith("dates")
    assert _column("Renewal", ["01/31/2026", "02/28/2026", "03/31/2026"]).reason.startswith("dates")
    # 10 distinct texts over 10 accounts: more than MAX_LEVELS (8) and more than half the accounts
    notes = _column("Notes", [f"called on day {i}" for i in range(10)])
    assert notes.reason == "an identifier or free text (10 distinct values over 10 accounts)"
    # 3 distinct over 10: categorical
    assert _column("Plan", ["gold", "silver", "bronze"] * 3 + ["gold"]).treatment == "categorical"


def test_columns_come_in_the_export_order() -> None:
    attributes = pd.DataFrame([
        ("A1", "Zeta", 1, "x"), ("A2", "Zeta", 1, "y"), ("A1", "Alpha", 2, "5"), ("A2", "Alpha", 2, "6"),
    ], columns=["account_id", "attribute_name", "attribute_position", "attribute_value"])
    columns = read_attribute_columns(attributes, pd.Series(["A1", "A2"]))
    assert [c.name for c in columns] == ["Zeta", "Alpha"]


def test_outcome_leak_rules() -> None:
    churned = np.array([True] * 10 + [False] * 30)
    training = np.ones(40, bool)
    # filled for 100% of churned, 0% of retained
    reason = pd.Series(["moved"] * 10 + [None] * 30, dtype=object)
    assert "filled for 100% of churned and 0% of retained" in outcome_leak(reason, False, churned, training)
    # a status that is the outcome: level churn rates 1.0 and 0.0 -> AUC 1
    status = pd.Series(["Closed"] * 10 + ["Open"] * 30, dtype=object)
    assert "(AUC 1.000)" in outcome_leak(status, True, churned, training)
    # a real driver: 8 of the churned and 10 of the retained on month-to-month -> kept
    plan = pd.Series(["monthly"] * 8 + ["yearly"] * 2 + ["monthly"] * 10 + ["yearly"] * 20, dtype=object)
    assert outcome_leak(plan, True, churned, training) is None
    # only the training rows count: the same status held out is not looked at
    assert outcome_leak(status, True, churned, np.zeros(40, bool)) is None


def _accounts(size: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accounts with no contact history, churned by their contract: month-to-month 40%, yearly 10%."""
    rng = np.random.default_rng(seed)
    contract = rng.choice(["Month-to-month", "One year"], size=size, p=[0.6, 0.4])
    churned = rng.random(size) < np.where(contract == "Month-to-month", 0.4, 0.1)
    features = pd.DataFrame({
        "account_id": [f"A{i:04d}" for i in range(size)], "is_churned": churned, "has_known_outcome": True,
        "segment": None, "industry": None, "arr_amount": np.nan, "tenure_days": np.nan,
        "has_contact_history": False, "observation_basis": np.where(churned, "churn date", "export date"),
        **{name: 0 for name in ("count_contacts", "count_repeat_contacts", "count_unresolved_episodes",
                                "count_negative_messages", "count_abandoned_contacts", "count_long_waits",
                                "count_transfers", "count_escalated_contacts", "count_restatements",
                                "count_low_csat_answers", "count_low_ces_answers", "count_survey_answers")},
        "bot_only_contact_share": 0.0, "has_no_contacts": True, "has_no_survey_answers": True,
    })
    attributes = pd.DataFrame({"account_id": features["account_id"], "attribute_name": "Contract",
                               "attribute_position": 3, "attribute_value": contract})
    return features, attributes


def test_without_contact_history_the_design_holds_account_attributes_only() -> None:
    features, attributes = _accounts(300, seed=1)
    design = build_design(features, attributes, np.ones(300, bool), features["is_churned"].to_numpy(),
                          use_contacts=False)
    # no contact feature (no "no contact at all" flag claiming silence), tenure and ARR empty: the contract
    assert design.names == ["crm__Contract=One year"]


def test_account_attributes_alone_fit_and_explain_in_the_accounts_own_words() -> None:
    features, attributes = _accounts(600, seed=2)
    result = fit_churn_model(features, attributes, ChurnSettings())
    assert result.method == "logit" and result.model["feature_set"] == FEATURE_SET_ATTRIBUTES
    odds = result.coefficients.set_index("feature_name").loc["crm__Contract=One year", "odds_ratio"]
    # the true odds ratio: (0.1 / 0.9) / (0.4 / 0.6) = 0.167
    assert 0.08 < odds < 0.35
    # a month-to-month account's reason names its own contract, never "One year"
    contract = attributes.set_index("account_id")["attribute_value"]
    risk = result.risk.set_index("account_id")
    monthly = risk.loc[contract[contract == "Month-to-month"].index, "reason_1"]
    assert set(monthly) == {"Contract (CRM) is Month-to-month"}
    assert risk.loc[contract[contract == "One year"].index, "reason_1"].isna().all()
    assert result.model["observation_basis"] in (
        f"export date {(~features['is_churned']).sum():,}; churn date {features['is_churned'].sum():,}",
        f"churn date {features['is_churned'].sum():,}; export date {(~features['is_churned']).sum():,}")


def test_without_contact_history_and_too_few_churns_nothing_is_scored() -> None:
    features, attributes = _accounts(100, seed=3)
    features["is_churned"] = [i < 5 for i in range(100)]
    result = fit_churn_model(features, attributes, ChurnSettings())
    assert result.method == "none" and result.risk.empty and result.calibration.empty
    assert "only 5 churned account(s)" in result.fallback_reason
    assert "the points rule (which reads contacts) cannot score them" in result.fallback_reason
    assert result.model.get("heldout_auc") is None
    # the columns are still reported
    assert result.attributes["attribute_name"].tolist() == ["Contract"]


def test_no_churn_flag_at_all_says_what_to_map() -> None:
    features, attributes = _accounts(100, seed=4)
    features["is_churned"] = False
    result = fit_churn_model(features, attributes, ChurnSettings())
    assert result.method == "none"
    assert "no churn date or churn flag (map its column to churned_on or churn_flag)" in result.fallback_reason
