"""The Salesforce connector's file kinds and parsing, on the fixture in tests/fixtures/salesforce.

The fixture follows the Salesforce Object Reference (developer.salesforce.com, object_reference:
sforce_api_objects_case, _casehistory, _casecomment, _emailmessage, _account, _contact, _user) as exported by
Data Loader: API field names as headers, a UTF-8 byte-order mark and CRLF line endings on Case.csv and
Account.csv, a quoted Description running over three lines, timestamps like 2026-05-04T09:00:00.000+0000.
"""

from __future__ import annotations

import datetime as dt
import fnmatch

import orjson
import pandas as pd
import pytest

from etl.parsing import parse_chunk, read_kind
from etl.sources import salesforce
from etl.streams import FileKind
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "salesforce"


def _kind(stream_name: str) -> FileKind:
    return next(kind for kind in salesforce.KINDS if kind.name == stream_name)


def _matching_kinds(file_name: str) -> list[str]:
    return [kind.name for kind in salesforce.KINDS if fnmatch.fnmatch(file_name, kind.pattern)]


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("Case.csv", ["cases"]),
        ("Case_2026-05-09.csv", ["cases"]),
        ("Case-export.csv", ["cases"]),
        ("CaseHistory.csv", ["case_history"]),
        ("CaseHistory_2026-05.csv", ["case_history"]),
        ("CaseComment.csv", ["case_comments"]),
        ("EmailMessage.csv", ["email_messages"]),
        ("Account.csv", ["accounts"]),
        ("AccountHistory.csv", []),
        ("Contact.csv", ["contacts"]),
        ("User.csv", ["users"]),
        ("UserRole.csv", []),
        ("Cases.csv", []),
    ],
)
def test_each_export_file_feeds_exactly_its_own_object(file_name: str, expected: list[str]) -> None:
    assert _matching_kinds(file_name) == expected


def test_every_fixture_file_matches_one_kind() -> None:
    for path in FIXTURE.iterdir():
        assert len(_matching_kinds(path.name)) == 1, path.name


def test_raw_columns_are_lower_case_and_the_vendor_spelling_is_the_source() -> None:
    cases = salesforce.CASES
    assert cases.field("case_number").key == "CaseNumber"
    assert cases.field("is_escalated").key == "IsEscalated"
    assert salesforce.USERS.field("user_role__name").key == "UserRole.Name"
    for stream in salesforce.STREAMS:
        assert stream.raw_table == f"raw.salesforce__{stream.name}"
        for spec in stream.fields:
            assert spec.name == spec.name.lower()


def _parsed_cases() -> tuple[pd.DataFrame, pd.DataFrame]:
    chunks = list(read_kind(FIXTURE / "Case.csv", _kind("cases")))
    assert len(chunks) == 1
    stream, chunk = chunks[0]
    assert stream is salesforce.CASES
    parsed = parse_chunk(stream, chunk)
    return parsed.rows.set_index("case_id"), parsed.rejects


def test_case_export_with_bom_crlf_and_a_multi_line_description() -> None:
    rows, rejects = _parsed_cases()
    # Six cases in Case.csv; 500Wt00000Cs006AAA has CreatedDate "05/09/2026 10:15 AM" (a report's local format).
    assert len(rows) == 5
    assert list(rejects["field_name"]) == ["created_date"]
    assert list(rejects["reason"]) == ["not an ISO 8601 timestamp"]
    # The header is line 1; Cs001 spans lines 2-4 (its Description holds two CRLF line breaks), so
    # Cs002..Cs006 start on lines 5..9.
    assert list(rejects["source_line"]) == [9]
    assert rows.loc["500Wt00000Cs002AAA", "_source_line"] == 5
    # The byte-order mark is not part of the first header: Id is read.
    assert "500Wt00000Cs001AAA" in rows.index
    description = rows.loc["500Wt00000Cs001AAA", "description"]
    assert description == "Hello,\r\nour May invoice shows 12 seats.\r\nWe only have 10."


def test_salesforce_timestamps_and_booleans_are_typed() -> None:
    rows, _ = _parsed_cases()
    # 2026-05-04T09:00:00.000+0000 is 09:00 UTC; 2026-05-05T08:00:00.000+0200 is 06:00 UTC.
    assert rows.loc["500Wt00000Cs001AAA", "created_date"] == pd.Timestamp("2026-05-04 09:00:00")
    assert rows.loc["500Wt00000Cs002AAA", "created_date"] == pd.Timestamp("2026-05-05 06:00:00")
    assert rows.loc["500Wt00000Cs002AAA", "is_escalated"] is True
    assert rows.loc["500Wt00000Cs001AAA", "is_escalated"] is False
    assert pd.isna(rows.loc["500Wt00000Cs002AAA", "closed_date"])


def test_custom_fields_stay_in_the_payload_with_the_vendor_spelling() -> None:
    rows, _ = _parsed_cases()
    payload = orjson.loads(rows.loc["500Wt00000Cs002AAA", "_payload"])
    assert payload["Product__c"] == "Network"
    assert payload["CaseNumber"] == "00001002"


def test_account_custom_fields_and_user_relationship_column() -> None:
    ((_, account_chunk),) = list(read_kind(FIXTURE / "Account.csv", _kind("accounts")))
    accounts = parse_chunk(salesforce.ACCOUNTS, account_chunk).rows.set_index("account_id")
    globex = accounts.loc["001Wt00000Ac002AAA"]
    assert globex["segment__c"] == "Mid-Market"
    assert globex["arr__c"] == 85_000.0
    assert globex["churn_date__c"] == dt.date(2026, 6, 30)
    assert globex["churned__c"] is True
    assert orjson.loads(globex["_payload"])["Region__c"] == "EMEA"
    ((_, user_chunk),) = list(read_kind(FIXTURE / "User.csv", _kind("users")))
    users = parse_chunk(salesforce.USERS, user_chunk).rows.set_index("user_id")
    assert users.loc["005Wt00000Us002AAA", "user_role__name"] == "Escalations Lead"
    assert users.loc["005Wt00000Us003AAA", "is_active"] is False


def test_email_drafts_load_raw_without_a_message_date() -> None:
    ((_, chunk),) = list(read_kind(FIXTURE / "EmailMessage.csv", _kind("email_messages")))
    emails = parse_chunk(salesforce.EMAIL_MESSAGES, chunk).rows.set_index("email_message_id")
    # Four e-mails, the draft (Status 5) among them: none is rejected; staging leaves the draft out.
    assert len(emails) == 4
    assert emails.loc["02sWt00000Em004AAA", "email_status"] == "5"
    assert pd.isna(emails.loc["02sWt00000Em004AAA", "message_date"])
    assert emails.loc["02sWt00000Em001AAA", "is_incoming"] is True
