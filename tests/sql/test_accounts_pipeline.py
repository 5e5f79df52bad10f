"""A CRM account export through the pipeline, on DuckDB and PostgreSQL (tests/fixtures/accounts).

Worked by hand from crm-accounts-2026-05.csv with the column map below:
  CRM-1 Globex, Enterprise, "$250,000.00" -> enterprise, 250000.
  CRM-2 Initech appears twice: Mid-Market 48,500 (modified 05-01) and SMB 31,000 (modified 05-02); the later
    wins -> smb, 31000, churned 2026-04-30.
  CRM-3 Hooli, Small Business, 9000 -> smb. CRM-4's tier "Galactic" is quarantined (1 reject).
  Further columns (Health Score, Owner, Seats), latest value per account and column, empty cells left out:
    CRM-1 82/Dana/1200, CRM-2 20/Eve (Seats empty), CRM-3 60/12 (Owner empty), CRM-4 50/Eve/3 -> 10 rows
    (CRM-4's attributes stay: the row's other cells are valid even though its tier is not).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

COLUMNS = {"account_id": "Account ID", "account_name": "Company", "segment": "Tier", "arr_amount": "ARR",
           "started_on": "Customer Since", "churned_on": "Churn Date", "updated_at": "Last Modified"}


def test_crm_accounts_and_their_attributes(warehouse_url: str) -> None:
    settings = make_settings(warehouse_url, FIXTURES, sources=[
        {"name": "crm", "format": "accounts", "path": str(FIXTURES / "accounts"), "columns": COLUMNS},
    ])
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 1
    reader = open_reader(warehouse_url)
    try:
        accounts = reader.query_df(
            "select account_id, account_name, segment, industry, arr_amount, is_churned from core.dim_accounts"
        ).set_index("account_id")
        attributes = reader.query_df(
            "select account_id, attribute_name, attribute_value from staging.stg_accounts__account_attributes"
        )
        raw_attributes = reader.scalar("select count(*) from raw.accounts__account_attributes")
    finally:
        reader.close()
    assert sorted(accounts.index) == ["CRM-1", "CRM-2", "CRM-3"]
    assert (accounts.loc["CRM-1", "segment"], accounts.loc["CRM-1", "arr_amount"]) == ("enterprise", 250_000)
    assert (accounts.loc["CRM-2", "segment"], accounts.loc["CRM-2", "arr_amount"]) == ("smb", 31_000)
    assert bool(accounts.loc["CRM-2", "is_churned"]) is True
    assert accounts.loc["CRM-3", "industry"] == "media"
    assert len(attributes) == 10
    latest = {(r.account_id, r.attribute_name): r.attribute_value for r in attributes.itertuples()}
    assert latest[("CRM-2", "Health Score")] == "20"
    assert latest[("CRM-4", "Seats")] == "3"
    assert ("CRM-2", "Seats") not in latest
    assert raw_attributes == 3 + 2 + 2 + 3 + 2


FLAG_EXPORT = """Account ID,Churned,Churn Date,Last Modified,Plan
K1,Yes,,2026-05-20T10:00:00Z,gold
K2,Yes,,,silver
K3,No,2026-04-15,,gold
K4,No,,,silver
K5,,,2026-05-10T00:00:00Z,gold
"""


def test_a_churn_flag_without_a_date_and_the_export_date(warehouse_url: str, tmp_path: Path) -> None:
    """Worked by hand from FLAG_EXPORT (as_of 2026-05-31, no contact history):
    K1 Yes, modified 05-20 -> churned on 2026-05-20 (its updated_at day); K2 Yes, no date -> 2026-05-31 (as_of);
    K3 No but a churn date 04-15 -> churned on 2026-04-15 (the date wins); K4 No and K5 (no flag) are active.
    Without contact history an active account is observed at midnight after the export day (2026-06-01), a
    churned one on its churn day; no start date, so every account has a known outcome."""
    folder = tmp_path / "crm"
    folder.mkdir()
    (folder / "accounts.csv").write_text(FLAG_EXPORT, encoding="utf-8")
    settings = make_settings(warehouse_url, tmp_path, sources=[
        {"name": "crm", "format": "accounts", "path": str(folder), "as_of": "2026-05-31",
         "columns": {"account_id": "Account ID", "churned_on": "Churn Date", "updated_at": "Last Modified"}},
    ])
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems
    reader = open_reader(warehouse_url)
    try:
        accounts = reader.query_df("select account_id, is_churned, churned_on from core.dim_accounts")
        features = reader.query_df("select account_id, observation_at, observation_basis, has_known_outcome,"
                                   " has_contact_history from core.int_account_churn_features")
    finally:
        reader.close()
    churned = {r.account_id: (bool(r.is_churned), None if r.churned_on is None or pd.isna(r.churned_on)
                              else str(r.churned_on)[:10]) for r in accounts.itertuples()}
    assert churned == {"K1": (True, "2026-05-20"), "K2": (True, "2026-05-31"), "K3": (True, "2026-04-15"),
                       "K4": (False, None), "K5": (False, None)}
    observed = {r.account_id: (str(r.observation_at)[:10], r.observation_basis) for r in features.itertuples()}
    assert observed == {"K1": ("2026-05-20", "churn date"), "K2": ("2026-05-31", "churn date"),
                        "K3": ("2026-04-15", "churn date"), "K4": ("2026-06-01", "export date"),
                        "K5": ("2026-06-01", "export date")}
    assert features["has_known_outcome"].astype(bool).all()
    assert not features["has_contact_history"].astype(bool).any()
