"""Churn features, account risk and the revenue-at-risk mart on the hand-made fixture in tests/fixtures/churn,
on DuckDB and PostgreSQL. The feature window is set to 30 days here.

Worked out by hand from the fixture files:

Contacts run from I1 (2026-04-20) to I6 (2026-06-30): data start 2026-04-20 00:00, data end 2026-07-01 00:00.
A1 (enterprise, ARR 100,000, churned 2026-06-10): observation 2026-06-10 00:00, window from 2026-05-11.
  I1 (04-20) is before the window, I4 (06-12, its negative message and CSAT 1) after the churn: left out.
  I2 (06-01) and I3 (06-03) count: 2 contacts, both billing_dispute, so I3 is a repeat (within 7 days of I2)
  and I2's episode came back: 1 repeat, 1 unresolved episode. No survey in the window. Known outcome (churned,
  window start 05-11 >= data start 04-20). Tenure 2024-01-01 -> 2026-06-10 = 366 + 365 + 160 = 891 days.
A2 (smb, ARR 5,000, active): observation 2026-07-01 00:00, window from 2026-06-01. I7 (05-20) is before it;
  I5 (chat, password_reset) and I6 (email, order_status) count: 2 contacts, no repeat (different intents).
  I5 has one negative customer message ("This is terrible and awful, I hate this useless service.") and one
  positive; CSAT 2 and CES 3 on I5: 2 survey answers, 1 low CSAT, 1 low CES, CES mean 3.0. Known outcome
  (started 2025-01-01, before the window). Tenure 2025-01-01 -> 2026-07-01 = 365 + 181 = 546 days.
A3 (mid_market, ARR 20,000, started 2026-06-20): no contact; started inside its window -> no known outcome.

One account churned, fewer than min_churned_accounts (20): the rule scores every account.
  A1: repeats 1/2 = 50% >= 25% (+1), unresolved 1/2 >= 10% (+1) -> 2 points -> probability 0.10, low band.
  A2: low survey answers 2/2 >= 25% (+2), negative messages 1/2 = 0.5 per contact (+1) -> 3 points -> 0.25,
      medium band.
  A3: silent (+2) -> 2 points -> 0.10, low band.
Revenue at risk (active accounts): A2 0.25 x 5,000 = 1,250; A3 0.10 x 20,000 = 2,000; total 3,250.
Churned ARR: A1 100,000. The mart attributes A2's 1,250 half to I5 (chat, password_reset) and half to I6
(email, order_status): 625 each; A3's 2,000 to one 'no_contact' row on 2026-06-30; A1's 100,000 50,000 each to
I2 and I3. Mean churn risk over active accounts = (0.25 + 0.10) / 2 = 0.175.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.pipeline import run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

CHURN = FIXTURES / "churn"


@pytest.fixture
def built_url(warehouse_url: str) -> str:
    settings = make_settings(warehouse_url, CHURN, churn={"feature_window_days": 30})
    result = run_pipeline(settings, "run")
    assert result.exit_code == 0, result.problems
    return warehouse_url


def _frame(url: str, sql: str):  # type: ignore[no-untyped-def]
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def test_features_count_only_contacts_in_the_window_before_churn(built_url: str) -> None:
    features = _frame(built_url, "select * from core.int_account_churn_features order by account_id")
    rows = {r["account_id"]: r for r in features.to_dict("records")}
    a1, a2, a3 = rows["A1"], rows["A2"], rows["A3"]
    assert (a1["count_contacts"], a1["count_repeat_contacts"], a1["count_unresolved_episodes"]) == (2, 1, 1)
    assert (a1["count_negative_messages"], a1["count_low_csat_answers"], a1["count_survey_answers"]) == (0, 0, 0)
    assert bool(a1["is_churned"]) and bool(a1["has_known_outcome"]) and bool(a1["has_no_survey_answers"])
    assert a1["tenure_days"] == pytest.approx(891.0)
    assert str(a1["observation_at"])[:10] == "2026-06-10" and str(a1["window_start_at"])[:10] == "2026-05-11"
    assert (a2["count_contacts"], a2["count_repeat_contacts"], a2["count_negative_messages"]) == (2, 0, 1)
    assert (a2["count_survey_answers"], a2["count_low_csat_answers"], a2["count_low_ces_answers"]) == (2, 1, 1)
    assert a2["ces_mean"] == pytest.approx(3.0)
    assert a2["tenure_days"] == pytest.approx(546.0)
    assert bool(a2["has_known_outcome"]) and not bool(a2["is_churned"])
    assert a3["count_contacts"] == 0 and bool(a3["has_no_contacts"]) and not bool(a3["has_known_outcome"])
    # the accounts' people have contacts: every account is dated by them (or by its churn)
    assert features["has_contact_history"].astype(bool).all()
    assert [a1["observation_basis"], a2["observation_basis"], a3["observation_basis"]] == [
        "churn date", "end of the contact history", "end of the contact history"]


def test_rule_fallback_risk_and_revenue_at_risk(built_url: str) -> None:
    risk = _frame(built_url, "select * from core.fct_account_risk order by account_id")
    rows = {r["account_id"]: r for r in risk.to_dict("records")}
    assert set(risk["risk_method"]) == {"rule"}
    assert rows["A1"]["churn_probability"] == pytest.approx(0.10) and rows["A1"]["risk_points"] == 2
    assert rows["A2"]["churn_probability"] == pytest.approx(0.25) and rows["A2"]["risk_band"] == "medium"
    assert rows["A3"]["churn_probability"] == pytest.approx(0.10) and rows["A3"]["risk_band"] == "low"
    assert rows["A1"]["revenue_at_risk"] == pytest.approx(0.0)
    assert rows["A1"]["churned_arr_amount"] == pytest.approx(100_000.0)
    assert rows["A2"]["revenue_at_risk"] == pytest.approx(1_250.0)
    assert rows["A3"]["revenue_at_risk"] == pytest.approx(2_000.0)
    assert rows["A3"]["reason_1"].startswith("no contact at all in the window")
    model = _frame(built_url, "select method, fallback_reason, n_churned, feature_set from core.enr_churn_models")
    assert list(model["method"]) == ["rule"] and int(model["n_churned"].iloc[0]) == 1
    assert model["feature_set"].iloc[0] == "account attributes + contact history"
    assert "fewer than [churn] min_churned_accounts = 20" in model["fallback_reason"].iloc[0]


def test_mart_attributes_revenue_at_risk_to_the_window_contacts(built_url: str) -> None:
    mart = _frame(built_url, "select * from marts.account_risk_daily")
    assert mart["sum_revenue_at_risk"].sum() == pytest.approx(3_250.0)
    assert mart["sum_churned_arr_amount"].sum() == pytest.approx(100_000.0)
    assert mart["sum_active_account_share"].sum() == pytest.approx(2.0)
    mean_risk = mart["sum_attributed_churn_probability"].sum() / mart["sum_active_account_share"].sum()
    assert mean_risk == pytest.approx(0.175)
    by_intent = mart.groupby("intent")["sum_revenue_at_risk"].sum().to_dict()
    assert by_intent["password_reset"] == pytest.approx(625.0)
    assert by_intent["order_status"] == pytest.approx(625.0)
    assert by_intent["no_contact"] == pytest.approx(2_000.0)
    churned_by_day = mart.groupby(mart["date_day"].astype(str))["sum_churned_arr_amount"].sum().to_dict()
    assert churned_by_day["2026-06-01"] == pytest.approx(50_000.0)
    assert churned_by_day["2026-06-03"] == pytest.approx(50_000.0)
    silent = mart[mart["intent"] == "no_contact"].iloc[0]
    assert str(silent["date_day"])[:10] == "2026-06-30" and silent["channel"] == "none"
    assert int(mart["count_window_contacts"].sum()) == 4


def test_status_shows_the_rule_fallback(built_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from etl.cli import app

    config = tmp_path / "cxpulse.toml"
    config.write_text(f'[warehouse]\nurl = "{built_url}"\n', encoding="utf-8")
    result = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["status", "--config", str(config)])
    assert result.exit_code == 0, result.output
    # 3 accounts scored, A1 and A2 with a known outcome, A1 churned; the rule trains on nothing and tests on 2
    assert "churn model: rule fallback" in result.output
    assert "feature set: account attributes + contact history" in result.output
    # A1 by its churn date, A2 and A3 by the end of the contact history
    assert "accounts dated by: end of the contact history 2; churn date 1" in result.output
    assert "accounts: 3 scored, 2 with a known outcome, 1 churned; training 0 (0 churned), test 2 (1 churned)" in (
        result.output)
    # held out: A1 (churned) 0.10 and A2 (retained) 0.25: the churned account ranks lower -> AUC 0
    assert "held-out AUC: 0.000" in result.output


def test_a_rerun_on_the_same_files_keeps_the_fit(built_url: str) -> None:
    # the same inputs give the same fingerprint: no second model row, the risk rows are the first run's
    settings = make_settings(built_url, CHURN, churn={"feature_window_days": 30})
    result = run_pipeline(settings, "run")
    assert result.exit_code == 0, result.problems
    assert result.build is not None and result.build.step_results["account_churn_risk"]["reused"] is True
    models = _frame(built_url, "select run_id from core.enr_churn_models")
    assert len(models) == 1
    risk = _frame(built_url, "select distinct risk_run_id from core.fct_account_risk")
    assert risk["risk_run_id"].tolist() == models["run_id"].tolist()
