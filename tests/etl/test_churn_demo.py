"""The churn model on the demo simulator's data (etl/demo/churn.py makes churn depend on bad experiences),
built by the real pipeline, and `cxpulse status` showing it.

The session demo warehouse (scale 4,000) has 40 accounts and so about 4 churned ones (the simulator churns
10%): fewer than min_churned_accounts (20), so the rule must score it and say why. The logit needs a larger
book: this module builds a 40,000-contact canonical demo (400 accounts, about 40 churned; about 35 s on DuckDB).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.warehouse import open_reader
from tests.conftest import DEMO_END_DATE, DEMO_SEED, make_settings

runner = CliRunner(env={"COLUMNS": "250"})
LARGER_DEMO_SCALE = 40_000


def _status(url: str, tmp_path: Path) -> str:
    config = tmp_path / "cxpulse.toml"
    config.write_text(f'[warehouse]\nurl = "{url}"\n', encoding="utf-8")
    result = runner.invoke(app, ["status", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result.output


def _query(url: str, sql: str):  # type: ignore[no-untyped-def]
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def pairwise_auc(outcome: list[bool], score: list[float]) -> float:
    """Independent of the code under test: the share of (churned, retained) pairs ordered right, ties 1/2."""
    positives = [s for o, s in zip(outcome, score, strict=True) if o]
    negatives = [s for o, s in zip(outcome, score, strict=True) if not o]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(positives, negatives))
    return wins / (len(positives) * len(negatives))


@pytest.fixture(scope="module")
def larger_demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from etl.demo.simulator import generate
    from etl.pipeline import run_pipeline

    exports = tmp_path_factory.mktemp("churn_demo_exports")
    generate(exports, scale=LARGER_DEMO_SCALE, seed=DEMO_SEED, end_date=DEMO_END_DATE, export_format="canonical")
    url = f"duckdb:///{tmp_path_factory.mktemp('churn_demo_warehouse') / 'demo.duckdb'}"
    result = run_pipeline(make_settings(url, exports), "run")
    assert result.exit_code == 0, result.problems
    return url


def test_small_demo_falls_back_to_the_rule_and_says_why(demo_warehouse_url: str, tmp_path: Path) -> None:
    known_churned = int(_query(demo_warehouse_url, "select count(*) as n from core.int_account_churn_features"
                                                   " where is_churned and has_known_outcome")["n"].iloc[0])
    assert known_churned < 20
    model = _query(demo_warehouse_url, "select * from core.enr_churn_models").iloc[0]
    assert model["method"] == "rule"
    assert model["fallback_reason"].startswith(f"only {known_churned} churned account(s)")
    accounts = int(_query(demo_warehouse_url, "select count(*) as n from core.dim_accounts")["n"].iloc[0])
    risk = _query(demo_warehouse_url, "select * from core.fct_account_risk")
    assert len(risk) == accounts and risk["churn_probability"].notna().all()
    output = _status(demo_warehouse_url, tmp_path)
    assert "churn model: rule fallback" in output
    assert f"only {known_churned} churned account(s)" in output
    assert "Rule points" in output


def test_logit_fitted_on_the_larger_demo(larger_demo_url: str, tmp_path: Path) -> None:
    model = _query(larger_demo_url, "select * from core.enr_churn_models").iloc[0]
    assert model["method"] == "logit" and model["fallback_reason"] is None
    assert int(model["n_churned"]) >= 20
    assert int(model["n_train"]) + int(model["n_test"]) == int(model["n_known_outcome"])
    assert model["heldout_auc"] > 0.6
    # the stored AUC is the held-out accounts' AUC, recomputed here pair by pair from the stored risk rows
    held_out = _query(larger_demo_url, "select r.churn_probability, a.is_churned from core.enr_account_churn_risk r"
                                       " join core.dim_accounts a on a.account_id = r.account_id where r.is_held_out")
    assert len(held_out) == int(model["n_test"])
    assert pairwise_auc(held_out["is_churned"].astype(bool).tolist(),
                        held_out["churn_probability"].tolist()) == pytest.approx(model["heldout_auc"])
    calibration = _query(larger_demo_url, "select * from core.enr_churn_calibration order by decile")
    assert calibration["decile"].tolist() == list(range(1, 11))
    assert int(calibration["count_accounts"].sum()) == int(model["n_test"])
    assert int(calibration["count_churned"].sum()) == int(model["n_test_churned"])
    coefficients = _query(larger_demo_url, "select * from core.enr_churn_coefficients")
    named = coefficients[coefficients["feature_name"] != "intercept"]
    assert named["odds_ratio_ci_low"].notna().all() and (named["odds_ratio_ci_low"] <= named["odds_ratio"]).all()
    # every account scored; the riskiest active account comes with at least one reason in words
    risk = _query(larger_demo_url, "select * from core.fct_account_risk order by churn_probability desc")
    assert risk["churn_probability"].notna().all()
    assert risk.loc[~risk["is_churned"], "reason_1"].iloc[0]
    output = _status(larger_demo_url, tmp_path)
    assert "churn model: logistic regression" in output
    assert f"held-out AUC: {model['heldout_auc']:.3f}" in output
    assert "Churn model calibration" in output and "Strongest odds ratios" in output


def test_mart_adds_up_to_the_account_totals(larger_demo_url: str) -> None:
    accounts = _query(larger_demo_url, "select sum(revenue_at_risk) as at_risk, sum(churned_arr_amount) as churned,"
                                       " sum(case when not is_churned then 1 else 0 end) as active"
                                       " from core.fct_account_risk").iloc[0]
    mart = _query(larger_demo_url, "select sum(sum_revenue_at_risk) as at_risk, sum(sum_churned_arr_amount) as"
                                   " churned, sum(sum_active_account_share) as active from marts.account_risk_daily"
                  ).iloc[0]
    assert mart["at_risk"] == pytest.approx(accounts["at_risk"])
    assert mart["churned"] == pytest.approx(accounts["churned"])
    assert mart["active"] == pytest.approx(accounts["active"])
