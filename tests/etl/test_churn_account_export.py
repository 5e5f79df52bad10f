"""Churn from an account export alone, and with contact history added, through the real pipeline on DuckDB and
PostgreSQL.

The export has the shape of the public IBM Telco customer churn file (customerID, gender, SeniorCitizen,
Partner, Dependents, tenure, PhoneService, MultipleLines, InternetService, OnlineSecurity, OnlineBackup,
DeviceProtection, TechSupport, StreamingTV, StreamingMovies, Contract, PaperlessBilling, PaymentMethod,
MonthlyCharges, TotalCharges with a blank string for customers in their first month, Churn Yes/No), generated
here with a KNOWN logistic model (TRUE_LOG_ODDS), plus two columns that give the answer away (a "Churn Reason"
filled for churned customers only, as in IBM's extended file, and an innocently named "Account Status" that is
Closed exactly when the customer churned), which the model must leave out, and a "Zip Code" (numbers, but an
identifier).

The true model is written on the scale the churn model reads (numbers per standard deviation, categories
against their most common level), so the fit must recover each true coefficient's sign and size within three
of its standard errors, and its held-out AUC must come close to the AUC of the true probabilities on the same
held-out customers (computed here pair by pair, independently of the code under test). Nothing in the export
carries a date: the source option `as_of` dates it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import make_settings

AS_OF = "2026-05-31"
ROWS = 4_000
SEED = 11
# the true model: log-odds = intercept + per-SD effects of the numbers + effects of levels against the most
# common level of their column (the reference the churn model picks) + SeniorCitizen as a 0/1 flag
TRUE_INTERCEPT = 0.25
TRUE_PER_SD = {"tenure": -1.0, "MonthlyCharges": 0.4}
TRUE_LEVELS = {
    ("SeniorCitizen", "1"): 0.5,
    ("Dependents", "Yes"): -0.3,
    ("InternetService", "DSL"): -0.5,
    ("InternetService", "No"): -0.8,
    ("OnlineSecurity", "Yes"): -0.6,
    ("TechSupport", "Yes"): -0.5,
    ("Contract", "One year"): -0.9,
    ("Contract", "Two year"): -1.6,
    ("PaperlessBilling", "No"): -0.3,
    ("PaymentMethod", "Mailed check"): -0.4,
    ("PaymentMethod", "Bank transfer (automatic)"): -0.6,
    ("PaymentMethod", "Credit card (automatic)"): -0.6,
}
# how the churn model names the design column of each true effect
MODEL_COLUMN = {
    "tenure": "crm__tenure", "MonthlyCharges": "crm__MonthlyCharges", ("SeniorCitizen", "1"): "crm__SeniorCitizen",
    **{(column, level): f"crm__{column}={level}" for column, level in TRUE_LEVELS if column != "SeniorCitizen"},
}
CONTACT_EFFECT_PER_SD = 0.8


@dataclass
class TelcoExport:
    frame: pd.DataFrame  # the export as text, as written to the CSV
    true_probability: np.ndarray
    churned: np.ndarray
    window_contacts: np.ndarray | None = None


def _choice(rng: np.random.Generator, levels: list[str], shares: list[float], size: int) -> np.ndarray:
    return rng.choice(np.array(levels, dtype=object), size=size, p=shares)


def _standardised(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / values.std()


def telco_export(rows: int = ROWS, seed: int = SEED, window_contacts: np.ndarray | None = None) -> TelcoExport:
    """Customers in the IBM Telco shape, churned by the TRUE_* model (plus CONTACT_EFFECT_PER_SD per standard
    deviation of log(1 + contacts in the window) when `window_contacts` is given)."""
    rng = np.random.default_rng(seed)
    ids = [f"{rng.integers(1000, 9999)}-{''.join(rng.choice(list('ABCDEFGHIJKLMNOPQRSTUVWXYZ'), 5))}{i}"
           for i in range(rows)]
    gender = _choice(rng, ["Male", "Female"], [0.5, 0.5], rows)
    senior = (rng.random(rows) < 0.16).astype(int)
    partner = _choice(rng, ["Yes", "No"], [0.48, 0.52], rows)
    dependents = _choice(rng, ["Yes", "No"], [0.3, 0.7], rows)
    # about half a percent are in their first month (tenure 0), whose TotalCharges is blank as in the real file
    tenure = np.where(rng.random(rows) < 0.005, 0, rng.integers(1, 73, rows))
    phone = _choice(rng, ["Yes", "No"], [0.9, 0.1], rows)
    multiple = np.where(phone == "No", "No phone service", _choice(rng, ["Yes", "No"], [0.47, 0.53], rows))
    internet = _choice(rng, ["Fiber optic", "DSL", "No"], [0.44, 0.34, 0.22], rows)
    add_ons = {}
    for name in ("OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport", "StreamingTV",
                 "StreamingMovies"):
        add_ons[name] = np.where(internet == "No", "No internet service",
                                 _choice(rng, ["Yes", "No"], [0.35, 0.65], rows))
    contract = _choice(rng, ["Month-to-month", "One year", "Two year"], [0.55, 0.21, 0.24], rows)
    paperless = _choice(rng, ["Yes", "No"], [0.59, 0.41], rows)
    payment = _choice(rng, ["Electronic check", "Mailed check", "Bank transfer (automatic)",
                            "Credit card (automatic)"], [0.34, 0.23, 0.22, 0.21], rows)
    monthly = (20.0 + 5.0 * (phone == "Yes") + 5.0 * (multiple == "Yes") + 25.0 * (internet == "DSL")
               + 50.0 * (internet == "Fiber optic") + sum(5.0 * (v == "Yes") for v in add_ons.values())
               + rng.normal(0, 10, rows))
    monthly = np.round(np.clip(monthly, 18.25, None), 2)
    total = np.round(tenure * monthly * rng.uniform(0.95, 1.05, rows), 2)

    columns = {"SeniorCitizen": senior.astype(str), "Dependents": dependents, "InternetService": internet,
               "OnlineSecurity": add_ons["OnlineSecurity"], "TechSupport": add_ons["TechSupport"],
               "Contract": contract, "PaperlessBilling": paperless, "PaymentMethod": payment}
    log_odds = np.full(rows, TRUE_INTERCEPT)
    log_odds += TRUE_PER_SD["tenure"] * _standardised(tenure.astype(float))
    log_odds += TRUE_PER_SD["MonthlyCharges"] * _standardised(monthly)
    for (column, level), effect in TRUE_LEVELS.items():
        log_odds += effect * (columns[column] == level)
    if window_contacts is not None:
        log_odds += CONTACT_EFFECT_PER_SD * _standardised(np.log1p(window_contacts.astype(float)))
    probability = 1 / (1 + np.exp(-log_odds))
    churned = rng.random(rows) < probability

    frame = pd.DataFrame({
        "customerID": ids, "gender": gender, "SeniorCitizen": senior.astype(str), "Partner": partner,
        "Dependents": dependents, "tenure": tenure.astype(str), "PhoneService": phone, "MultipleLines": multiple,
        "InternetService": internet, **add_ons, "Contract": contract, "PaperlessBilling": paperless,
        "PaymentMethod": payment, "MonthlyCharges": [f"{m:.2f}" for m in monthly],
        "TotalCharges": [" " if t == 0 else f"{v:.2f}" for t, v in zip(tenure, total, strict=True)],
        "Churn": np.where(churned, "Yes", "No"),
        "Churn Reason": np.where(churned, _choice(rng, ["Competitor offered more data", "Moved",
                                                        "Price too high"], [0.4, 0.3, 0.3], rows), ""),
        "Account Status": np.where(churned, "Closed", "Open"),
        "Zip Code": rng.integers(90001, 96162, rows).astype(str),
    })
    return TelcoExport(frame, probability, churned, window_contacts)


def pairwise_auc(outcome: np.ndarray, score: np.ndarray) -> float:
    """Share of (churned, retained) pairs ranked right, ties counting half: the Mann-Whitney AUC by hand."""
    positives = np.sort(score[outcome])
    negatives = np.sort(score[~outcome])
    below = np.searchsorted(negatives, positives, side="left")
    at_or_below = np.searchsorted(negatives, positives, side="right")
    wins = below.sum() + 0.5 * (at_or_below - below).sum()
    return float(wins / (len(positives) * len(negatives)))


def test_pairwise_auc_by_hand() -> None:
    # churned scores 0.9, 0.4; retained 0.4, 0.1: pairs (0.9,0.4) win, (0.9,0.1) win, (0.4,0.4) tie, (0.4,0.1)
    # win -> 3.5 / 4
    outcome = np.array([True, True, False, False])
    assert pairwise_auc(outcome, np.array([0.9, 0.4, 0.4, 0.1])) == pytest.approx(3.5 / 4)
    slow = sum(1.0 if p > n else 0.5 if p == n else 0.0
               for p, n in itertools.product([0.9, 0.4], [0.4, 0.1])) / 4
    assert slow == pytest.approx(3.5 / 4)


def _write_export(export: TelcoExport, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    export.frame.to_csv(folder / "WA_Fn-UseC_-Telco-Customer-Churn.csv", index=False)
    return folder


def _accounts_source(folder: Path) -> dict[str, object]:
    # the churn flag "Churn" is found by its name; only the id needs mapping, and the export's date
    return {"name": "crm", "format": "accounts", "path": str(folder), "columns": {"account_id": "customerID"},
            "as_of": AS_OF}


def _frame(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _status(url: str, tmp_path: Path) -> str:
    from typer.testing import CliRunner

    from etl.cli import app

    config = tmp_path / "status.toml"
    config.write_text(f'[warehouse]\nurl = "{url}"\n', encoding="utf-8")
    result = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["status", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result.output


def _held_out(url: str, export: TelcoExport) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The stored held-out rows, with the true probability and outcome of each account from the generator."""
    risk = _frame(url, "select account_id, churn_probability, is_held_out, reason_1, reason_2, reason_3"
                       " from core.enr_account_churn_risk")
    position = {account: index for index, account in enumerate(export.frame["customerID"])}
    rows = risk[risk["is_held_out"].astype(bool)].copy()
    index = rows["account_id"].map(position).to_numpy()
    return rows, export.true_probability[index], export.churned[index]


def _coefficients(url: str) -> pd.DataFrame:
    return _frame(url, "select feature_name, coefficient, std_error, odds_ratio, odds_ratio_ci_low,"
                       " odds_ratio_ci_high from core.enr_churn_coefficients").set_index("feature_name")


def _assert_recovers(coefficients: pd.DataFrame, name: str, truth: float) -> None:
    fitted = float(coefficients.loc[name, "coefficient"])
    error = float(coefficients.loc[name, "std_error"])
    assert math.copysign(1, fitted) == math.copysign(1, truth), (name, fitted, truth)
    assert abs(fitted - truth) <= 3 * error, (name, fitted, error, truth)


def test_account_export_alone_fits_the_known_model(warehouse_url: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    export = telco_export()
    settings = make_settings(warehouse_url, tmp_path, sources=[_accounts_source(_write_export(export,
                                                                                              tmp_path / "crm"))])
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems
    # nothing lost: every customer is an account, the blank TotalCharges included
    assert result.rows_rejected == 0
    accounts = _frame(warehouse_url, "select account_id, is_churned, churned_on from core.dim_accounts")
    assert len(accounts) == ROWS
    assert int(accounts["is_churned"].astype(bool).sum()) == int(export.churned.sum())
    # a Yes flag without a churn date is dated by the export (as_of)
    assert {str(d)[:10] for d in accounts.loc[accounts["is_churned"].astype(bool), "churned_on"]} == {AS_OF}

    model = _frame(warehouse_url, "select * from core.enr_churn_models").iloc[0]
    assert model["method"] == "logit" and model["feature_set"] == "account attributes only"
    assert not bool(model["is_regularised"])
    churned = int(export.churned.sum())
    assert model["observation_basis"] == f"export date {ROWS - churned:,}; churn date {churned:,}" or (
        model["observation_basis"] == f"churn date {churned:,}; export date {ROWS - churned:,}")
    assert int(model["n_known_outcome"]) == ROWS and int(model["n_churned"]) == churned

    coefficients = _coefficients(warehouse_url)
    for key, truth in {**TRUE_PER_SD, **TRUE_LEVELS}.items():
        _assert_recovers(coefficients, MODEL_COLUMN[key], truth)
    # the label in disguise never enters; identical columns ("No internet service" = InternetService No) keep
    # the first of the export
    assert not any(name.startswith(("crm__Churn", "crm__Account Status", "crm__Zip Code"))
                   for name in coefficients.index)
    attributes = _frame(warehouse_url, "select attribute_name, treatment, reason from core.enr_churn_attributes"
                        ).set_index("attribute_name")
    assert attributes.loc["Churn Reason", "treatment"] == "left out"
    assert "speaks of the outcome" in attributes.loc["Churn Reason", "reason"]
    assert attributes.loc["Account Status", "treatment"] == "left out"
    assert "separates churned from retained" in attributes.loc["Account Status", "reason"]
    assert attributes.loc["Zip Code", "treatment"] == "left out"
    assert attributes.loc["Zip Code", "reason"] == "its name marks an identifier"
    assert (attributes.loc["tenure", "treatment"], attributes.loc["SeniorCitizen", "treatment"],
            attributes.loc["Contract", "treatment"]) == ("numeric", "flag", "categorical")
    assert "crm__InternetService=No" in coefficients.index
    assert "crm__OnlineSecurity=No internet service" not in coefficients.index

    # held-out AUC: the stored figure is the pairwise AUC of the stored held-out probabilities, and it comes
    # within 0.03 of the true model's AUC on the same accounts
    held_out, true_probability, outcome = _held_out(warehouse_url, export)
    assert len(held_out) == int(model["n_test"])
    fitted_probability = held_out["churn_probability"].to_numpy(float)
    assert pairwise_auc(outcome, fitted_probability) == pytest.approx(float(model["heldout_auc"]))
    true_auc = pairwise_auc(outcome, true_probability)
    assert abs(float(model["heldout_auc"]) - true_auc) < 0.03, (model["heldout_auc"], true_auc)
    # Brier score by hand, and no better than the true probabilities' by more than chance allows
    brier = float(np.mean((fitted_probability - outcome) ** 2))
    assert float(model["brier_score"]) == pytest.approx(brier)
    assert brier < float(np.mean((true_probability - outcome) ** 2)) + 0.01
    calibration = _frame(warehouse_url, "select * from core.enr_churn_calibration order by decile")
    assert int(calibration["count_accounts"].sum()) == len(held_out)
    assert int(calibration["count_churned"].sum()) == int(outcome.sum())
    # a correctly specified model: each decile's predicted rate within 0.1 of what happened
    assert (calibration["mean_predicted"] - calibration["observed_rate"]).abs().max() < 0.1

    # reasons name the account's own values: "Contract (CRM) is Month-to-month" only for such a customer
    source = export.frame.set_index("customerID")
    risk = _frame(warehouse_url, "select account_id, reason_1, reason_2, reason_3 from core.enr_account_churn_risk")
    checked = 0
    for row in risk.itertuples():
        for reason in (row.reason_1, row.reason_2, row.reason_3):
            if isinstance(reason, str) and " (CRM) is " in reason:
                column, level = reason.split(" (CRM) is ")
                assert source.loc[row.account_id, column] == level, (row.account_id, reason)
                checked += 1
    assert checked > ROWS / 2

    # without contact history, nobody can say a churned customer left "without a word": not observed
    exodus = _frame(warehouse_url, "select is_observed, is_silent_exodus, silence_kind"
                                   " from marts.signal_silent_exodus_accounts")
    assert len(exodus) == churned and not exodus["is_observed"].astype(bool).any()
    assert exodus["is_silent_exodus"].isna().all()
    assert set(exodus["silence_kind"]) == {"not observed (no contact history at the churn date)"}

    output = _status(warehouse_url, tmp_path)
    assert "feature set: account attributes only" in output
    assert f"held-out AUC: {float(model['heldout_auc']):.3f}" in output
    _check_risk_page(warehouse_url, export, monkeypatch)


def _check_risk_page(url: str, export: TelcoExport, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Risk page on the account-only warehouse, dates set around the export day: it names the feature set,
    shows churn risk and the high-risk count worked out here from the generator's outcomes and the stored
    probabilities, and leaves revenue at risk and silence not measured (no ARR, no contact history)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    app = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py"), default_timeout=60)
    app.query_params["start"] = "2026-04-01"
    app.query_params["end"] = AS_OF
    app.run()
    app.switch_page("app_pages/risk/page.py")
    app.run()
    assert not app.exception
    markdown = " ".join(str(element.value) for element in app.markdown)
    assert "Feature set: account attributes only." in markdown
    risk = _frame(url, "select account_id, churn_probability from core.enr_account_churn_risk")
    churned = dict(zip(export.frame["customerID"], export.churned, strict=True))
    active = risk[~risk["account_id"].map(churned)]
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles["Churn risk"] == f"{active['churn_probability'].mean():.1%}"
    assert tiles["Accounts at high risk"] == f"{int((active['churn_probability'] >= 0.40).sum()):,}"
    assert tiles["Revenue at risk"] == "—" and tiles["Churned ARR"] == "—"
    assert tiles["Accounts churned"] == f"{int(export.churned.sum()):,}" and tiles["Of them, in silence"] == "—"


def test_too_few_churned_accounts_and_no_contacts_is_not_measured(warehouse_url: str, tmp_path: Path) -> None:
    # 200 customers, 8 of them churned: under min_churned_accounts (20), and no contact for the points rule
    export = telco_export(rows=200, seed=3)
    frame = export.frame.copy()
    churned_rows = frame.index[frame["Churn"] == "Yes"]
    frame.loc[churned_rows[8:], "Churn"] = "No"
    frame["Churn Reason"] = ""
    export = TelcoExport(frame, export.true_probability, (frame["Churn"] == "Yes").to_numpy())
    settings = make_settings(warehouse_url, tmp_path, sources=[_accounts_source(_write_export(export,
                                                                                              tmp_path / "crm"))])
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems
    model = _frame(warehouse_url, "select * from core.enr_churn_models").iloc[0]
    assert model["method"] == "none" and int(model["n_churned"]) == 8
    assert "only 8 churned account(s)" in model["fallback_reason"]
    assert "no contact history links to these accounts" in model["fallback_reason"]
    assert model["heldout_auc"] is None or pd.isna(model["heldout_auc"])
    assert int(_frame(warehouse_url, "select count(*) as n from core.enr_account_churn_risk")["n"].iloc[0]) == 0
    risk = _frame(warehouse_url, "select * from core.fct_account_risk")
    assert len(risk) == 200 and risk["churn_probability"].isna().all() and risk["revenue_at_risk"].isna().all()
    assert set(risk["risk_method"]) == {"none"}
    # the mart says "not measured" (null), never 0: no revenue at risk, no account at high risk
    mart = _frame(warehouse_url, "select sum(sum_revenue_at_risk) as at_risk, sum(sum_high_risk_account_share)"
                                 " as high, sum(sum_attributed_churn_probability) as risk"
                                 " from marts.account_risk_daily")
    assert mart.iloc[0].isna().all()
    output = _status(warehouse_url, tmp_path)
    assert "churn model: not measured" in output
    assert "feature set: account attributes only" in output


# --- with contact history -------------------------------------------------------------------------------------

CONTACT_ROWS = 1_500


def _contact_history(export_ids: list[str], seed: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Customers (one person per account) and their contacts over the 120 days before AS_OF; returns the
    customers, the interactions and each account's contacts in the 90-day window before AS_OF."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(AS_OF)
    customers = pd.DataFrame({"customer_id": [f"P-{a}" for a in export_ids], "account_id": export_ids,
                              "full_name": "", "email": "", "phone": "", "created_at": "2025-01-01T00:00:00Z",
                              "updated_at": "2026-01-01T00:00:00Z"})
    rows = []
    window = np.zeros(len(export_ids), int)
    appetite = rng.gamma(2.0, 1.0, len(export_ids))
    for index, account in enumerate(export_ids):
        for number in range(rng.poisson(appetite[index] * 2)):
            # whole seconds from 120 days before to the last second of the day before AS_OF
            created = end - pd.Timedelta(seconds=int(rng.integers(1, 120 * 86_400)))
            if created >= end - pd.Timedelta(days=90):
                window[index] += 1
            stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append((f"I-{account}-{number}", "email", f"P-{account}", "", "",
                         str(rng.choice(["billing", "outage", "upgrade", "other"])), "normal", "closed", stamp, stamp,
                         stamp, "", "", "", ""))
    interactions = pd.DataFrame(rows, columns=["interaction_id", "channel", "customer_id", "queue_id", "agent_id",
                                               "intent", "priority", "status", "created_at", "updated_at",
                                               "closed_at", "subject", "talk_seconds", "hold_seconds",
                                               "acw_seconds"])
    return customers, interactions, window


def test_contact_history_adds_contact_features(warehouse_url: str, tmp_path: Path) -> None:
    base = telco_export(rows=CONTACT_ROWS, seed=5)
    ids = base.frame["customerID"].tolist()
    customers, interactions, window = _contact_history(ids, seed=6)
    # the same customers, now churned by the attributes AND their contacts in the window
    export = telco_export(rows=CONTACT_ROWS, seed=5, window_contacts=window)
    assert export.frame["customerID"].tolist() == ids
    contacts_folder = tmp_path / "contacts"
    contacts_folder.mkdir()
    customers.to_csv(contacts_folder / "customers.csv", index=False)
    interactions.to_csv(contacts_folder / "interactions.csv", index=False)
    settings = make_settings(warehouse_url, tmp_path, sources=[
        _accounts_source(_write_export(export, tmp_path / "crm")),
        {"name": "service", "format": "canonical", "path": str(contacts_folder)},
    ])
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems

    features = _frame(warehouse_url, "select account_id, count_contacts, has_contact_history, observation_basis"
                                     " from core.int_account_churn_features").set_index("account_id")
    # the window count per account is the generator's, worked out from the contact times above
    assert features.loc[ids, "count_contacts"].astype(int).tolist() == window.tolist()
    assert features["has_contact_history"].astype(bool).all()
    model = _frame(warehouse_url, "select * from core.enr_churn_models").iloc[0]
    assert model["method"] == "logit" and model["feature_set"] == "account attributes + contact history"
    coefficients = _coefficients(warehouse_url)
    _assert_recovers(coefficients, "count_contacts", CONTACT_EFFECT_PER_SD)
    _assert_recovers(coefficients, "crm__Contract=Two year", TRUE_LEVELS[("Contract", "Two year")])
    _assert_recovers(coefficients, "crm__tenure", TRUE_PER_SD["tenure"])
    _, true_probability, outcome = _held_out(warehouse_url, export)
    true_auc = pairwise_auc(outcome, true_probability)
    assert abs(float(model["heldout_auc"]) - true_auc) < 0.05, (model["heldout_auc"], true_auc)
    output = _status(warehouse_url, tmp_path)
    assert "feature set: account attributes + contact history" in output
