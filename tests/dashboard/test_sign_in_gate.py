"""With sign-in on, nobody sees a page or a figure before signing in, and a person without a role sees none."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import APP

ACCESS = """
[access]
sign_in = true
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
    return AppTest.from_file(str(APP), default_timeout=60)


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
