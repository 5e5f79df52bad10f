"""Who is using the app: Streamlit's OpenID Connect sign-in (`st.login`, `st.user`) resolved to a Viewer.

Sign-in off ([access] sign_in = false, the default for `make demo`): the local user of an app served on
127.0.0.1 only, in open mode; [auth] is ignored. Sign-in on: the person's ID-token claims, mapped by
etl.access.resolve_viewer; None until they sign in, and None (deny) when no role applies. The [auth] section of
.streamlit/secrets.toml is checked first (etl.sign_in_config), so a missing key is a message, not a traceback.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.formatting import escape_markdown
from etl.access import AccessSettings, Viewer, open_mode_viewer, resolve_viewer
from etl.sign_in_config import DEFAULT_PROVIDER, provider_names, sign_in_problem


def is_signed_in() -> bool:
    return bool(st.user.is_logged_in)


def current_viewer(access: AccessSettings) -> Viewer | None:
    """The viewer of this session, or None (not signed in, or signed in without a role)."""
    if not access.sign_in:
        return open_mode_viewer(access)
    if not is_signed_in():
        return None
    return resolve_viewer(st.user.to_dict(), access)


def auth_section() -> dict[str, Any] | None:
    """The [auth] section of the secrets Streamlit loaded, or None when there is none."""
    if not st.secrets.load_if_toml_exists():
        return None
    auth = st.secrets.get("auth")
    return auth.to_dict() if auth is not None else None


def configuration_problem(access: AccessSettings) -> str | None:
    """Why sign-in cannot work as configured (naming what to set), or None."""
    return sign_in_problem(access.sign_in, auth_section() if access.sign_in else None)


def sign_in_buttons(auth: dict[str, Any]) -> None:
    """One button per provider of [auth]: "Sign in" for the default one, "Sign in with <name>" for a named one."""
    for name in provider_names(auth):
        if name == DEFAULT_PROVIDER:
            st.button("Sign in", on_click=st.login, type="primary", key="sign_in_default")
        else:
            st.button(f"Sign in with {escape_markdown(name)}", on_click=st.login, args=(name,), type="primary",
                      key=f"sign_in_{name}")
