"""What each role may do inside the pages, signed in (AppTest's st.user), on the two-team warehouse
(tests/dashboard/conftest.py, build_two_teams: Billing 6 contacts, Support 1; I5 escalated in Billing, I6 in Support).
"""

from __future__ import annotations

import csv as csv_module
import io
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.formatting import escape_markdown
from dashboard.widgets.access_notices import (
    AGGREGATES_ONLY,
    NO_DATA_IN_SCOPE,
    NOT_AVAILABLE_FOR_SCOPE,
    NOT_FOUND_OR_OUT_OF_SCOPE,
    ROW_EXPORTS_WITHHELD,
)
from tests.dashboard.conftest import signed_in_app

ACCESS = """
[access]
sign_in = true
[access.claim_roles]
"cx-exec" = "exec"
"cx-leads" = "manager"
"cx-analysts" = "analyst"
"cx-admins" = "admin"
[access.scopes.exec]
all = true
[access.scopes.manager]
teams = ["Billing"]
[access.scopes.analyst]
all = true
"""
# no [access.scopes.admin]: an admin here is granted no rows (deny by default)
EXEC = {"is_logged_in": True, "email": "cee@example.com", "groups": ["cx-exec"]}
MANAGER = {"is_logged_in": True, "email": "mia@example.com", "groups": ["cx-leads"]}
ANALYST = {"is_logged_in": True, "email": "ann@example.com", "groups": ["cx-analysts"]}
UNSCOPED_ADMIN = {"is_logged_in": True, "email": "adam@example.com", "groups": ["cx-admins"]}


def _app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, user: dict[str, Any],
         params: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    at = signed_in_app(monkeypatch, tmp_path, ACCESS, url, user, params, page)
    assert not at.exception
    return at


def _texts(at: AppTest, *kinds: str) -> str:
    return " ".join(str(element.value) for kind in kinds for element in at.get(kind))


def _interactions_now(at: AppTest) -> str:
    """The scorecard's Interactions figure (marked "(thin)" on a sample this small)."""
    scorecard = next(t.value for t in at.dataframe if "Measure" in t.value.columns)
    return str(scorecard.set_index("Measure").loc["Interactions (thin)", "Now"])


def test_a_team_manager_sees_the_teams_own_figures_and_cannot_widen_them(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, two_teams_duckdb_url: str) -> None:
    at = _app(monkeypatch, tmp_path, two_teams_duckdb_url, MANAGER)
    assert "Executive review" in _texts(at, "title")
    assert _interactions_now(at) == "6"  # Billing: I1-I5, I7
    assert list(at.multiselect(key="filter_team").options) == ["Billing"]
    # a link asking for Support cannot widen the scope: the value is not offered, the figures stay Billing's
    widened = _app(monkeypatch, tmp_path, two_teams_duckdb_url, MANAGER, {"team": "Support"})
    assert _interactions_now(widened) == "6"
    assert widened.multiselect(key="filter_team").value == []


def test_an_analyst_with_every_row_sees_both_teams(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    two_teams_duckdb_url: str) -> None:
    at = _app(monkeypatch, tmp_path, two_teams_duckdb_url, ANALYST)
    assert _interactions_now(at) == "7"


def test_a_scope_granting_nothing_shows_no_figures(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  two_teams_duckdb_url: str) -> None:
    at = _app(monkeypatch, tmp_path, two_teams_duckdb_url, UNSCOPED_ADMIN)
    assert escape_markdown(NO_DATA_IN_SCOPE) in _texts(at, "warning")  # warnings are Markdown, escaped
    assert not at.dataframe and not at.metric  # no figures at all, not zeros


def test_an_exec_sees_no_conversation_even_by_link(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                   two_teams_duckdb_url: str) -> None:
    at = _app(monkeypatch, tmp_path, two_teams_duckdb_url, EXEC, {"conversation": "I5"}, page="escalations")
    assert AGGREGATES_ONLY in _texts(at, "info")
    assert "Transcript of the chosen conversation" not in _texts(at, "subheader")
    assert not at.chat_message
    assert "Escalations per week" in _texts(at, "subheader")  # the aggregates stay


def test_an_out_of_scope_conversation_reads_like_an_unknown_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                               two_teams_duckdb_url: str) -> None:
    support = _app(monkeypatch, tmp_path, two_teams_duckdb_url, MANAGER, {"conversation": "I6"}, page="escalations")
    assert NOT_FOUND_OR_OUT_OF_SCOPE in _texts(support, "info")
    assert not support.chat_message
    assert "Support" not in _texts(support, "text", "markdown", "caption")
    unknown = _app(monkeypatch, tmp_path, two_teams_duckdb_url, MANAGER, {"conversation": "nope"}, page="escalations")
    assert NOT_FOUND_OR_OUT_OF_SCOPE in _texts(unknown, "info")
    billing = _app(monkeypatch, tmp_path, two_teams_duckdb_url, MANAGER, {"conversation": "I5"}, page="escalations")
    assert NOT_FOUND_OR_OUT_OF_SCOPE not in _texts(billing, "info")
    assert len(billing.chat_message) == 4  # I5's four messages


def test_row_exports_for_the_analyst_not_for_the_manager(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                         two_teams_duckdb_url: str,
                                                         offered_downloads: dict[str, Any]) -> None:
    manager = _app(monkeypatch, tmp_path, two_teams_duckdb_url, MANAGER, page="overview")
    assert not [name for name in offered_downloads if "conversations" in name.lower()]
    assert ROW_EXPORTS_WITHHELD in _texts(manager, "caption")
    _app(monkeypatch, tmp_path, two_teams_duckdb_url, ANALYST, page="overview")
    csv = next(d for name, d in offered_downloads.items() if "conversations" in name.lower() and name.endswith(".csv"))
    text = csv.make().decode("utf-8-sig")
    rows = list(csv_module.DictReader(io.StringIO(text)))
    assert sorted(row["Interaction"] for row in rows) == ["I1", "I2", "I3", "I4", "I5", "I6", "I7"]
    for clear in ("Ada Lovelace", "ada@acme.example", "+14155550101", "bob@tiny.example"):
        assert clear.lower() not in text.lower()


def test_whole_organisation_pages_say_so_to_a_restricted_viewer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                               two_teams_duckdb_url: str) -> None:
    at = _app(monkeypatch, tmp_path, two_teams_duckdb_url, MANAGER, page="capacity")
    assert NOT_AVAILABLE_FOR_SCOPE in _texts(at, "info")
