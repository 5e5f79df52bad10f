"""The accounts reader: the column map, tier and amount spellings, further columns as attributes."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import SourceConfig
from etl.parsing import FileError, parse_chunk, read_kind
from etl.sources.accounts import amount_text, canonical_segment, column_map, kinds_for
from tests.conftest import FIXTURES

EXPORT = FIXTURES / "accounts" / "crm-accounts-2026-05.csv"
COLUMNS = {"account_id": "Account ID", "account_name": "Company", "segment": "Tier", "arr_amount": "ARR",
           "started_on": "Customer Since", "churned_on": "Churn Date", "updated_at": "Last Modified"}


def _kind(**options: object):  # type: ignore[no-untyped-def]
    (kind,) = kinds_for(SourceConfig("crm", "accounts", EXPORT.parent, options=dict(options)))
    return kind


def test_the_column_map_comes_first_then_headers_spelled_like_fields() -> None:
    header = ["Account ID", "Tier", "Industry", "ARR Amount"]
    assert column_map(header, {"account_id": "Account ID", "segment": "Tier"}) == {
        "account_id": "Account ID", "segment": "Tier", "industry": "Industry", "arr_amount": "ARR Amount",
    }


@pytest.mark.parametrize(
    ("spelling", "segment"),
    [("Enterprise", "enterprise"), ("Mid-Market", "mid_market"), ("small business", "smb"), ("Galactic", "Galactic")],
)
def test_tier_spellings(spelling: str, segment: str) -> None:
    assert canonical_segment(spelling) == segment


def test_amounts_lose_currency_signs_and_thousands_separators() -> None:
    assert amount_text("$250,000.00") == "250000.00"
    assert amount_text("48,500") == "48500"
    assert amount_text("") is None


def test_accounts_and_their_further_columns() -> None:
    by_stream = {stream.name: (stream, chunk) for stream, chunk in read_kind(EXPORT, _kind(columns=COLUMNS))}
    accounts_stream, accounts = by_stream["accounts"]
    parsed = parse_chunk(accounts_stream, accounts)
    # 5 rows; CRM-4's tier "Galactic" is quarantined
    assert list(parsed.rows["account_id"]) == ["CRM-1", "CRM-2", "CRM-3", "CRM-2"]
    assert list(parsed.rejects["source_line"]) == [5]
    assert parsed.rows.at[0, "arr_amount"] == 250_000.0
    assert parsed.rows.at[1, "segment"] == "mid_market"
    attributes_stream, attributes = by_stream["account_attributes"]
    rows = parse_chunk(attributes_stream, attributes).rows
    # further columns: Health Score, Owner, Seats; empty cells are not attributes:
    # CRM-1 3, CRM-2 2 (no Seats), CRM-3 2 (no Owner), CRM-4 3, CRM-2 again 2 = 12
    assert len(rows) == 12
    first = rows[rows["account_id"] == "CRM-1"].set_index("attribute_name")["attribute_value"].to_dict()
    assert first == {"Health Score": "82", "Owner": "Dana", "Seats": "1200"}


def test_an_account_id_prefix_from_the_options() -> None:
    chunks = {stream.name: chunk for stream, chunk in read_kind(EXPORT, _kind(columns=COLUMNS,
                                                                              account_id_prefix="crm:"))}
    assert chunks["accounts"].values[0]["account_id"] == "crm:CRM-1"
    assert chunks["account_attributes"].values[0]["account_id"] == "crm:CRM-1"


def test_a_file_without_an_account_id_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("Name,ARR\nGlobex,1\n", encoding="utf-8")
    with pytest.raises(FileError, match="no column for account_id"):
        list(read_kind(path, _kind(columns=COLUMNS)))


def _read(path: Path, **options: object) -> tuple[object, object]:
    (kind,) = kinds_for(SourceConfig("crm", "accounts", path.parent, options=dict(options)))
    by_stream = {stream.name: (stream, chunk) for stream, chunk in read_kind(path, kind)}
    accounts_stream, accounts = by_stream["accounts"]
    attributes_stream, attributes = by_stream["account_attributes"]
    return parse_chunk(accounts_stream, accounts), parse_chunk(attributes_stream, attributes)


def test_a_churn_flag_is_found_by_its_header_and_read_as_yes_or_no(tmp_path: Path) -> None:
    path = tmp_path / "telco.csv"
    path.write_text("customerID,tenure,Churn\nA,1,Yes\nB,2,No\nC,3,Churned\nD,4,active\nE,5,maybe\nF,6,\n",
                    encoding="utf-8")
    accounts, attributes = _read(path, columns={"account_id": "customerID"}, as_of="2026-05-31")
    rows = accounts.rows.set_index("account_id")
    assert rows["churn_flag"].to_dict() == {"A": True, "B": False, "C": True, "D": False, "F": None}
    # "maybe" is neither: quarantined with the reason, line 6 of the file
    assert accounts.rejects[["source_line", "field_name", "reason"]].values.tolist() == [
        [6, "churn_flag", "not true or false"]]
    assert {str(d) for d in rows["exported_on"]} == {"2026-05-31"}
    # the flag is never an attribute; tenure is, with its place in the header (0 = customerID)
    assert set(attributes.rows["attribute_name"]) == {"tenure"}
    assert set(attributes.rows["attribute_position"]) == {1}


def test_churn_flag_spellings_and_the_map() -> None:
    assert column_map(["Id", "Exited"], {"account_id": "Id"})["churn_flag"] == "Exited"
    # the first of CHURN_FLAG_HEADERS wins: "Churn Label" before "Churn Value"
    assert column_map(["Id", "Churn Value", "Churn Label"], {"account_id": "Id"})["churn_flag"] == "Churn Label"
    assert column_map(["Id", "Left Us"], {"account_id": "Id", "churn_flag": "Left Us"})["churn_flag"] == "Left Us"


def test_the_export_date_is_the_files_modification_day_without_as_of(tmp_path: Path) -> None:
    import os

    path = tmp_path / "accounts.csv"
    path.write_text("account_id,Churn,Plan\nA,Yes,gold\n", encoding="utf-8")
    # 2026-03-04 23:30 UTC
    os.utime(path, (1772667000, 1772667000))
    accounts, _ = _read(path)
    assert str(accounts.rows.at[0, "exported_on"]) == "2026-03-04"


def test_a_bad_as_of_refuses_the_file_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,Churn,Plan\nA,Yes,gold\n", encoding="utf-8")
    with pytest.raises(FileError, match="as_of = '31/05/2026' is not a YYYY-MM-DD date"):
        _read(path, as_of="31/05/2026")
