"""The demo's vendor exports: the converters on hand-made trails, determinism, and the folder layout."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from etl.demo import to_amazon_connect, to_salesforce, to_zendesk
from etl.demo.simulator import CANONICAL_TEMP_FOLDER, generate
from etl.demo.vendor_exports import demo_sources, epoch_of

END_DATE = dt.date(2026, 10, 31)
SMALL_SCALE = 300
T0 = "2026-05-04T09:00:00Z"
T0_S = 1_777_885_200
"""2026-05-04T09:00:00Z in epoch seconds: 20,577 days after 1970-01-01 (20,577 x 86,400) plus 9 hours."""


def _event(at: str, event_type: str, **keys: str) -> dict[str, str]:
    return {"occurred_at": at, "event_type": event_type, **keys}


def _digest(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_epoch_of_reads_a_canonical_timestamp() -> None:
    assert epoch_of(T0) == T0_S
    assert epoch_of("1970-01-02T00:00:01Z") == 86_401


def test_a_transferred_call_becomes_two_chained_legs() -> None:
    trail = [
        _event("2026-05-04T09:00:00Z", "created", queue_id="Q-A"),
        _event("2026-05-04T09:00:00Z", "ivr_entered"),
        _event("2026-05-04T09:00:30Z", "queued", queue_id="Q-A"),
        _event("2026-05-04T09:00:45Z", "answered", agent_id="AG-0001", queue_id="Q-A"),
        _event("2026-05-04T09:02:00Z", "hold_started", agent_id="AG-0001"),
        _event("2026-05-04T09:02:40Z", "hold_ended", agent_id="AG-0001"),
        _event("2026-05-04T09:05:00Z", "escalated", agent_id="AG-0001", reason="complex"),
        _event("2026-05-04T09:05:00Z", "transferred", agent_id="AG-0001", from_value="Q-A", to_value="Q-B"),
        _event("2026-05-04T09:05:00Z", "queued", queue_id="Q-B"),
        _event("2026-05-04T09:06:00Z", "answered", agent_id="AG-0002", queue_id="Q-B"),
        _event("2026-05-04T09:10:00Z", "disconnected", agent_id="AG-0002", queue_id="Q-B"),
        _event("2026-05-04T09:10:00Z", "closed", agent_id="AG-0002", queue_id="Q-B"),
    ]
    interaction = {"interaction_id": "INT-00000001", "channel": "voice", "customer_id": "CUS-0000001",
                   "intent": "billing_dispute", "created_at": T0, "acw_seconds": "50"}
    directory = to_amazon_connect.Directory({"Q-A": "A", "Q-B": "B"}, {}, {}, {"CUS-0000001": "a@x.example"},
                                            {"CUS-0000001": "+14155550101"})
    first, second = to_amazon_connect.contact_records(interaction, trail, directory, epoch_of)
    assert first["InitialContactId"] is None and first["NextContactId"] == second["ContactId"]
    assert second["InitialContactId"] == first["ContactId"] == second["PreviousContactId"]
    assert second["InitiationMethod"] == "TRANSFER"
    # Leg 1: answered 09:00:45, left at 09:05:00 = 255 s, 40 s of it on hold -> 215 s talk; queue 15 s.
    assert first["Queue"]["Duration"] == 15 and first["Agent"]["CustomerHoldDuration"] == 40
    assert first["Agent"]["AgentInteractionDuration"] == 215 and first["Agent"]["NumberOfHolds"] == 1
    # Leg 2: queued 09:05:00, answered 09:06:00, ended 09:10:00 -> 60 s in queue, 240 s talk, then 50 s ACW.
    assert second["Queue"]["Duration"] == 60 and second["Agent"]["AgentInteractionDuration"] == 240
    assert second["Agent"]["AfterContactWorkEndTimestamp"] == "2026-05-04T09:10:50Z"
    assert "AfterContactWorkDuration" not in first["Agent"]
    assert first["CustomerEndpoint"] == {"Address": "+14155550101", "Type": "TELEPHONE_NUMBER"}
    assert first["Attributes"] == {"intent": "billing_dispute", "customerId": "CUS-0000001", "email": "a@x.example"}
    assert to_amazon_connect.contact_id("INT-00000001", 0) == first["ContactId"]


def test_an_abandoned_bot_chat_keeps_bot_turns_and_the_queue() -> None:
    trail = [
        _event(T0, "created"), _event(T0, "bot_started", agent_id="BOT-01"),
        _event("2026-05-04T09:01:00Z", "handoff", agent_id="BOT-01", queue_id="Q-C"),
        _event("2026-05-04T09:01:00Z", "queued", queue_id="Q-C"),
        _event("2026-05-04T09:01:03Z", "abandoned", queue_id="Q-C", reason="left_chat_queue"),
    ]
    interaction = {"interaction_id": "INT-00000002", "channel": "chat", "customer_id": "CUS-0000001",
                   "intent": "password_reset", "created_at": T0, "acw_seconds": ""}
    directory = to_amazon_connect.Directory({"Q-C": "C"}, {}, {}, {"CUS-0000001": "a@x.example"}, {})
    (record,) = to_amazon_connect.contact_records(interaction, trail, directory, epoch_of)
    assert record["Agent"] is None and record["DisconnectReason"] == "CUSTOMER_DISCONNECT"
    assert record["Queue"]["DequeueTimestamp"] == "2026-05-04T09:01:03Z" and record["InitiationMethod"] == "API"
    messages = [{"sent_at": "2026-05-04T09:00:01Z", "author_role": "bot", "text": "Hi"},
                {"sent_at": "2026-05-04T09:00:20Z", "author_role": "customer", "text": "Reset please"}]
    (analysis,) = to_amazon_connect.chat_analyses(interaction, messages, [record], epoch_of)
    assert [turn["ParticipantRole"] for turn in analysis["Transcript"]] == ["CUSTOM_BOT", "CUSTOMER"]
    assert analysis["CustomerMetadata"]["ContactId"] == record["ContactId"]
    assert analysis["Transcript"][0]["AbsoluteTime"] == "2026-05-04T09:00:01.000Z"


def test_a_ticket_trail_becomes_audits_the_zendesk_rules_read_back() -> None:
    events = [
        _event(T0, "created", queue_id="Q-E"), _event(T0, "queued", queue_id="Q-E"),
        _event("2026-05-04T09:10:00Z", "agent_assigned", agent_id="AG-0003", queue_id="Q-E"),
        _event("2026-05-04T10:00:00Z", "escalated", agent_id="AG-0003", reason="complex"),
        _event("2026-05-04T10:00:00Z", "transferred", agent_id="AG-0003", from_value="Q-E", to_value="Q-F"),
        _event("2026-05-04T11:00:00Z", "status_changed", agent_id="AG-0003", from_value="open", to_value="pending"),
        _event("2026-05-04T12:00:00Z", "status_changed", from_value="pending", to_value="solved"),
        _event("2026-05-04T12:00:00Z", "solved", agent_id="AG-0003"),
    ]
    messages = [{"sent_at": T0, "author_role": "customer", "author_id": "CUS-0000012", "text": "Help",
                 "is_public": True},
                {"sent_at": "2026-05-04T11:00:00Z", "author_role": "agent", "author_id": "AG-0003",
                 "text": "Fixed", "is_public": True}]
    interaction = {"interaction_id": "INT-00000243", "channel": "email", "customer_id": "CUS-0000012",
                   "intent": "refund_request", "priority": "normal", "status": "solved", "created_at": T0,
                   "updated_at": "2026-05-04T12:00:00Z", "subject": "Refund"}
    ticket, audits = to_zendesk.ticket_and_audits(interaction, events, messages, {"Q-E": 7, "Q-F": 8}, epoch_of)
    assert ticket["id"] == 243 and ticket["requester_id"] == 10_000_012 and ticket["assignee_id"] == 900_003
    assert ticket["group_id"] == 8 and ticket["tags"] == ["refund_request", "escalated"]
    assert ticket["via"] == {"channel": "email"}
    kinds = [[(event["type"], event.get("field_name")) for event in audit["events"]] for audit in audits]
    assert kinds == [
        [("Create", "status"), ("Create", "priority"), ("Create", "group_id"), ("Create", "tags"), ("Comment", None)],
        [("Change", "assignee_id")],
        [("Change", "tags"), ("Change", "group_id")],
        [("Change", "status"), ("Comment", None)],
        [("Change", "status")],
    ]
    assert audits[2]["events"][1]["previous_value"] == 7 and audits[2]["events"][1]["value"] == 8
    assert audits[3]["author_id"] == 900_003 and audits[0]["author_id"] == 10_000_012


def test_salesforce_ids_and_times() -> None:
    assert to_salesforce.record_id("001", "ACC-00012") == "001CX0000000000012"
    assert len(to_salesforce.record_id("003", "CUS-0000001")) == 18
    assert to_salesforce.salesforce_time("2026-05-04T09:00:00Z") == "2026-05-04T09:00:00.000+0000"


def test_vendor_generate_is_deterministic_and_leaves_no_canonical_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", scale=SMALL_SCALE, seed=3, end_date=END_DATE)
    generate(tmp_path / "b", scale=SMALL_SCALE, seed=3, end_date=END_DATE)
    generate(tmp_path / "c", scale=SMALL_SCALE, seed=4, end_date=END_DATE)
    first, second, other = (_digest(tmp_path / name) for name in "abc")
    assert first == second
    assert first != other
    assert not (tmp_path / "a" / CANONICAL_TEMP_FOLDER).exists()
    assert not any(name.startswith(("interactions-", "events-")) for name in first)
    folders = {Path(name).parts[0] for name in first}
    assert folders == {"README.md", "amazon_connect", "zendesk", "salesforce", "surveys"}
    for source in demo_sources():
        assert any((tmp_path / "a" / source["path"]).iterdir()), source["name"]


def test_canonical_generate_still_writes_the_canonical_files(tmp_path: Path) -> None:
    generate(tmp_path, scale=SMALL_SCALE, seed=3, end_date=END_DATE, export_format="canonical")
    assert (tmp_path / "accounts.csv").exists() and sorted(tmp_path.glob("interactions-*.csv"))
    assert not (tmp_path / "amazon_connect").exists()
