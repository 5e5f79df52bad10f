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
