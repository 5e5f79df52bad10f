"""A Zendesk export made through the API, as Zendesk documents it, through the whole pipeline on DuckDB and
PostgreSQL (tests/fixtures/zendesk_api):
- tickets-0001.json: an Incremental Ticket Export page (`tickets`, `end_of_stream`);
- users.json: an Incremental User Export page, roles end-user (Ada 9001, Grace 9002, Alan 9003), agent
  (Katherine 8001) and admin (Margaret 8002);
- ticket_metrics.json: a List Ticket Metrics response, newest first, joined on ticket_id;
- comments/<ticket_id>.json: one List Comments response per ticket; the comments carry no ticket id (the file
  name does). No ticket audits: there is no status trail.

Worked by hand (all UTC, 24x7 default calendar, so cxpulse's business seconds equal its calendar seconds):
  50001 email by Ada 06-01 09:00. Comments: Ada 09:00 (the description), Katherine 09:10 private note (not a
        reply), admin Margaret 09:40 public -> first reply 40 min = 2,400 s. Ticket metrics: solved_at 11:00 ->
        first = full resolution 2 h = 7,200 s; reopens 0.
  50002 created by agent Katherine for Grace 06-02 10:00. Comments: Katherine 10:00 (the description of an
        agent-created ticket, not a reply), Grace 10:30, Katherine 11:00 -> first reply 1 h = 3,600 s (not 0).
        Ticket metrics: reopens 1, solved_at 06-03 10:00 (the last solve) -> full resolution 24 h = 86,400 s;
        the first solve is not exported -> first resolution null, reopens 1.
  50003 chat by Alan 06-04 14:00, agent reply 14:05:30 -> 330 s; open, not solved -> no resolution.
  50004 e-mail by Ada 06-05 08:00, no comments file -> no first reply; solved_at 09:00 -> 3,600 s.
"""

from __future__ import annotations

import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from tests.conftest import FIXTURES, make_settings, query_frame

ZENDESK_API = FIXTURES / "zendesk_api"
T = "zendesk:ticket:"


@pytest.fixture
def loaded(warehouse_url: str) -> str:
    result = run_pipeline(make_settings(warehouse_url, ZENDESK_API, "zendesk"), "run")
    assert result.status == SUCCEEDED, result.problems
    return warehouse_url


def _values(frame: pd.DataFrame, column: str) -> dict[str, float | None]:
    return {key: (None if pd.isna(value) else float(value)) for key, value in frame[column].items()}


def test_first_reply_resolution_and_reopens_match_the_hand_worked_figures(loaded: str) -> None:
    contacts = query_frame(
        loaded,
        "select interaction_id, first_reply_calendar_seconds, first_reply_business_seconds,"
        " resolution_calendar_seconds, full_resolution_calendar_seconds, count_reopens, last_solved_at"
        " from core.fct_interactions",
    ).set_index("interaction_id")
    assert sorted(contacts.index) == [f"{T}50001", f"{T}50002", f"{T}50003", f"{T}50004"]
    first_reply = {f"{T}50001": 2400.0, f"{T}50002": 3600.0, f"{T}50003": 330.0, f"{T}50004": None}
    assert _values(contacts, "first_reply_calendar_seconds") == first_reply
    assert _values(contacts, "first_reply_business_seconds") == first_reply
    assert _values(contacts, "resolution_calendar_seconds") == {
        f"{T}50001": 7200.0, f"{T}50002": None, f"{T}50003": None, f"{T}50004": 3600.0}
    assert _values(contacts, "full_resolution_calendar_seconds") == {
        f"{T}50001": 7200.0, f"{T}50002": 86400.0, f"{T}50003": None, f"{T}50004": 3600.0}
    assert contacts["count_reopens"].astype(int).to_dict() == {
        f"{T}50001": 0, f"{T}50002": 1, f"{T}50003": 0, f"{T}50004": 0}
    assert contacts.loc[f"{T}50002", "last_solved_at"] == pd.Timestamp("2026-06-03 10:00")
    assert pd.isna(contacts.loc[f"{T}50003", "last_solved_at"])


def test_comments_take_their_ticket_from_the_file_name_and_roles_from_the_users(loaded: str) -> None:
    messages = query_frame(
        loaded, "select message_id, interaction_id, author_role, is_public from core.fct_messages"
    ).set_index("message_id")
    # 3 + 3 + 2 comments; 50004 has no comments file
    assert len(messages) == 8
    assert messages["interaction_id"].value_counts().to_dict() == {f"{T}50001": 3, f"{T}50002": 3, f"{T}50003": 2}
    roles = messages["author_role"].to_dict()
    assert roles["zendesk:comment:70001"] == "customer"
    assert roles["zendesk:comment:70003"] == "agent"  # an admin's public comment is a reply
    assert not bool(messages.loc["zendesk:comment:70002", "is_public"])  # the private note
    assert roles["zendesk:comment:70004"] == "system"  # the description of the agent-created ticket
    assert roles["zendesk:comment:70006"] == "agent"


def test_the_vendor_figures_are_kept_in_core(loaded: str) -> None:
    """Ticket metrics' minutes x 60; nulls are no figure: 50003 has calendar reply 5 min but no business one and
    no resolution; requester wait, agent wait and on-hold time are kept too."""
    figures = query_frame(
        loaded,
        "select interaction_id, figure_name, figure_basis, vendor_value from core.fct_vendor_figures"
        " where source_system = 'zendesk'",
    )
    got = {(r.interaction_id, r.figure_name, r.figure_basis): float(r.vendor_value) for r in figures.itertuples()}
    assert got[(f"{T}50003", "first_reply", "calendar")] == 300.0
    assert (f"{T}50003", "first_reply", "business") not in got
    assert got[(f"{T}50002", "full_resolution", "business")] == 480 * 60
    assert got[(f"{T}50002", "reopens", "none")] == 1.0
    assert got[(f"{T}50001", "requester_wait", "calendar")] == 100 * 60
    assert got[(f"{T}50001", "agent_wait", "calendar")] == 20 * 60
    assert got[(f"{T}50001", "on_hold", "calendar")] == 0.0
    # 4 tickets x (6 durations x 2 bases + reopens + replies) = 56, less the 8 nulls of 50003
    # (business reply 1; first and full resolution x 2 bases = 4; business requester wait, agent wait, on hold 3)
    assert len(got) == 56 - 8
