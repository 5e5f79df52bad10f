"""One canonical e-mail, ticket or social interaction as a Zendesk ticket and its audits.

Ids are Zendesk's numbers: a ticket is its interaction's number (`INT-00000243` -> 243), a user is
CUSTOMER_ID_BASE plus the customer's number or AGENT_ID_BASE plus the agent's, a group GROUP_ID_BASE plus
the queue's position. Every moment of the canonical trail (events and messages at the same second) becomes one
audit, with the Zendesk audit events the connector reads back (etl/sources/zendesk.py):
- created -> Create of status (open), priority, group_id and tags ([intent]);
- agent_assigned -> Change of assignee_id; transferred -> Change of group_id;
- status_changed -> Change of status (the connector derives solved, closed and reopened from it, so the
  canonical solved / closed / reopened events are not written separately);
- escalated -> Change of tags adding `escalated` (the connector's default escalation tag);
- messages -> Comment (public or internal note), authored by the requester or the agent.
`queued` has no audit event: the first group set at creation is the ticket's routing.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from etl.demo.writers import iso_utc

CUSTOMER_ID_BASE = 10_000_000
AGENT_ID_BASE = 900_000
GROUP_ID_BASE = 36_000
SYSTEM_USER_ID = -1
VIA_CHANNELS = {"email": "email", "ticket": "web", "social": "twitter"}
ESCALATION_TAG = "escalated"


def number_of(canonical_id: str) -> int:
    """The number at the end of a canonical id (`CUS-0000069` -> 69)."""
    return int(canonical_id.rsplit("-", 1)[1])


def user_id_of(canonical_id: str) -> int:
    """The Zendesk user id of a canonical customer or agent id."""
    if canonical_id.startswith("CUS-"):
        return CUSTOMER_ID_BASE + number_of(canonical_id)
    return AGENT_ID_BASE + number_of(canonical_id)


def ticket_id_of(interaction_id: str) -> int:
    return number_of(interaction_id)


def _change(field_name: str, value: Any, previous: Any) -> dict[str, Any]:
    return {"type": "Change", "field_name": field_name, "value": value, "previous_value": previous}


class TicketState:
    """The ticket fields as the audits change them, so each Change knows its previous value."""

    def __init__(self, intent: str) -> None:
        self.assignee: int | None = None
        self.group: int | None = None
        self.tags: list[str] = [intent]


def _audit_events(items: list[tuple[int, str, dict[str, Any]]], interaction: dict[str, str],
                  state: TicketState, group_ids: dict[str, int]) -> list[dict[str, Any]]:
    """The Zendesk audit events of one moment's canonical events and messages."""
    found: list[dict[str, Any]] = []
    for _, kind, item in items:
        if kind == "message":
            author = user_id_of(item["author_id"]) if item.get("author_id") else SYSTEM_USER_ID
            found.append({"type": "Comment", "author_id": author, "body": item["text"],
                          "public": bool(item.get("is_public", True))})
            continue
        event_type = item["event_type"]
        if event_type == "created":
            state.group = group_ids[item["queue_id"]]
            found.extend([
                {"type": "Create", "field_name": "status", "value": "open"},
                {"type": "Create", "field_name": "priority", "value": interaction["priority"]},
                {"type": "Create", "field_name": "group_id", "value": state.group},
                {"type": "Create", "field_name": "tags", "value": list(state.tags)},
            ])
        elif event_type == "agent_assigned":
            assignee = user_id_of(item["agent_id"])
            found.append(_change("assignee_id", assignee, state.assignee))
            state.assignee = assignee
        elif event_type == "transferred":
            group = group_ids[item["to_value"]]
            found.append(_change("group_id", group, state.group))
            state.group = group
        elif event_type == "status_changed":
            found.append(_change("status", item["to_value"], item["from_value"]))
        elif event_type == "escalated":
            tags = [*state.tags, ESCALATION_TAG]
            found.append(_change("tags", tags, list(state.tags)))
            state.tags = tags
    return found


def ticket_and_audits(interaction: dict[str, str], events: list[dict[str, Any]], messages: list[dict[str, Any]],
                      group_ids: dict[str, int], parse_s: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The incremental-export ticket and the audits of one canonical written interaction."""
    ticket_id = ticket_id_of(interaction["interaction_id"])
    requester = user_id_of(interaction["customer_id"])
    timeline = sorted(
        [(parse_s(event["occurred_at"]), "event", event) for event in events]
        + [(parse_s(message["sent_at"]), "message", message) for message in messages],
        key=lambda item: (item[0], 0 if item[1] == "event" and item[2]["event_type"] == "created" else 1),
    )
    state = TicketState(interaction["intent"])
    audits = []
    for number, (at_s, moment) in enumerate(groupby(timeline, key=lambda item: item[0])):
        items = list(moment)
        audit_events = _audit_events(items, interaction, state, group_ids)
        if not audit_events:
            continue
        audit_id = ticket_id * 1_000 + number
        for position, event in enumerate(audit_events):
            event["id"] = audit_id * 100 + position
        author = next((event["author_id"] for event in audit_events if event["type"] == "Comment"), None)
        agent_author = next((user_id_of(item["agent_id"]) for _, kind, item in items
                             if kind == "event" and item.get("agent_id")), None)
        audits.append({
            "id": audit_id,
            "ticket_id": ticket_id,
            "created_at": iso_utc(at_s),
            "author_id": author or agent_author or requester,
            "via": {"channel": VIA_CHANNELS[interaction["channel"]]},
            "events": audit_events,
        })
    first_text = next((message["text"] for message in messages if message["author_role"] == "customer"), "")
    ticket = {
        "id": ticket_id,
        "via": {"channel": VIA_CHANNELS[interaction["channel"]]},
        "created_at": interaction["created_at"],
        "updated_at": interaction["updated_at"],
        "type": "question",
        "subject": interaction["subject"],
        "description": first_text,
        "priority": interaction["priority"],
        "status": interaction["status"],
        "requester_id": requester,
        "submitter_id": requester,
        "assignee_id": state.assignee,
        "group_id": state.group,
        "tags": state.tags,
        "custom_fields": [],
    }
    return ticket, audits


def end_user(customer: dict[str, str]) -> dict[str, Any]:
    """A Zendesk end-user for a canonical customer (no organization: the CRM owns accounts)."""
    return {
        "id": user_id_of(customer["customer_id"]), "name": customer["full_name"], "email": customer["email"],
        "phone": customer["phone"] or None, "role": "end-user", "active": True,
        "created_at": customer["created_at"], "updated_at": customer["updated_at"],
    }


def agent_user(agent: dict[str, str], group_ids_of_team: dict[str, int]) -> dict[str, Any]:
    """A Zendesk agent for a canonical human agent, in the first group of the agent's team."""
    return {
        "id": user_id_of(agent["agent_id"]), "name": agent["agent_name"],
        "email": f"{agent['agent_id'].lower()}@support.cxpulse-demo.example", "phone": None, "role": "agent",
        "default_group_id": group_ids_of_team.get(agent["team_name"]), "active": True,
        "created_at": agent["updated_at"], "updated_at": agent["updated_at"],
    }
