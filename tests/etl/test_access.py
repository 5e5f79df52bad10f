"""Roles, scopes and the viewer a sign-in resolves to (etl/access.py): deny by default."""

from __future__ import annotations

import pytest

from etl.access import (
    ADMIN,
    ANALYST,
    EXEC,
    MANAGER,
    NO_ROWS,
    AccessConfigError,
    Scope,
    parse_access,
    resolve_viewer,
)

CONFIG = {
    "sign_in": True,
    "role_claim": "groups",
    "claim_roles": {"cx-exec": EXEC, "cx-leads": MANAGER, "cx-analysts": ANALYST, "cx-admins": ADMIN},
    "scopes": {"exec": {"all": True}, "manager": {"teams": ["Billing"]}, "admin": {"all": True}},
    "users": {"Ann@Example.com": {"role": "manager", "queues": ["Refunds"]}},
}


def test_claim_maps_to_role_and_role_scope() -> None:
    viewer = resolve_viewer({"email": "bo@example.com", "groups": ["cx-leads", "staff"]}, parse_access(CONFIG))
    assert viewer is not None
    assert (viewer.role, viewer.scope, viewer.signed_in) == (MANAGER, Scope(teams=("Billing",)), True)
    assert viewer.capabilities.conversations and not viewer.capabilities.row_exports


def test_unknown_claims_are_denied() -> None:
    assert resolve_viewer({"email": "eve@example.com", "groups": ["staff"]}, parse_access(CONFIG)) is None
    assert resolve_viewer({"groups": ["cx-exec"]}, parse_access(CONFIG)) is None  # nobody named


def test_role_without_scope_sees_no_rows() -> None:
    viewer = resolve_viewer({"email": "al@example.com", "groups": "cx-analysts"}, parse_access(CONFIG))
    assert viewer is not None and viewer.role == ANALYST
    assert viewer.scope == NO_ROWS and not viewer.scope.grants_anything


def test_user_entry_overrides_claims_case_insensitively() -> None:
    viewer = resolve_viewer({"email": "ann@example.com", "groups": ["cx-exec"]}, parse_access(CONFIG))
    assert viewer is not None
    assert viewer.role == MANAGER and viewer.scope.allowed("queues") == ("Refunds",)
    assert viewer.scope.allowed("teams") is None


def test_most_privileged_role_wins_and_admin_pages() -> None:
    viewer = resolve_viewer({"email": "x@example.com", "groups": ["cx-exec", "cx-admins"]}, parse_access(CONFIG))
    assert viewer is not None and viewer.role == ADMIN and viewer.may_open_page("audit-log")
    exec_viewer = resolve_viewer({"email": "y@example.com", "groups": ["cx-exec"]}, parse_access(CONFIG))
    assert exec_viewer is not None and not exec_viewer.may_open_page("audit-log")
    assert exec_viewer.may_open_page("executive") and not exec_viewer.capabilities.conversations
    assert not viewer.may_read_clear_text  # admin_sees_clear_text is off by default


@pytest.mark.parametrize("bad", [
    {"claim_roles": {"x": "boss"}},
    {"scopes": {"manager": {"all": True, "teams": ["A"]}}},
    {"scopes": {"manager": {"teams": "A"}}},
    {"sign_in": "yes"},
    {"colour": "red"},
])
def test_malformed_access_is_refused(bad: dict) -> None:
    with pytest.raises(AccessConfigError):
        parse_access(bad)
