"""The Zendesk reader on the fixture in tests/fixtures/zendesk, pure: no warehouse.

The fixture follows Zendesk's published schemas (see the docstring of etl/sources/zendesk.py): an Incremental
Ticket Export in two pages with side-loaded users and groups, the Ticket Audits list, the Ticket Metrics
list, an Organizations page and a users JSON Lines file. Expected values are read off the fixture by hand.
"""

from __future__ import annotations

import fnmatch
import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from etl.config import SourceConfig
from etl.parsing import RecordChunk, parse_chunk
from etl.sources import zendesk
from etl.sources.zendesk import (
    BY_NAME,
    KINDS,
    ReaderOptions,
    audit_rows,
    change_event_types,
    iter_page_records,
    kinds_for,
    options_of,
    ticket_intent,
)
from tests.conftest import FIXTURES

ZENDESK = FIXTURES / "zendesk"
KIND = {kind.name: kind for kind in KINDS}
DEFAULT = ReaderOptions()


def _read(path: Path, kind_name: str, options: ReaderOptions = DEFAULT) -> dict[str, RecordChunk]:
    """Every chunk of a file merged per stream."""
    merged: dict[str, RecordChunk] = {}
    kind = next(k for k in zendesk.kinds_for_options(options) if k.name == kind_name)
    assert kind.reader is not None
    for stream, chunk in kind.reader(path, kind):
        into = merged.setdefault(stream.name, RecordChunk())
        into.lines += chunk.lines
        into.values += chunk.values
        into.payloads += chunk.payloads
        into.unreadable += chunk.unreadable
        into.origins += chunk.origins
        into.notes += chunk.notes
        into.unrecoverable += chunk.unrecoverable
        into.unrecoverable_reason = chunk.unrecoverable_reason or into.unrecoverable_reason
    return merged


def _page_ticket(ticket_id: int, page: str) -> dict[str, Any]:
    tickets = orjson.loads((ZENDESK / page).read_bytes())["tickets"]
    return next(t for t in tickets if t["id"] == ticket_id)


def _audit(audit_id: int) -> dict[str, Any]:
    audits = orjson.loads((ZENDESK / "ticket_audits.json").read_bytes())["audits"]
    return next(a for a in audits if a["id"] == audit_id)


# ---------------------------------------------------------------- streaming page files


def test_a_page_file_is_streamed_record_by_record_across_small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Blocks of 7 characters cut keys, numbers and records in pieces; the records still come out whole.
    monkeypatch.setattr(zendesk, "BLOCK_CHARS", 7)
    with open(ZENDESK / "tickets-0001.json", encoding="utf-8") as handle:
        found = [(key, record["id"]) for key, _, record, _ in iter_page_records(handle, frozenset(
            {"tickets", "users", "groups"}))]
    # page 1 holds tickets 35436, 35437, 35438, 35441, then five side-loaded users, then two groups
    assert found == [
        ("tickets", 35436), ("tickets", 35437), ("tickets", 35438), ("tickets", 35441),
        ("users", 20978392), ("users", 20978393), ("users", 20978394), ("users", 235323), ("users", 235324),
        ("groups", 98738), ("groups", 98739),
    ]


def test_records_carry_the_line_they_start_on() -> None:
    text = '{"tickets": [\n  {"id": 1},\n  {"id": 2,\n   "status": "open"}\n], "end_of_stream": true}\n'
    lines = [(record["id"], line) for _, line, record, _ in iter_page_records(io.StringIO(text),
                                                                              frozenset({"tickets"}))]
    assert lines == [(1, 2), (2, 3)]


def test_a_broken_page_file_keeps_what_came_before_and_reports_the_break(tmp_path: Path) -> None:
    broken = tmp_path / "tickets-broken.json"
    ticket = '{"id": 1, "created_at": "2026-05-04T09:00:00Z", "updated_at": "2026-05-04T09:00:00Z", "status": "new"}'
    broken.write_text('{"tickets": [\n' + ticket + ',\n{"id": 2, "status": \n]}\n', encoding="utf-8")
    chunks = _read(broken, "tickets")
    assert [v["id"] for v in chunks["tickets"].values] == ["1"]
    # the broken record has no text of its own to quarantine: it counts as 1 unrecoverable record
    assert chunks["tickets"].unreadable == [] and chunks["tickets"].unrecoverable == 1
    reason = chunks["tickets"].unrecoverable_reason or ""
    assert "record starting at line 3" in reason  # the second record starts on line 3
    assert "at line 4" in reason  # and breaks on line 4, where "]" comes instead of a value
    assert reason.startswith("invalid JSON") and "rest of the file was not read" in reason


def test_json_lines_are_read_one_ticket_a_line_and_a_bad_line_stands_alone(tmp_path: Path) -> None:
    path = tmp_path / "tickets-2026-05.jsonl"
    t4 = orjson.dumps(_page_ticket(35439, "tickets-0002.json")).decode()
    t5 = orjson.dumps(_page_ticket(35440, "tickets-0002.json")).decode()
    path.write_text(f"{t4}\n{{not json\n\n{t5}\n", encoding="utf-8")
    chunks = _read(path, "tickets")
    assert [v["id"] for v in chunks["tickets"].values] == ["35439", "35440"]
    assert chunks["tickets"].lines == [1, 4]  # line 3 is empty
    assert [(line, reason[:12]) for line, reason, _ in chunks["tickets"].unreadable] == [(2, "invalid JSON")]


def test_file_patterns_tell_tickets_audits_and_metrics_apart() -> None:
    def kinds_of(name: str) -> list[str]:
        return [kind.name for kind in KINDS if fnmatch.fnmatch(name, kind.pattern)]

    assert kinds_of("tickets-0001.json") == ["tickets"]
    assert kinds_of("tickets-2026-05.jsonl") == ["tickets"]
    assert kinds_of("ticket_audits.json") == ["audits"]
    assert kinds_of("ticket_metrics.json") == ["ticket_metrics"]
    assert kinds_of("users.jsonl") == ["users"]


# ---------------------------------------------------------------- tickets


def test_page_one_feeds_tickets_and_the_side_loaded_users_and_groups() -> None:
    chunks = _read(ZENDESK / "tickets-0001.json", "tickets")
    assert {name: len(chunk.values) for name, chunk in chunks.items()} == {"tickets": 4, "users": 5, "groups": 2}
    # line 1 is "{", line 2 opens the tickets array, the first ticket's "{" is line 3
    assert chunks["tickets"].lines[0] == 3
    t2 = chunks["tickets"].values[1]
    assert (t2["id"], t2["via__channel"], t2["group_id"], t2["status"]) == ("35437", "web", "98739", "solved")
    assert t2["satisfaction_rating__score"] == "unoffered"
    assert t2[zendesk.INTENT_KEY] == "password_reset"  # its first (only) tag
    # nested objects are flattened, lists kept whole for the text column
    assert t2["tags"] == ["password_reset"]


def test_the_bad_created_at_ticket_is_rejected_and_the_rest_typed() -> None:
    chunk = _read(ZENDESK / "tickets-0001.json", "tickets")["tickets"]
    parsed = parse_chunk(BY_NAME["tickets"], chunk)
    assert list(parsed.rows["ticket_id"]) == ["35436", "35437", "35438"]
    # 35441 has created_at 2026-05-32, a day that does not exist
    assert parsed.rejects[["field_name", "reason"]].values.tolist() == [["created_at", "not an ISO 8601 timestamp"]]
    assert '"id": 35441' in parsed.rejects.at[0, "payload"]


def test_unknown_ticket_fields_stay_in_the_payload() -> None:
    chunk = _read(ZENDESK / "tickets-0002.json", "tickets")["tickets"]
    parsed = parse_chunk(BY_NAME["tickets"], chunk)
    payload = orjson.loads(parsed.rows.loc[parsed.rows["ticket_id"] == "35437", "_payload"].iloc[0])
    assert payload["custom_status_id"] == 4711
    assert payload["sla_policy_hint"] == {"policy": "gold"}


@pytest.mark.parametrize(
    ("field_id", "expected"),
    [
        (None, "refund_request"),  # no field configured: the first tag
        ("360002", "refund_damaged_item"),  # the configured field has a value on ticket 35439
        ("360001", "refund_request"),  # the configured field is empty on the ticket: the first tag
    ],
)
def test_intent_is_the_configured_custom_field_else_the_first_tag(field_id: str | None, expected: str) -> None:
    assert ticket_intent(_page_ticket(35439, "tickets-0002.json"), field_id) == expected


def test_a_ticket_without_tags_or_field_has_no_intent() -> None:
    assert ticket_intent(_page_ticket(35440, "tickets-0002.json"), "360002") is None


# ---------------------------------------------------------------- audits


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"type": "Create", "field_name": "status", "value": "new"}, [("created", None)]),
        ({"type": "Change", "field_name": "status", "value": "solved", "previous_value": "open"},
         [("status_changed", None), ("solved", None)]),
        ({"type": "Change", "field_name": "status", "value": "open", "previous_value": "solved"},
         [("status_changed", None), ("reopened", None)]),
        ({"type": "Change", "field_name": "status", "value": "hold", "previous_value": "solved"},
         [("status_changed", None), ("reopened", None)]),
        ({"type": "Change", "field_name": "status", "value": "closed", "previous_value": "solved"},
         [("status_changed", None), ("closed", None)]),
        ({"type": "Change", "field_name": "assignee_id", "value": 235323, "previous_value": None},
         [("agent_assigned", None)]),
        ({"type": "Change", "field_name": "assignee_id", "value": None, "previous_value": 235323}, []),
        ({"type": "Create", "field_name": "group_id", "value": 98738}, []),
        ({"type": "Change", "field_name": "group_id", "value": 98739, "previous_value": 98738},
         [("transferred", None)]),
        ({"type": "Change", "field_name": "priority", "value": "urgent", "previous_value": "high"},
         [("escalated", "priority_urgent")]),
        ({"type": "Change", "field_name": "priority", "value": "high", "previous_value": "normal"}, []),
        ({"type": "Change", "field_name": "tags", "value": ["a", "escalated"], "previous_value": ["a"]},
         [("escalated", "tag:escalated")]),
        ({"type": "Change", "field_name": "tags", "value": ["a", "escalated"], "previous_value": ["escalated"]}, []),
        ({"type": "Notification", "body": "We got it"}, []),
    ],
)
def test_audit_events_map_to_canonical_events(event: dict[str, Any], expected: list[tuple[str, str | None]]) -> None:
    assert change_event_types(event, frozenset({"escalated"})) == expected


def test_the_reopening_audit_gives_a_comment_and_three_events() -> None:
    # audit 9105: Grace writes again, status solved -> open, priority high -> urgent, an SLA event (ignored)
    rows = audit_rows(_audit(9105), "", DEFAULT)
    events = [values["event_key"] for stream, values, _ in rows if stream == "ticket_events"]
    comments = [values for stream, values, _ in rows if stream == "ticket_comments"]
    assert events == ["91052:status_changed", "91052:reopened", "91053:escalated"]
    assert [(c["comment_id"], c["author_id"], c["public"], c["sent_at"]) for c in comments] == [
        ("91051", "20978393", "true", "2026-05-06T07:00:00Z")
    ]


def test_two_events_from_one_change_have_different_payloads() -> None:
    rows = [r for r in audit_rows(_audit(9105), "", DEFAULT) if r[0] == "ticket_events"]
    assert len({payload for _, _, payload in rows}) == 3


def test_an_internal_note_is_not_public_and_the_transfer_names_both_groups() -> None:
    chunks = _read(ZENDESK / "ticket_audits.json", "audits")
    parsed = parse_chunk(BY_NAME["ticket_comments"], chunks["ticket_comments"])
    note = parsed.rows.set_index("comment_id").loc["91021"]
    assert bool(note["is_public"]) is False
    events = parse_chunk(BY_NAME["ticket_events"], chunks["ticket_events"]).rows.set_index("event_key")
    transfer = events.loc["91022:transferred"]
    assert (transfer["from_value"], transfer["to_value"], transfer["group_id"]) == ("98738", "98739", "98739")


def test_the_audit_file_gives_24_events_and_11_comments() -> None:
    chunks = _read(ZENDESK / "ticket_audits.json", "audits")
    # events per ticket: 35436 created, agent_assigned, status_changed x2, solved = 5;
    # 35437 created, transferred, agent_assigned, status_changed x3, solved, reopened, escalated = 9;
    # 35438 created, agent_assigned, status_changed x2, solved, closed = 6; 35439 created, escalated,
    # status_changed = 3; 35440 created = 1 -> 24. Comments: 2 + 4 + 2 + 2 + 1 = 11.
    assert len(chunks["ticket_events"].values) == 24
    assert len(chunks["ticket_comments"].values) == 11


def test_configured_escalation_tags_apply() -> None:
    source = SourceConfig("zd", "zendesk", ZENDESK, options={"escalation_tags": "vip, escalated"})
    options = options_of(source)
    assert options.escalation_tags == frozenset({"vip", "escalated"})
    # ticket 35436 is created with the tags billing_dispute and vip: with vip configured it is escalated
    rows = audit_rows(_audit(9001), "", options)
    assert [(v["event_key"], v["reason"]) for s, v, _ in rows if v.get("event_type") == "escalated"] == [
        ("90015:escalated", "tag:vip")
    ]
    assert {kind.name for kind in kinds_for(source)} == set(KIND)


# ---------------------------------------------------------------- metrics, organizations, users


def test_ticket_metrics_flatten_calendar_and_business_minutes() -> None:
    chunk = _read(ZENDESK / "ticket_metrics.json", "ticket_metrics")["ticket_metrics"]
    rows = parse_chunk(BY_NAME["ticket_metrics"], chunk).rows.set_index("ticket_id")
    assert rows.at["35437", "reply_time_in_minutes__calendar"] == 60
    assert rows.at["35437", "reopens"] == 1
    assert rows.at["35437", "group_stations"] == 2
    assert rows.at["35440", "reply_time_in_minutes__calendar"] != rows.at["35440", "reply_time_in_minutes__calendar"]


def test_organization_fields_are_flattened() -> None:
    chunk = _read(ZENDESK / "organizations.json", "organizations")["organizations"]
    rows = parse_chunk(BY_NAME["organizations"], chunk).rows.set_index("organization_id")
    assert rows.at["509974", "organization_fields__segment"] == "enterprise"
    assert rows.at["509974", "organization_fields__arr"] == 120_000.0
    assert rows.at["509975", "organization_fields__segment"] == "government"


def test_users_json_lines_read_the_admin() -> None:
    chunk = _read(ZENDESK / "users.jsonl", "users")["users"]
    rows = parse_chunk(BY_NAME["users"], chunk).rows
    assert rows[["user_id", "role"]].values.tolist() == [["1000", "admin"]]
