"""The viewer's scope reaches SQL on DuckDB and PostgreSQL: figures, filter options, single conversations, cached
results (never served to a narrower scope) and deny by default.

The two-team warehouse (tests/dashboard/conftest.py, build_two_teams) is canonical_small: Billing has I1, I2, I3,
I4 (voice, queue "Billing voice"), I5 and I7 (chat, "Billing chat") = 6 contacts; Support has I6 (e-mail,
"Support e-mail") = 1; the fax I8 is quarantined. I5 (Billing) and I6 (Support) are escalated. I5 has 4 messages,
I6 has 3.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import queries, queries_conversations
from dashboard.app_pages.escalations import queries as eq
from dashboard.data_access import mask_rows, masked_pages, scope_params, scope_predicate
from dashboard.filters import Filters
from etl.access import ALL_ROWS, ANALYST, NO_ROWS, Scope, Viewer

MAY = dict(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))
BILLING = Scope(teams=("Billing",))
SUPPORT = Scope(teams=("Support",))


def _contacts(url: str, scope: Scope, version: str) -> float | None:
    figures = queries.period_figures(url, version, ["interactions"], Filters(**MAY, scope=scope))
    current = figures[(figures["metric"] == "interactions") & (figures["period"] == queries.CURRENT)]
    return float(current["value"].iloc[0]) if len(current) else None


def test_a_manager_of_one_team_sees_that_teams_figures(two_teams_url: str) -> None:
    version = f"figures-{two_teams_url}"
    assert _contacts(two_teams_url, BILLING, version) == 6
    assert _contacts(two_teams_url, SUPPORT, version) == 1
    assert _contacts(two_teams_url, ALL_ROWS, version) == 7
    # a queue scope: "Billing voice" holds I1-I4
    assert _contacts(two_teams_url, Scope(queues=("Billing voice",)), version) == 4
    # a brand is the source system a contact came from: every contact here came from "canonical"
    assert _contacts(two_teams_url, Scope(brands=("canonical",)), version) == 7
    assert _contacts(two_teams_url, Scope(brands=("zendesk",)), version) is None


def test_a_scope_granting_nothing_reads_no_rows(two_teams_url: str) -> None:
    version = f"nothing-{two_teams_url}"
    assert _contacts(two_teams_url, NO_ROWS, version) is None
    assert _contacts(two_teams_url, Scope(teams=()), version) is None
    # Filters made without a scope carry NO_ROWS: deny by default
    assert Filters(**MAY).scope == NO_ROWS


def test_a_cached_result_is_never_served_to_a_narrower_scope(two_teams_url: str) -> None:
    version = f"cache-{two_teams_url}"  # one version for all three calls: only the scope differs
    assert _contacts(two_teams_url, ALL_ROWS, version) == 7
    assert _contacts(two_teams_url, BILLING, version) == 6
    assert _contacts(two_teams_url, NO_ROWS, version) is None
    assert _contacts(two_teams_url, ALL_ROWS, version) == 7


def test_filter_options_are_those_of_the_scope(two_teams_url: str) -> None:
    version = f"options-{two_teams_url}"
    billing = queries.filter_options(two_teams_url, version, BILLING)
    assert billing.teams == ("Billing",)
    assert billing.queues == ("Billing chat", "Billing voice")
    assert billing.channels == ("chat", "voice")
    everything = queries.filter_options(two_teams_url, version, ALL_ROWS)
    assert everything.teams == ("Billing", "Support")
    assert queries.filter_options(two_teams_url, version, NO_ROWS).teams == ()


def test_one_conversation_is_read_only_in_scope(two_teams_url: str) -> None:
    version = f"conversation-{two_teams_url}"
    assert len(eq.conversation(two_teams_url, version, "I6", SUPPORT)) == 1
    assert eq.conversation(two_teams_url, version, "I6", BILLING).empty
    assert len(eq.transcript(two_teams_url, version, "I5", BILLING)) == 4
    assert eq.transcript(two_teams_url, version, "I6", BILLING).empty
    assert len(eq.transcript(two_teams_url, version, "I6", SUPPORT)) == 3
    assert eq.transcript(two_teams_url, version, "I6", NO_ROWS).empty


def test_the_conversation_export_holds_the_scopes_rows_only(two_teams_url: str) -> None:
    pages = list(queries_conversations.conversation_pages(two_teams_url, Filters(**MAY, scope=BILLING)))
    ids = sorted(i for page in pages for i in page["interaction_id"])
    assert ids == ["I1", "I2", "I3", "I4", "I5", "I7"]
    nothing = queries_conversations.conversation_pages(two_teams_url, Filters(**MAY, scope=NO_ROWS))
    assert sum(len(page) for page in nothing) == 0


def test_the_scope_predicate_binds_values_never_splices_them() -> None:
    hostile = Scope(teams=("Billing' or '1'='1",))
    assert "Billing" not in scope_predicate()
    assert scope_params(hostile)["scope_teams"] == ["Billing' or '1'='1"]
    assert scope_params(NO_ROWS)["scope_grants"] is False
    # a table without a restricted dimension's column keeps no row for that viewer
    assert scope_predicate({}) == ("(:scope_grants and :scope_all_teams and :scope_all_queues and :scope_all_segments"
                                   " and :scope_all_brands)")


def test_row_level_output_is_masked_unless_clear_text_is_allowed() -> None:
    rows = pd.DataFrame({"full_name": ["Ada Lovelace"], "email": ["ada@acme.example"], "phone": ["+14155550101"],
                         "message_text": ["write to ada@acme.example"], "channel": ["chat"]})
    analyst = Viewer(identity="ann@example.com", role=ANALYST, scope=ALL_ROWS, signed_in=True)
    masked = mask_rows(rows, analyst, text_columns=("message_text",))
    assert masked.iloc[0].to_dict() == {"full_name": "[NAME]", "email": "[EMAIL]", "phone": "[PHONE]",
                                        "message_text": "write to [EMAIL]", "channel": "chat"}
    # exports go through the same function, page by page
    assert next(iter(masked_pages([rows], analyst)))["email"].tolist() == ["[EMAIL]"]
    admin = Viewer(identity="root@example.com", role="admin", scope=ALL_ROWS, signed_in=True,
                   admin_sees_clear_text=True)
    assert mask_rows(rows, admin).equals(rows)
