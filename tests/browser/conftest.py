"""Scaffolding of the browser tests: the local mock OpenID Connect provider (tests/browser/oidc_provider.py) with
one test person per role and one without a role, started per module on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.oidc_provider import Client, RunningProvider, TestUser, running_provider

SIGN_IN_CLIENT = Client("cxpulse-dashboard", "test-only-client-secret")
SIGN_IN_USERS = (
    TestUser("exec", "cee@example.com", "Cee Executive", ("cx-executives", "staff")),
    TestUser("manager", "mia@example.com", "Mia Teamlead", ("cx-team-leads",)),
    TestUser("analyst", "ana@example.com", "Ana Lyst", ("cx-analysts",)),
    TestUser("admin", "adam@example.com", "Adam Min", ("cx-admins",)),
    TestUser("nobody", "nora@example.com", "Nora Norole", ("staff",)),
)


@pytest.fixture(scope="module")
def oidc_provider() -> Iterator[RunningProvider]:
    """The mock provider, knowing SIGN_IN_CLIENT and SIGN_IN_USERS, serving until the module's tests are done."""
    with running_provider([SIGN_IN_CLIENT], SIGN_IN_USERS) as provider:
        yield provider
