"""The churn model's design, rule fallback and reasons (etl/enrich/churn.py) on frames built in the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.config import ChurnSettings
from etl.enrich.churn import (
    build_design,
    fit_churn_model,
    pivot_attributes,
    pooled_levels,
    risk_band,
    rule_probability,
    score_by_rules,
)

ZERO_COUNTS = {
    "count_contacts": 0, "count_repeat_contacts": 0, "count_unresolved_episodes": 0, "count_negative_messages": 0,
    "count_abandoned_contacts": 0, "count_long_waits": 0, "count_transfers": 0, "count_escalated_contacts": 0,
    "count_restatements": 0, "count_low_csat_answers": 0, "count_low_ces_answers": 0, "count_survey_answers": 0,
    "bot_only_contact_share": 0.0,
}


def _account(account_id: str, *, churned: bool = False, known: bool = True, segment: str = "smb",
             industry: str = "retail", arr: float = 10_000.0, tenure: float = 400.0, **counts: float) -> dict:
    row = {**ZERO_COUNTS, **counts}
    return {"account_id": account_id, "is_churned": churned, "has_known_outcome": known, "segment": segment,
            "industry": industry, "arr_amount": arr, "tenure_days": tenure,
            "has_no_contacts": row["count_contacts"] == 0, "has_no_survey_answers": row["count_survey_answers"] == 0,
            **row}


NO_ATTRIBUTES = pd.DataFrame(columns=["account_id", "attribute_name", "attribute_value"])


def test_rule_points_map_to_probability_bands() -> None:
    # bands: 0 -> 0.05, 1-2 -> 0.10, 3-4 -> 0.25, 5+ -> 0.50; risk bands: < 0.15 low, < 0.40 medium, else high
    assert [rule_probability(p) for p in (0, 1, 2, 3, 4, 5, 9)] == [0.05, 0.10, 0.10, 0.25, 0.25, 0.50, 0.50]
    assert [risk_band(p) for p in (0.05, 0.15, 0.39, 0.40)] == ["low", "medium", "medium", "high"]


def test_rule_scores_and_reasons() -> None:
    frame = pd.DataFrame([
        # silent: +2 -> 0.10
        _account("silent"),
        # 10 contacts: 3 repeats (30% >= 25%: +1), 1 abandoned (10%: +1), 2 of 4 answers low (50%: +2),
        # 6 negative messages (0.6 per contact >= 0.5: +1) -> 5 points -> 0.50
        _account("unhappy", count_contacts=10, count_repeat_contacts=3, count_abandoned_contacts=1,
                 count_survey_answers=4, count_low_csat_answers=1, count_low_ces_answers=1,
                 count_negative_messages=6),
        # 20 contacts, 1 repeat (5%), nothing else: 0 points -> 0.05
        _account("fine", count_contacts=20, count_repeat_contacts=1, count_survey_answers=2),
    ])
    scored = score_by_rules(frame).set_index("account_id")
    assert scored.loc["silent", "risk_points"] == 2
    assert scored.loc["silent", "churn_probability"] == pytest.approx(0.10)
    assert scored.loc["unhappy", "risk_points"] == 5
    assert scored.loc["unhappy", "churn_probability"] == pytest.approx(0.50)
    # the two-point sign comes first
    assert scored.loc["unhappy", "reason_1"].startswith("a quarter or more of survey answers")
    assert scored.loc["fine", "risk_points"] == 0 and pd.isna(scored.loc["fine", "reason_1"])


def test_fallback_when_too_few_accounts_churned() -> None:
    # 3 churned accounts with a known outcome (a 4th has no known outcome) < min_churned_accounts 20
    rows = [_account(f"c{i}", churned=True, count_contacts=5) for i in range(3)]
    rows += [_account("c_unknown", churned=True, known=False, count_contacts=5)]
    rows += [_account(f"r{i}", count_contacts=5) for i in range(30)]
    result = fit_churn_model(pd.DataFrame(rows), NO_ATTRIBUTES, ChurnSettings())
    assert result.method == "rule"
    assert result.fallback_reason is not None and "only 3 churned account(s)" in result.fallback_reason
    assert result.model["n_train"] == 0 and result.model["n_test"] == 33
    assert len(result.risk) == 34
    assert set(result.coefficients["feature_name"]) >= {"rule:silent", "rule:low_survey"}


def test_logit_on_a_synthetic_book_of_accounts_scores_and_explains() -> None:
    # 600 accounts; churn driven by the share of repeat contacts: logit = -3 + 8 x repeat share
    rng = np.random.default_rng(5)
    rows = []
    for index in range(600):
        contacts = int(rng.integers(5, 40))
        repeats = int(rng.binomial(contacts, rng.uniform(0.0, 0.6)))
        churn_probability = 1 / (1 + np.exp(-(-3 + 8 * repeats / contacts)))
        rows.append(_account(f"a{index:03d}", churned=bool(rng.random() < churn_probability),
                             segment=["smb", "mid_market", "enterprise"][index % 3],
                             count_contacts=contacts, count_repeat_contacts=repeats, count_survey_answers=1))
    frame = pd.DataFrame(rows)
    result = fit_churn_model(frame, NO_ATTRIBUTES, ChurnSettings(min_churned_accounts=20))
    assert result.method == "logit"
    assert result.model["heldout_auc"] > 0.7
    coefficients = result.coefficients.set_index("feature_name")
    assert coefficients.loc["count_repeat_contacts", "odds_ratio"] > 1.5
    assert coefficients.loc["count_repeat_contacts", "odds_ratio_ci_low"] < coefficients.loc[
        "count_repeat_contacts", "odds_ratio"] < coefficients.loc["count_repeat_contacts", "odds_ratio_ci_high"]
    # n_train + n_test = 600 accounts with a known outcome; 30% of each class held out
    assert result.model["n_train"] + result.model["n_test"] == 600
    riskiest = result.risk.sort_values("churn_probability").iloc[-1]
    assert riskiest["reason_1"].startswith("repeat contacts about the same issue:")
    assert "of contacts (average" in riskiest["reason_1"]


def test_crm_attributes_numeric_and_categorical() -> None:
    attributes = pd.DataFrame([
        ("A1", "Seats", "1,200"), ("A2", "Seats", "$12"), ("A1", "Owner", "Dana"), ("A2", "Owner", "Eve"),
        ("A3", "Plan", "gold"), ("A1", "Region", "north"),
    ], columns=["account_id", "attribute_name", "attribute_value"])
    numeric, categorical = pivot_attributes(attributes, pd.Series(["A1", "A2", "A3"]))
    assert numeric["Seats"].tolist()[:2] == [1200.0, 12.0] and np.isnan(numeric["Seats"].iloc[2])
    # Plan and Region hold one value each: nothing to compare, left out
    assert sorted(categorical.columns) == ["Owner"]
    # 12 accounts: 'gold' 6, 'silver' 4, 'bronze' 1, 'tin' 1 -> with the 5-account floor, bronze, tin and
    # silver (4 < 5) are pooled into 'other' (6); the reference is gold (the most common named level)
    pooled, reference = pooled_levels(pd.Series(["gold"] * 6 + ["silver"] * 4 + ["bronze", "tin"]))
    assert reference == "gold"
    assert pooled.value_counts().to_dict() == {"gold": 6, "other": 6}


def test_design_standardises_on_training_rows_and_adds_dummies() -> None:
    frame = pd.DataFrame([_account(f"a{i}", segment="smb" if i < 6 else "enterprise", count_contacts=i + 1,
                                   arr=1000.0 * (i + 1)) for i in range(12)])
    training = np.array([True] * 12)
    design = build_design(frame, NO_ATTRIBUTES, training)
    contacts = design.matrix[:, design.names.index("count_contacts")]
    assert contacts.mean() == pytest.approx(0.0, abs=1e-12) and contacts.std() == pytest.approx(1.0)
    # segment: 6 smb and 6 enterprise, both kept; the reference is the first most common level
    dummies = [n for n in design.names if n.startswith("segment=")]
    assert len(dummies) == 1
