"""With sign-in on, nobody sees a page or a figure before signing in, and a person without a role sees none; a
signed-in person sees who they are signed in as; sign-in on without a usable [auth] section is a message naming
what to set, and sign-in off ignores [auth]."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import APP, AUTH

ACCESS = """
[access]
sign_in = true
role_claim = "groups"
[access.claim_roles]
"cx-exec" = "exec"
[access.scopes.exec]
all = true
"""

@pytest.fixture
def signed_in_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_warehouse_url: str) -> AppTest:
    config = tmp_path / "cxpulse.toml"
    config.write_text(ACCESS, encoding="utf-8")
    monkeypatch.setenv("CXPULSE_CONFIG", str(config))
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", small_warehouse_url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = dict(AUTH)
    return at


def _texts(at: AppTest) -> str:
    return " ".join([e.value for e in at.text] + [e.value for e in at.title] + [e.value for e in at.error])


def test_signed_out_sees_only_the_sign_in_button(signed_in_app: AppTest) -> None:
    signed_in_app.user = {"is_logged_in": False}
    signed_in_app.run()
    assert not signed_in_app.exception
    assert [b.label for b in signed_in_app.button] == ["Sign in"]
    assert not signed_in_app.metric and not signed_in_app.dataframe and not signed_in_app.sidebar.multiselect


def test_a_person_without_a_role_is_denied(signed_in_app: AppTest) -> None:
    signed_in_app.user = {"is_logged_in": True, "email": "eve@example.com", "groups": ["staff"]}
    signed_in_app.run()
    assert not signed_in_app.exception
    assert "no role of this app is granted" in _texts(signed_in_app)
    assert not signed_in_app.metric and not signed_in_app.sidebar.multiselect


def test_an_exec_sees_the_executive_review(signed_in_app: AppTest) -> None:
    signed_in_app.user = {"is_logged_in": True, "email": "cee@example.com", "groups": ["cx-exec"]}
    signed_in_app.run()
    assert not signed_in_app.exception
    assert "Executive review" in _texts(signed_in_app)
    assert signed_in_app.sidebar.multiselect  # the filters


def test_the_sidebar_names_the_signed_in_person_and_role_and_offers_sign_out(signed_in_app: AppTest) -> None:
    signed_in_app.user = {"is_logged_in": True, "email": "cee@example.com", "groups": ["cx-exec"]}
    signed_in_app.run()
    assert not signed_in_app.exception
    assert "Signed in as cee@example.com · exec" in [e.value for e in signed_in_app.sidebar.text]
    assert "Sign out" in [b.label for b in signed_in_app.sidebar.button]
    assert not any(e.value.startswith("Open mode") for e in signed_in_app.sidebar.text)


def test_named_providers_get_one_button_each(signed_in_app: AppTest) -> None:
    signed_in_app.secrets["auth"] = {
        "redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
        "okta": {key: AUTH[key] for key in ("client_id", "client_secret", "server_metadata_url")},
        "entra": {key: AUTH[key] for key in ("client_id", "client_secret", "server_metadata_url")},
    }
    signed_in_app.user = {"is_logged_in": False}
    signed_in_app.run()
    assert not signed_in_app.exception
    assert [b.label for b in signed_in_app.button] == ["Sign in with okta", "Sign in with entra"]


@pytest.mark.parametrize("missing", ["client_secret", "cookie_secret"])
def test_sign_in_on_without_a_usable_auth_section_names_what_to_set(signed_in_app: AppTest, missing: str) -> None:
    signed_in_app.secrets["auth"] = {key: value for key, value in AUTH.items() if key != missing}
    signed_in_app.user = {"is_logged_in": False}
    signed_in_app.run()
    assert not signed_in_app.exception
    [error] = signed_in_app.error
    assert f"{missing} is missing" in error.value.replace("\\", "")
    assert "docs/sign-in.md" in error.value.replace("\\", "")
    assert not signed_in_app.button and not signed_in_app.metric and not signed_in_app.sidebar.multiselect


def test_sign_in_off_ignores_an_incomplete_auth_section(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_warehouse_url: str) -> None:
    config = tmp_path / "cxpulse.toml"
    config.write_text("[access]\nsign_in = false\n", encoding="utf-8")
    monkeypatch.setenv("CXPULSE_CONFIG", str(config))
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", small_warehouse_url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "not a callback"}
    at.run()
    assert not at.exception and not at.error
    assert "Executive review" in _texts(at)
    assert any(e.value.startswith("Open mode: no sign-in.") for e in at.sidebar.text)
