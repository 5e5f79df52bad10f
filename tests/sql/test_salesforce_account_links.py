"""Salesforce cases linked to their accounts by Case.AccountId, with 15- and 18-character ids, on DuckDB and
PostgreSQL (tests/fixtures/salesforce_ids: Case.csv and Account.csv, no Contact.csv, so the account can only
come from the case itself).

The 18-character id is the 15-character id plus a 3-character checksum of its letter case (Salesforce Help,
"What are Salesforce IDs composed of?"): three blocks of five characters; bit i of a block is set when its
i-th character is an upper-case letter; the block's number indexes ABCDEFGHIJKLMNOPQRSTUVWXYZ012345. Worked by
hand for 001A0000006Vm9r:
  block 1 "001A0": A is character 3 -> 2^3 = 8 -> I
  block 2 "00000": no capital       -> 0       -> A
  block 3 "6Vm9r": V is character 1 -> 2^1 = 2 -> C      => 001A0000006Vm9rIAC (Account.Id in the API export)
  001a0000006vm9r (same letters, lower case: another record) -> 0, 0, 0 -> AAA => 001a0000006vm9rAAA
  001A0000007Pq2s: I, A, and "7Pq2s" P is character 1 -> 2 -> C => 001A0000007Pq2sIAC
Cases: Sfc01 carries the 15-character 001A0000006Vm9r -> Acme (enterprise, ARR 1,200,000, "Customer - Direct");
Sfc02 the 18-character 001A0000007Pq2sIAC -> Umbrella Shop (smb, ARR 48,000, "Customer - Channel"); Sfc03 the
lower-case 001a0000006vm9r -> no such account (segment unknown); Sfc04 no account.
"""

from __future__ import annotations

import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.salesforce_ids import checksum, id_18
from tests.conftest import FIXTURES, make_settings, query_frame

ACME = "salesforce:001A0000006Vm9rIAC"
UMBRELLA = "salesforce:001A0000007Pq2sIAC"


def _case(suffix: str) -> str:
    return f"salesforce:500A000000Sfc0{suffix}IAB"


def test_the_checksum_follows_the_documented_rule() -> None:
    assert checksum("001A0000006Vm9r") == "IAC"
    assert checksum("001a0000006vm9r") == "AAA"
    # all fifteen capitals: every block 11111 = 31 -> '5'
    assert checksum("ABCDEFGHIJKLMNO") == "555"
    assert id_18("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    assert id_18(" 001A0000006Vm9rIAC ") == "001A0000006Vm9rIAC"
    assert id_18("") is None
    assert id_18(None) is None


@pytest.fixture
def linked(warehouse_url: str) -> str:
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "salesforce_ids", "salesforce"), "run")
    assert result.status == SUCCEEDED, result.problems
    return warehouse_url


def test_cases_find_their_accounts_across_15_and_18_character_ids(linked: str) -> None:
    cases = query_frame(
        linked,
        "select i.interaction_id, i.account_id, i.segment, a.arr_amount, a.account_type"
        " from core.fct_interactions as i left join core.dim_accounts as a on a.account_id = i.account_id",
    ).set_index("interaction_id")
    accounts = query_frame(linked, "select account_id, account_type from core.dim_accounts").set_index("account_id")
    assert accounts["account_type"].to_dict() == {ACME: "Customer - Direct", UMBRELLA: "Customer - Channel"}
    assert cases.loc[_case("1"), ["account_id", "segment", "account_type"]].tolist() == [
        ACME, "enterprise", "Customer - Direct"]
    assert float(cases.loc[_case("1"), "arr_amount"]) == 1_200_000
    assert cases.loc[_case("2"), ["account_id", "segment", "account_type"]].tolist() == [
        UMBRELLA, "smb", "Customer - Channel"]
    assert float(cases.loc[_case("2"), "arr_amount"]) == 48_000
    assert cases.loc[_case("3"), "account_id"] == "salesforce:001a0000006vm9rAAA"
    assert cases.loc[_case("3"), "segment"] == "unknown"
    assert pd.isna(cases.loc[_case("3"), "arr_amount"])
    assert pd.isna(cases.loc[_case("4"), "account_id"])
    assert cases.loc[_case("4"), "segment"] == "unknown"
