"""One canonical voice or chat interaction as Amazon Connect contact records (CTRs) and a Contact Lens analysis.

A journey becomes one contact leg per queue: a transfer (or an escalation, which moves the contact to another
queue) ends the leg and starts the next one, initiated by TRANSFER, chained through PreviousContactId /
NextContactId and sharing the first leg's ContactId as InitialContactId. Contact ids are UUID 5 of the
interaction id and leg number, so the same canonical files give the same ids.

What a CTR cannot carry is left out: the canonical `escalated` event (Connect records the transfer, not why),
hold start/end times (only their count and total), `solved`, and the bot's `bot_started` / `handoff` events
(the bot's turns are CUSTOM_BOT turns of the chat transcript; the handoff is the chat's Queue.EnqueueTimestamp).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from etl.demo.writers import iso_utc

INSTANCE_ARN = "arn:aws:connect:eu-west-1:123456789012:instance/0d9e4d9c-5b7a-4c11-9a53-2f1c3e8b7a10"
ACCOUNT_ID = "123456789012"
SYSTEM_PHONE = "+18005550100"
CONTACT_ID_NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5c6d-9e0f-1a2b3c4d5e6f")
TURN_ROLES = {"customer": "CUSTOMER", "agent": "AGENT", "bot": "CUSTOM_BOT", "system": "SYSTEM"}


def contact_id(interaction_id: str, leg_number: int) -> str:
    """The Connect ContactId of one leg (0 = the first) of a canonical interaction."""
    return str(uuid.uuid5(CONTACT_ID_NAMESPACE, f"{interaction_id}/{leg_number}"))


@dataclass
class Leg:
    """One contact record being assembled from the events of its part of the journey."""

    initiated_s: int
    initiation_method: str
    queue_id: str = ""
    enqueued_s: int | None = None
    dequeued_s: int | None = None
    agent_id: str = ""
    connected_s: int | None = None
    disconnected_s: int | None = None
    disconnect_reason: str = ""
    hold_seconds: list[int] = field(default_factory=list)
    hold_started_s: int | None = None
    last_event_s: int = 0


def legs_of(events: list[dict[str, Any]], created_s: int, parse_s: Any) -> list[Leg]:
    """The contact legs a canonical voice or chat event trail implies (events in time order)."""
    legs = [Leg(initiated_s=created_s, initiation_method="INBOUND")]
    for event in events:
        at_s = parse_s(event["occurred_at"])
        leg = legs[-1]
        leg.last_event_s = max(leg.last_event_s, at_s)
        kind = event["event_type"]
        if kind == "queued" and leg.enqueued_s is None:
            leg.enqueued_s, leg.queue_id = at_s, event.get("queue_id", "")
        elif kind == "answered":
            leg.enqueued_s = leg.initiated_s if leg.enqueued_s is None else leg.enqueued_s
            leg.queue_id = leg.queue_id or event.get("queue_id", "")
            leg.connected_s, leg.dequeued_s, leg.agent_id = at_s, at_s, event.get("agent_id", "")
        elif kind == "abandoned":
            leg.dequeued_s, leg.disconnected_s, leg.disconnect_reason = at_s, at_s, "CUSTOMER_DISCONNECT"
        elif kind == "hold_started":
            leg.hold_started_s = at_s
        elif kind == "hold_ended" and leg.hold_started_s is not None:
            leg.hold_seconds.append(at_s - leg.hold_started_s)
            leg.hold_started_s = None
        elif kind == "transferred":
            leg.disconnected_s, leg.disconnect_reason = at_s, "AGENT_DISCONNECT"
            legs.append(Leg(initiated_s=at_s, initiation_method="TRANSFER", queue_id=event.get("to_value", ""),
                            last_event_s=at_s))
        elif kind in ("disconnected", "closed") and leg.disconnected_s is None:
            customer_left = event.get("reason") == "customer_left" or not event.get("agent_id", "").startswith("AG-")
            leg.disconnected_s = at_s
            leg.disconnect_reason = "CUSTOMER_DISCONNECT" if customer_left else "AGENT_DISCONNECT"
    return legs


@dataclass(frozen=True)
class Directory:
    """What a CTR says about queues, agents and customers, by canonical id."""

    queue_names: dict[str, str]
    agent_names: dict[str, str]
    agent_teams: dict[str, str]
    customer_emails: dict[str, str]
    customer_phones: dict[str, str]


def _queue_block(leg: Leg, directory: Directory) -> dict[str, Any] | None:
    if not leg.queue_id or leg.enqueued_s is None:
        return None
    end_s = leg.dequeued_s if leg.dequeued_s is not None else leg.disconnected_s
    block: dict[str, Any] = {
        "ARN": f"{INSTANCE_ARN}/queue/{leg.queue_id.lower()}",
        "EnqueueTimestamp": iso_utc(leg.enqueued_s),
        "Name": directory.queue_names.get(leg.queue_id, leg.queue_id),
    }
    if end_s is not None:
        block["DequeueTimestamp"] = iso_utc(end_s)
        block["Duration"] = end_s - leg.enqueued_s
    return block


def _agent_block(leg: Leg, acw_seconds: int | None, directory: Directory) -> dict[str, Any] | None:
    if not leg.agent_id or leg.connected_s is None:
        return None
    hold_total_s = sum(leg.hold_seconds)
    block: dict[str, Any] = {
        "ARN": f"{INSTANCE_ARN}/agent/{leg.agent_id.lower()}",
        "ConnectedToAgentTimestamp": iso_utc(leg.connected_s),
        "CustomerHoldDuration": hold_total_s,
        "HierarchyGroups": {"Level1": {"GroupName": directory.agent_teams.get(leg.agent_id, "")}},
        "LongestHoldDuration": max(leg.hold_seconds, default=0),
        "NumberOfHolds": len(leg.hold_seconds),
        "Username": leg.agent_id.lower(),
    }
    if leg.disconnected_s is not None:
        block["AgentInteractionDuration"] = leg.disconnected_s - leg.connected_s - hold_total_s
        if acw_seconds is not None:
            block["AfterContactWorkDuration"] = acw_seconds
            block["AfterContactWorkStartTimestamp"] = iso_utc(leg.disconnected_s)
            block["AfterContactWorkEndTimestamp"] = iso_utc(leg.disconnected_s + acw_seconds)
    return block


def contact_records(interaction: dict[str, str], events: list[dict[str, Any]], directory: Directory,
                    parse_s: Any) -> list[dict[str, Any]]:
    """The CTRs (one per leg) of a canonical voice or chat interaction, in leg order."""
    interaction_id = interaction["interaction_id"]
    channel = interaction["channel"].upper()
    legs = legs_of(events, parse_s(interaction["created_at"]), parse_s)
    ids = [contact_id(interaction_id, number) for number in range(len(legs))]
    customer = interaction["customer_id"]
    phone = directory.customer_phones.get(customer, "")
    acw = int(interaction["acw_seconds"]) if interaction["acw_seconds"] else None
    last_handled = max((number for number, leg in enumerate(legs) if leg.agent_id), default=-1)
    records = []
    for number, leg in enumerate(legs):
        record: dict[str, Any] = {
            "AWSAccountId": ACCOUNT_ID,
            "AWSContactTraceRecordFormatVersion": "2017-03-10",
            "Channel": channel,
            "ContactId": ids[number],
            "InitialContactId": ids[0] if number else None,
            "PreviousContactId": ids[number - 1] if number else None,
            "NextContactId": ids[number + 1] if number + 1 < len(legs) else None,
            "InitiationMethod": leg.initiation_method if number or channel == "VOICE" else "API",
            "InitiationTimestamp": iso_utc(leg.initiated_s),
            "ConnectedToSystemTimestamp": iso_utc(leg.initiated_s),
            "DisconnectTimestamp": None if leg.disconnected_s is None else iso_utc(leg.disconnected_s),
            "DisconnectReason": leg.disconnect_reason or None,
            "LastUpdateTimestamp": iso_utc(max(leg.last_event_s, leg.initiated_s) + (
                acw or 0 if number == last_handled and leg.disconnected_s is not None else 0)),
            "InstanceARN": INSTANCE_ARN,
            "Queue": _queue_block(leg, directory),
            "Agent": _agent_block(leg, acw if number == last_handled else None, directory),
            "CustomerEndpoint": {"Address": phone, "Type": "TELEPHONE_NUMBER"} if channel == "VOICE" and phone
            else None,
            "SystemEndpoint": {"Address": SYSTEM_PHONE, "Type": "TELEPHONE_NUMBER"} if channel == "VOICE" else None,
            "Attributes": {"intent": interaction["intent"], "customerId": customer,
                           "email": directory.customer_emails.get(customer, "")},
        }
        if number + 1 < len(legs):
            record["TransferCompletedTimestamp"] = iso_utc(legs[number + 1].initiated_s)
            record["TransferredToEndpoint"] = {"Address": f"{INSTANCE_ARN}/queue/{legs[number + 1].queue_id.lower()}"}
        records.append(record)
    return records


def chat_analyses(interaction: dict[str, str], messages: list[dict[str, Any]], records: list[dict[str, Any]],
                  parse_s: Any) -> list[dict[str, Any]]:
    """One Contact Lens chat analysis per leg that has turns: bot turns as CUSTOM_BOT, times as AbsoluteTime."""
    leg_starts = [parse_s(record["InitiationTimestamp"]) for record in records]
    turns_per_leg: list[list[dict[str, Any]]] = [[] for _ in records]
    for number, message in enumerate(messages):
        sent_s = parse_s(message["sent_at"])
        leg = max(index for index, start in enumerate(leg_starts) if start <= sent_s or index == 0)
        role = TURN_ROLES[message["author_role"]]
        turns_per_leg[leg].append({
            "AbsoluteTime": iso_utc(sent_s).replace("Z", ".000Z"),
            "Content": message["text"],
            "ContentType": "text/plain",
            "Id": f"{interaction['interaction_id'].lower()}-t{number:02d}",
            "ParticipantId": f"{role.lower()}-1",
            "ParticipantRole": role,
        })
    analyses = []
    for record, turns in zip(records, turns_per_leg, strict=True):
        if not turns:
            continue
        roles = sorted({turn["ParticipantRole"] for turn in turns})
        analyses.append({
            "Version": "1.1.0",
            "AccountId": ACCOUNT_ID,
            "Channel": "CHAT",
            "ContentMetadata": {"Output": "Raw"},
            "CustomerMetadata": {"ContactId": record["ContactId"], "InstanceId": INSTANCE_ARN.rsplit("/", 1)[1]},
            "JobStatus": "COMPLETED",
            "LanguageCode": "en-US",
            "Participants": [{"ParticipantId": f"{role.lower()}-1", "ParticipantRole": role} for role in roles],
            "Transcript": turns,
        })
    return analyses
