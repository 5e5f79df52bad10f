"""The whole pipeline on the Salesforce fixture (tests/fixtures/salesforce), on DuckDB and PostgreSQL.

The fixture follows the Salesforce Object Reference (developer.salesforce.com, object_reference:
sforce_api_objects_case, _casehistory, _casecomment, _emailmessage, _account, _contact, _user) as Data Loader
exports it. Every expected figure below is worked out by hand from the fixture files (ids shortened: Cs001 is
500Wt00000Cs001AAA, Us001 is 005Wt00000Us001AAA, and so on).

Cases: Case.csv has 6 rows; Cs006 (CreatedDate "05/09/2026 10:15 AM") is quarantined, so 5 cases load.
Case_2026-05-09.csv repeats Cs004 with a later LastModifiedDate (Closed, owner Us001): that version wins.
  Cs001 Origin Email   -> email,  Status Closed              -> closed,  Priority Medium   -> normal
  Cs002 Origin Phone   -> voice,  Status Working             -> open,    Priority Critical -> urgent
  Cs003 Origin Web     -> ticket, Status Resolved            -> solved,  Priority High     -> high
  Cs004 Origin Chat    -> chat,   Status Closed (2nd file)   -> closed,  Priority Low      -> low
  Cs005 Origin Twitter -> social, Status Waiting on Customer -> pending, no Priority        -> null
Cs002 CreatedDate 2026-05-05T08:00:00.000+0200 = 06:00 UTC.

Events from CaseHistory (14 rows):
  Cs001: created (Hi001); Owner Ids queue -> Us001 = agent_assigned (Hi002; the name row Hi003 is skipped);
         New -> Working = status_changed (Hi004); Working -> Closed = status_changed + solved (Hi005)  -> 5
  Cs002: New -> Working = status_changed (Hi006); IsEscalated true = escalated (Hi007);
         Owner Us001 -> Us002 = transferred (Hi008; name row Hi009 skipped)                           -> 3
  Cs003: New -> Working (Hi010) = status_changed; Working -> Closed (Hi011) = status_changed + solved;
         Closed -> Working (Hi012) = status_changed + reopened; Priority (Hi013) = nothing;
         Working -> Resolved (Hi014) = status_changed + solved                                         -> 7
  total 15 events; escalated: Cs002 only; count_reopens: Cs003 = 1, the others 0.

Messages: CaseComment 4 rows (all agent) + EmailMessage 4 rows of which Em004 is a draft (Status 5) -> 7.
  Cs001: Em001 in 09:00 (customer), Em002 out 10:30 (agent), Em003 in 11:00 (customer). The draft's
         CreatedDate 10:00 would be earlier than Em002, but a draft was never sent.
         first reply = 09:00 -> 10:30 = 5,400 s
  Cs002: Cm001 06:40 IsPublished false (internal note), Cm002 07:30 public. Voice: no first reply (null).
  Cs003: Cm003 12:20 public -> first reply = 12:00 -> 12:20 = 1,200 s; Cm004 next day.
  Cs004, Cs005: no messages -> null.

Accounts: Ac001 Segment__c "Enterprise" -> enterprise, ARR__c 1,200,000, not churned;
  Ac002 Segment__c "Mid-Market" -> mid_market, ARR__c 85,000, Churn_Date__c 2026-06-30;
  Ac003 no Segment__c, AnnualRevenue 30,000,000 < 50,000,000 -> smb, no ARR__c -> null.
Contacts: 4. Ct002 has no Phone, so its MobilePhone; Ct001's Email is lower-cased; Ct004 has no account and
  only a LastName ("Linus"), so Cs005's segment is unknown.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, expected_pseudonym, make_settings

SALESFORCE = FIXTURES / "salesforce"


def _sf(object_id: str) -> str:
    return f"salesforce:{object_id}"


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


@pytest.fixture
def loaded_url(warehouse_url: str) -> str:
    result = run_pipeline(make_settings(warehouse_url, SALESFORCE, "salesforce"), "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 1
    return warehouse_url


def test_cases_become_interactions_with_channel_status_and_priority(loaded_url: str) -> None:
    contacts = _query(
        loaded_url,
        "select interaction_id, channel, status, priority, agent_id, segment, created_at, closed_at"
        " from core.fct_interactions",
    ).set_index("interaction_id")
    assert sorted(contacts.index) == [_sf(f"500Wt00000Cs00{n}AAA") for n in range(1, 6)]
    expected = {
        "500Wt00000Cs001AAA": ("email", "closed", "normal"),
        "500Wt00000Cs002AAA": ("voice", "open", "urgent"),
        "500Wt00000Cs003AAA": ("ticket", "solved", "high"),
        "500Wt00000Cs004AAA": ("chat", "closed", "low"),
    }
    for case_id, (channel, status, priority) in expected.items():
        row = contacts.loc[_sf(case_id)]
        assert (row["channel"], row["status"], row["priority"]) == (channel, status, priority), case_id
    cs005 = contacts.loc[_sf("500Wt00000Cs005AAA")]
    assert (cs005["channel"], cs005["status"]) == ("social", "pending")
    assert pd.isna(cs005["priority"])
    assert cs005["segment"] == "unknown"
    assert contacts.loc[_sf("500Wt00000Cs002AAA"), "created_at"] == pd.Timestamp("2026-05-05 06:00:00")
    # Cs004's second export: owner Us001, closed 2026-05-09 09:00
    assert contacts.loc[_sf("500Wt00000Cs004AAA"), "agent_id"] == _sf("005Wt00000Us001AAA")
    assert contacts.loc[_sf("500Wt00000Cs004AAA"), "closed_at"] == pd.Timestamp("2026-05-09 09:00:00")
    assert contacts.loc[_sf("500Wt00000Cs002AAA"), "agent_id"] == _sf("005Wt00000Us002AAA")
    assert contacts.loc[_sf("500Wt00000Cs001AAA"), "segment"] == "enterprise"


def test_history_gives_escalations_reopens_and_first_replies(loaded_url: str) -> None:
    contacts = _query(
        loaded_url,
        "select interaction_id, is_escalated, escalation_reason, count_reopens, count_transfers,"
        " first_reply_calendar_seconds, first_solved_at, last_solved_at from core.fct_interactions",
    ).set_index("interaction_id")
    escalated = {key for key, value in contacts["is_escalated"].items() if bool(value)}
    assert escalated == {_sf("500Wt00000Cs002AAA")}
    assert contacts.loc[_sf("500Wt00000Cs002AAA"), "escalation_reason"] == "case_flagged_escalated"
    assert contacts.loc[_sf("500Wt00000Cs002AAA"), "count_transfers"] == 1
    reopens = {key: int(value) for key, value in contacts["count_reopens"].items()}
    assert reopens[_sf("500Wt00000Cs003AAA")] == 1
    assert sum(reopens.values()) == 1
    cs003 = contacts.loc[_sf("500Wt00000Cs003AAA")]
    assert cs003["first_solved_at"] == pd.Timestamp("2026-05-06 13:00:00")
    assert cs003["last_solved_at"] == pd.Timestamp("2026-05-07 10:00:00")
    replies = contacts["first_reply_calendar_seconds"]
    assert replies[_sf("500Wt00000Cs001AAA")] == pytest.approx(5_400)
    assert replies[_sf("500Wt00000Cs003AAA")] == pytest.approx(1_200)
    for case_id in ("500Wt00000Cs002AAA", "500Wt00000Cs004AAA", "500Wt00000Cs005AAA"):
        assert pd.isna(replies[_sf(case_id)]), case_id


def test_case_history_rows_become_canonical_events(loaded_url: str) -> None:
    events = _query(
        loaded_url,
        "select interaction_id, event_type, count(*) as n from core.fct_interaction_events"
        " group by interaction_id, event_type",
    )
    counts = {(row.interaction_id, row.event_type): int(row.n) for row in events.itertuples(index=False)}
    cs001, cs002, cs003 = (_sf(f"500Wt00000Cs00{n}AAA") for n in (1, 2, 3))
    assert counts == {
        (cs001, "created"): 1, (cs001, "agent_assigned"): 1, (cs001, "status_changed"): 2, (cs001, "solved"): 1,
        (cs002, "status_changed"): 1, (cs002, "escalated"): 1, (cs002, "transferred"): 1,
        (cs003, "status_changed"): 4, (cs003, "solved"): 2, (cs003, "reopened"): 1,
    }
    assert sum(counts.values()) == 15
    transfer = _query(
        loaded_url,
        "select agent_id, from_value, to_value from core.fct_interaction_events where event_type = 'transferred'",
    ).iloc[0]
    assert (transfer["agent_id"], transfer["from_value"], transfer["to_value"]) == (
        _sf("005Wt00000Us002AAA"), _sf("005Wt00000Us001AAA"), _sf("005Wt00000Us002AAA")
    )
    reopen = _query(
        loaded_url, "select occurred_at, from_value, to_value from core.fct_interaction_events"
        " where event_type = 'reopened'"
    ).iloc[0]
    assert (reopen["occurred_at"], reopen["from_value"], reopen["to_value"]) == (
        pd.Timestamp("2026-05-07 09:00:00"), "Closed", "Working"
    )


def test_comments_and_emails_become_messages(loaded_url: str) -> None:
    messages = _query(
        loaded_url,
        "select message_id, interaction_id, author_role, author_id, is_public, message_text"
        " from core.fct_messages",
    ).set_index("message_id")
    assert len(messages) == 7
    assert _sf("02sWt00000Em004AAA") not in messages.index  # the draft
    roles = messages["author_role"].value_counts().to_dict()
    assert roles == {"agent": 5, "customer": 2}  # 4 comments + Em002; Em001 and Em003
    private = [key for key, value in messages["is_public"].items() if not bool(value)]
    assert private == [_sf("00aWt00000Cm001AAA")]
    em001 = messages.loc[_sf("02sWt00000Em001AAA")]
    assert em001["message_text"] == "Hello,\nour May invoice shows 12 seats.\nWe only have 10."
    assert pd.isna(em001["author_id"])
    assert messages.loc[_sf("02sWt00000Em002AAA"), "author_id"] == _sf("005Wt00000Us001AAA")


def test_accounts_customers_and_agents(loaded_url: str) -> None:
    accounts = _query(
        loaded_url, "select account_id, segment, arr_amount, churned_on, is_churned from core.dim_accounts"
    ).set_index("account_id")
    assert len(accounts) == 3
    acme, globex, initech = (accounts.loc[_sf(f"001Wt00000Ac00{n}AAA")] for n in (1, 2, 3))
    assert (acme["segment"], acme["arr_amount"], bool(acme["is_churned"])) == ("enterprise", 1_200_000.0, False)
    assert (globex["segment"], globex["arr_amount"]) == ("mid_market", 85_000.0)
    assert pd.Timestamp(globex["churned_on"]) == pd.Timestamp("2026-06-30")
    assert initech["segment"] == "smb"
    assert pd.isna(initech["arr_amount"])
    assert pd.isna(initech["churned_on"])

    customers = _query(
        loaded_url, "select customer_id, account_id, full_name, email, phone from core.dim_customers"
    ).set_index("customer_id")
    assert len(customers) == 4
    grace = customers.loc[_sf("003Wt00000Ct001AAA")]
    assert (grace["account_id"], grace["full_name"], grace["email"], grace["phone"]) == (
        _sf("001Wt00000Ac001AAA"), "[NAME] [NAME]", expected_pseudonym("em_", "grace.hopper@acme.example"),
        expected_pseudonym("ph_", "+15550100"),
    )  # first and last name masked at ingest, e-mail and phone pseudonymised (docs/privacy.md)
    assert customers.loc[_sf("003Wt00000Ct002AAA"), "phone"] == expected_pseudonym("ph_", "+447700900123")
    linus = customers.loc[_sf("003Wt00000Ct004AAA")]
    assert linus["full_name"] == "[NAME]"
    assert pd.isna(linus["account_id"])

    agents = _query(loaded_url, "select agent_id, agent_name, team_name from core.dim_agents").set_index("agent_id")
    assert agents.loc[_sf("005Wt00000Us001AAA"), "team_name"] == "Tier 1"  # Department
    assert agents.loc[_sf("005Wt00000Us002AAA"), "team_name"] == "Escalations Lead"  # no Department: the role


def test_bad_created_date_is_quarantined_with_file_line_and_field(loaded_url: str) -> None:
    rejects = _query(
        loaded_url, "select stream, source_file, source_line, field_name, reason, payload from ops.rejected_records"
    )
    assert len(rejects) == 1
    reject = rejects.iloc[0]
    assert reject["stream"] == "cases"
    assert Path(reject["source_file"]).name == "Case.csv"
    assert reject["source_line"] == 9  # header line 1, Cs001 lines 2-4 (multi-line Description), Cs006 line 9
    assert reject["field_name"] == "created_date"
    assert reject["reason"] == "not an ISO 8601 timestamp"
    assert "05/09/2026 10:15 AM" in reject["payload"]


def test_a_second_run_on_the_same_exports_loads_nothing(loaded_url: str) -> None:
    again = run_pipeline(make_settings(loaded_url, SALESFORCE, "salesforce"), "run")
    assert again.rows_loaded == 0
    assert {f.status for f in again.files} == {"skipped"}
