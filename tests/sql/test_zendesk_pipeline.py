"""The whole pipeline on the Zendesk fixture in tests/fixtures/zendesk, on DuckDB and PostgreSQL.

The fixture follows Zendesk's published export schemas (see etl/sources/zendesk.py). Every figure below is
worked out by hand from its files:

Tickets: page 1 holds 35436, 35437 (v1), 35438 (v1) and 35441; page 2 holds 35437 (v2), 35438 (v2), 35439 and
35440. 35441's created_at is 2026-05-32 -> quarantined (its "{" is line 144 of tickets-0001.json). So 5
tickets load:
  35436 email   -> email,  solved,  Ada (org 509974, enterprise), Billing 98738, Katherine 235323
  35437 web     -> ticket, v2 (updated 05-06 07:00) beats v1 (05-05 10:00): open, urgent, Tier 2 98739, Dorothy
  35438 chat    -> chat,   v2 (05-11 14:05) closed -> closed_at 2026-05-11 14:05; Alan (no organization)
  35439 api     -> ticket, pending, Ada, Tier 2, no assignee
  35440 twitter -> social, new -> open, Grace, no group -> 'unassigned'
Intent (first tag, mapped by name onto tests/fixtures/intents/fixture_taxonomy.yml): billing_dispute,
  password_reset, refund_request; the two untagged tickets by the starter pack's rules on subject and first
  customer message: 35438 "can I change my billing address?" -> change_of_details ("change my billing address"
  is longer than "billing"), 35440 "@acme my parcel never arrived" -> order_or_delivery_status ("parcel").
First reply = first public comment by an agent or admin, from ticket creation (calendar seconds):
  35436 09:00 -> 09:30 = 1,800;  35437 08:00 -> 09:00 = 3,600 (the 08:20 internal note does not count);
  35438 14:00 -> 14:02 = 120;   35439 11:00 -> 11:45 (admin Margaret) = 2,700;  35440 no reply.
  Zendesk's own reply_time_in_minutes.calendar in ticket_metrics.json: 30, 60, 2, 45, null -> x60 the same.
Reopens: 35437 solved -> open once = 1. Transfers: 35437 Billing -> Tier 2 = 1.
Escalations: 35437 priority high -> urgent ('priority_urgent'); 35439 tag 'escalated' added ('tag:escalated').
Events: 5 + 9 + 6 + 3 + 1 = 24 (listed in tests/etl/test_zendesk_reader.py); by type created 5,
  agent_assigned 3, transferred 1, status_changed 2 + 3 + 2 + 1 = 8, solved 3, closed 1, reopened 1,
  escalated 2.
Messages: 2 + 4 + 2 + 2 + 1 = 11; customers wrote 1 + 2 + 1 + 1 + 1 = 6, agents 1 + 2 + 1 + 1 = 5; 1 is internal.
Surveys: 35436 good (id 7000) -> 5, first seen on the version updated 2026-05-04 10:05;
  35438 bad (id 7001) -> 1, first seen on v1 updated 2026-05-07 15:00 (v2 repeats it); 35437's offered and
  35440's missing ratings are not answers -> 2 answers, 1 satisfied.
People: end-users Ada, Grace, Alan -> 3 customers (Grace's e-mail lower-cased); agents Katherine (Billing),
  Dorothy (Tier 2), admin Margaret (no default group) -> 3 agents. Organizations: only Acme Corp has a
  canonical segment (enterprise, ARR 120,000) -> 1 account. Groups -> 2 queues.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, expected_pseudonym, make_settings

ZENDESK = FIXTURES / "zendesk"
T = "zendesk:ticket:"


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _at(text: str) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime.fromisoformat(text))


@pytest.fixture
def loaded(warehouse_url: str) -> str:
    result = run_pipeline(make_settings(warehouse_url, ZENDESK, "zendesk"), "run")
    assert result.status == SUCCEEDED, result.problems
    return warehouse_url


def test_tickets_become_interactions_with_hand_worked_values(loaded: str) -> None:
    contacts = _query(
        loaded,
        "select interaction_id, channel, status, priority, intent, customer_id, segment, queue_id, agent_id,"
        " closed_at, first_reply_calendar_seconds, count_reopens, count_transfers, is_escalated,"
        " escalation_reason from core.fct_interactions",
    ).set_index("interaction_id")
    assert len(contacts) == 5
    assert contacts["channel"].to_dict() == {
        f"{T}35436": "email", f"{T}35437": "ticket", f"{T}35438": "chat", f"{T}35439": "ticket",
        f"{T}35440": "social",
    }
    assert contacts["status"].to_dict() == {
        f"{T}35436": "solved", f"{T}35437": "open", f"{T}35438": "closed", f"{T}35439": "pending",
        f"{T}35440": "open",
    }
    assert contacts.at[f"{T}35437", "priority"] == "urgent"  # the later export page wins
    assert contacts["intent"].to_dict() == {
        f"{T}35436": "billing_dispute", f"{T}35437": "password_reset", f"{T}35438": "change_of_details",
        f"{T}35439": "refund_request", f"{T}35440": "order_or_delivery_status",
    }
    assert contacts.at[f"{T}35436", "customer_id"] == "zendesk:user:20978392"
    assert contacts.at[f"{T}35436", "segment"] == "enterprise"
    assert contacts.at[f"{T}35437", "segment"] == "unknown"  # Navy Yard's segment 'government' is not canonical
    assert contacts.at[f"{T}35437", "queue_id"] == "zendesk:group:98739"
    assert contacts.at[f"{T}35440", "queue_id"] == "unassigned"
    assert contacts.at[f"{T}35437", "agent_id"] == "zendesk:user:235324"
    assert pd.isna(contacts.at[f"{T}35439", "agent_id"])
    assert pd.Timestamp(contacts.at[f"{T}35438", "closed_at"]) == _at("2026-05-11 14:05:00")
    assert pd.isna(contacts.at[f"{T}35436", "closed_at"])
    replies = contacts["first_reply_calendar_seconds"]
    assert [replies[f"{T}{n}"] for n in (35436, 35437, 35438, 35439)] == [1_800, 3_600, 120, 2_700]
    assert pd.isna(replies[f"{T}35440"])
    assert contacts["count_reopens"].to_dict() == {
        f"{T}35436": 0, f"{T}35437": 1, f"{T}35438": 0, f"{T}35439": 0, f"{T}35440": 0,
    }
    assert contacts.at[f"{T}35437", "count_transfers"] == 1
    escalated = contacts[contacts["is_escalated"].astype(bool)]["escalation_reason"].to_dict()
    assert escalated == {f"{T}35437": "priority_urgent", f"{T}35439": "tag:escalated"}


def test_our_first_reply_agrees_with_zendesk_ticket_metrics(loaded: str) -> None:
    both = _query(
        loaded,
        "select 'zendesk:ticket:' || m.ticket_id as interaction_id,"
        " m.reply_time_in_minutes__calendar * 60 as zendesk_seconds, i.first_reply_calendar_seconds"
        " from raw.zendesk__ticket_metrics m join core.fct_interactions i"
        " on i.interaction_id = 'zendesk:ticket:' || m.ticket_id order by 1",
    )
    assert len(both) == 5
    answered = both.dropna()
    assert answered["zendesk_seconds"].tolist() == [1_800, 3_600, 120, 2_700]
    assert answered["zendesk_seconds"].tolist() == answered["first_reply_calendar_seconds"].tolist()


def test_zendesk_own_figures_are_kept_beside_ours(loaded: str) -> None:
    """ticket_metrics.json, by hand: reply time on 35436/37/38/39 (30, 60, 2, 45 min) in both bases = 8 rows;
    first and full resolution only on 35436 (60 min) = 2 + 2; on hold 0 min on all 5 tickets = 10; reopens and
    replies on all 5 = 5 + 5; nulls are not figures. 32 rows, minutes x 60."""
    figures = _query(loaded, "select * from staging.int_vendor_figures_unioned")
    assert len(figures) == 32
    assert set(figures["source_system"]) == {"zendesk"}
    reply = figures[(figures["figure_name"] == "first_reply") & (figures["figure_basis"] == "business")]
    assert dict(zip(reply["interaction_id"], reply["vendor_value"], strict=True)) == {
        f"{T}35436": 1_800.0, f"{T}35437": 3_600.0, f"{T}35438": 120.0, f"{T}35439": 2_700.0}
    reopens = figures[figures["figure_name"] == "reopens"].set_index("interaction_id")["vendor_value"]
    assert reopens.to_dict() == {f"{T}35436": 0.0, f"{T}35437": 1.0, f"{T}35438": 0.0, f"{T}35439": 0.0,
                                 f"{T}35440": 0.0}
    assert figures.groupby("figure_name").size().to_dict() == {
        "first_reply": 8, "first_resolution": 2, "full_resolution": 2, "on_hold": 10, "reopens": 5, "replies": 5}


def test_audits_become_events(loaded: str) -> None:
    events = _query(
        loaded, "select interaction_id, event_type, agent_id, queue_id, from_value, to_value, reason"
        " from core.fct_interaction_events",
    )
    assert len(events) == 24
    assert events["event_type"].value_counts().to_dict() == {
        "status_changed": 8, "created": 5, "agent_assigned": 3, "solved": 3, "escalated": 2, "transferred": 1,
        "closed": 1, "reopened": 1,
    }
    transfer = events[events["event_type"] == "transferred"].iloc[0]
    assert (transfer["interaction_id"], transfer["queue_id"], transfer["from_value"], transfer["to_value"]) == (
        f"{T}35437", "zendesk:group:98739", "zendesk:group:98738", "zendesk:group:98739"
    )
    reopen = events[events["event_type"] == "reopened"].iloc[0]
    assert (reopen["interaction_id"], reopen["from_value"], reopen["to_value"]) == (f"{T}35437", "solved", "open")
    assigned = set(events.loc[events["event_type"] == "agent_assigned", "agent_id"])
    assert assigned == {"zendesk:user:235323", "zendesk:user:235324"}


def test_comments_become_messages_with_roles_and_privacy(loaded: str) -> None:
    messages = _query(
        loaded, "select message_id, interaction_id, author_role, author_id, is_public from core.fct_messages"
    ).set_index("message_id")
    assert len(messages) == 11
    assert messages["author_role"].value_counts().to_dict() == {"customer": 6, "agent": 5}
    internal = messages[~messages["is_public"].astype(bool)]
    assert internal.index.tolist() == ["zendesk:comment:91021"]
    assert messages.at["zendesk:comment:93021", "author_role"] == "agent"  # written by admin 1000
    assert messages.at["zendesk:comment:93021", "author_id"] == "zendesk:user:1000"


def test_satisfaction_ratings_become_csat_answers(loaded: str) -> None:
    surveys = _query(
        loaded, "select survey_response_id, interaction_id, customer_id, survey_type, score, responded_at,"
        " is_csat_satisfied, survey_comment from core.fct_surveys",
    ).set_index("survey_response_id")
    assert sorted(surveys.index) == ["zendesk:satisfaction:7000", "zendesk:satisfaction:7001"]
    good, bad = surveys.loc["zendesk:satisfaction:7000"], surveys.loc["zendesk:satisfaction:7001"]
    assert (good["survey_type"], good["score"], bool(good["is_csat_satisfied"])) == ("csat", 5, True)
    assert pd.Timestamp(good["responded_at"]) == _at("2026-05-04 10:05:00")
    assert (bad["interaction_id"], bad["customer_id"], bad["score"]) == (f"{T}35438", "zendesk:user:20978394", 1)
    assert bool(bad["is_csat_satisfied"]) is False
    assert pd.Timestamp(bad["responded_at"]) == _at("2026-05-07 15:00:00")
    assert bad["survey_comment"] == "Took too long to find the agent"


def test_users_organizations_and_groups_become_dimensions(loaded: str) -> None:
    customers = _query(loaded, "select customer_id, account_id, email, phone from core.dim_customers").set_index(
        "customer_id"
    )
    assert sorted(customers.index) == ["zendesk:user:20978392", "zendesk:user:20978393", "zendesk:user:20978394"]
    ada = customers.loc["zendesk:user:20978392"]
    assert (ada["account_id"], ada["email"], ada["phone"]) == (
        "zendesk:organization:509974", expected_pseudonym("em_", "ada@acme.example"),
        expected_pseudonym("ph_", "+442079460001"),
    )
    assert customers.at["zendesk:user:20978393", "email"] == expected_pseudonym("em_", "grace.hopper@navy.example")
    agents = _query(loaded, "select agent_id, agent_kind, team_name from core.dim_agents").set_index("agent_id")
    assert agents["team_name"].to_dict() == {
        "zendesk:user:235323": "Billing", "zendesk:user:235324": "Tier 2", "zendesk:user:1000": "unassigned",
    }
    assert set(agents["agent_kind"]) == {"human"}
    accounts = _query(loaded, "select account_id, segment, arr_amount from core.dim_accounts")
    assert accounts.values.tolist() == [["zendesk:organization:509974", "enterprise", 120_000.0]]
    queues = _query(loaded, "select queue_id, queue_name, channel from core.dim_queues order by queue_id")
    assert queues.values.tolist() == [
        ["zendesk:group:98738", "Billing", "ticket"], ["zendesk:group:98739", "Tier 2", "ticket"],
    ]


def test_the_bad_timestamp_is_quarantined_and_unknown_fields_are_kept(loaded: str) -> None:
    rejects = _query(loaded, "select stream, source_file, source_line, field_name, reason from ops.rejected_records")
    assert len(rejects) == 1
    reject = rejects.iloc[0]
    assert (reject["stream"], Path(reject["source_file"]).name) == ("tickets", "tickets-0001.json")
    assert (reject["source_line"], reject["field_name"], reject["reason"]) == (
        144, "created_at", "not an ISO 8601 timestamp"
    )
    payload = _query(
        loaded, "select _payload from raw.zendesk__tickets where ticket_id = '35437' and status = 'open'"
    ).iloc[0, 0]
    assert orjson.loads(payload)["custom_status_id"] == 4711


def test_the_service_mart_counts_the_same(loaded: str) -> None:
    totals = _query(
        loaded, "select sum(count_interactions) as interactions, sum(count_first_replies) as first_replies,"
        " sum(sum_first_reply_seconds) as first_reply_seconds, sum(count_csat_responses) as csat_responses,"
        " sum(count_csat_satisfied) as csat_satisfied from marts.service_daily",
    ).iloc[0]
    assert float(totals["interactions"]) == 5
    assert float(totals["first_replies"]) == 4
    assert float(totals["first_reply_seconds"]) == 1_800 + 3_600 + 120 + 2_700
    assert (float(totals["csat_responses"]), float(totals["csat_satisfied"])) == (2, 1)


def test_a_second_run_on_the_same_files_changes_nothing(loaded: str) -> None:
    again = run_pipeline(make_settings(loaded, ZENDESK, "zendesk"), "run")
    assert again.rows_loaded == 0
    assert {f.status for f in again.files} == {"skipped"}
    assert len(_query(loaded, "select interaction_id from core.fct_interactions")) == 5


def test_tags_custom_fields_and_channels_are_intent_values_and_the_unmapped_are_listed(loaded: str) -> None:
    """Latest versions: 35436 tags billing_dispute + vip, via email; 35437 password_reset, web; 35438 no tag,
    chat; 35439 refund_request + escalated and custom field 360002 = refund_damaged_item, api; 35440 no tag,
    twitter (custom field 360001 is null everywhere). billing_dispute, password_reset and refund_request are
    intents of the fixture taxonomy (mapped by name); vip, escalated, refund_damaged_item and every channel are
    not, so they are listed once per contact carrying them."""
    unmapped = _query(loaded, "select vendor_field, vendor_value, count_contacts from ops.intent_unmapped_vendor_values"
                              " where source_kind = 'zendesk'")
    assert sorted(tuple(r) for r in unmapped.itertuples(index=False)) == [
        ("custom_fields", "refund_damaged_item", 1), ("tags", "escalated", 1), ("tags", "vip", 1),
        ("via_channel", "api", 1), ("via_channel", "chat", 1), ("via_channel", "email", 1),
        ("via_channel", "twitter", 1), ("via_channel", "web", 1),
    ]
    reasons = _query(loaded, "select interaction_id, intent_reason from core.fct_interactions"
                             " where intent_source = 'vendor'").set_index("interaction_id")["intent_reason"]
    assert reasons.to_dict() == {f"{T}35436": "zendesk tags = billing_dispute",
                                 f"{T}35437": "zendesk tags = password_reset",
                                 f"{T}35439": "zendesk tags = refund_request"}
