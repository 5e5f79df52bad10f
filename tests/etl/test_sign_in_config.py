"""Whether [auth] is usable for sign-in (etl/sign_in_config.py): each missing key is named; sign-in off ignores
[auth]; the secrets files are merged as Streamlit merges them."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.sign_in_config import auth_problems, provider_names, read_auth_section, sign_in_problem

PROVIDER = {"client_id": "cxpulse", "client_secret": "s3cret", "server_metadata_url":
            "https://login.example.com/.well-known/openid-configuration"}
BASE = {"redirect_uri": "https://cx.example.com/oauth2callback", "cookie_secret": "long-random-string"}


def test_a_complete_default_provider_has_no_problem() -> None:
    assert auth_problems({**BASE, **PROVIDER}) == []
    assert provider_names({**BASE, **PROVIDER}) == ["default"]


def test_named_providers_are_listed_in_order_and_each_is_checked() -> None:
    auth = {**BASE, "okta": dict(PROVIDER), "entra": {"client_id": "x"}}
    assert provider_names(auth) == ["okta", "entra"]
    assert auth_problems(auth) == ["[auth.entra] client_secret is missing",
                                   "[auth.entra] server_metadata_url is missing"]


@pytest.mark.parametrize("missing", ["redirect_uri", "cookie_secret"])
def test_a_missing_auth_key_is_named(missing: str) -> None:
    auth = {key: value for key, value in {**BASE, **PROVIDER}.items() if key != missing}
    assert auth_problems(auth) == [f"[auth] {missing} is missing"]


def test_an_empty_value_counts_as_missing_and_the_redirect_must_be_the_callback() -> None:
    assert auth_problems({**BASE, **PROVIDER, "client_secret": "  "}) == ["[auth] client_secret is missing"]
    assert auth_problems({**BASE, **PROVIDER, "redirect_uri": "https://cx.example.com/"}) == [
        "[auth] redirect_uri must end in /oauth2callback"]


def test_no_provider_and_an_underscore_in_a_name_are_problems() -> None:
    assert auth_problems(dict(BASE)) == [
        "[auth] names no provider (client_id, client_secret, server_metadata_url)"]
    assert auth_problems({**BASE, "my_idp": dict(PROVIDER)}) == [
        "[auth.my_idp]: a provider name may not contain an underscore"]


def test_sign_in_on_without_auth_says_what_to_set_and_sign_in_off_ignores_auth() -> None:
    message = sign_in_problem(True, None)
    assert message is not None
    assert message.startswith("sign-in is on ([access] sign_in = true in cxpulse.toml)")
    assert "there is no [auth] section" in message
    for key in ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"):
        assert key in message
    assert "docs/sign-in.md" in message and "sign_in = false" in message
    assert sign_in_problem(False, None) is None
    assert sign_in_problem(False, {"redirect_uri": "broken"}) is None
    assert sign_in_problem(True, {**BASE, **PROVIDER}) is None


def test_secrets_files_are_merged_later_file_winning(tmp_path: Path) -> None:
    user, app = tmp_path / "user.toml", tmp_path / "app.toml"
    user.write_text('[auth]\nredirect_uri = "http://a/oauth2callback"\ncookie_secret = "one"\n', encoding="utf-8")
    app.write_text('[auth]\ncookie_secret = "two"\n[other]\nx = 1\n', encoding="utf-8")
    assert read_auth_section([user, tmp_path / "absent.toml", app]) == {
        "redirect_uri": "http://a/oauth2callback", "cookie_secret": "two"}
    assert read_auth_section([tmp_path / "absent.toml"]) is None
