"""Who is using the app: Streamlit's OpenID Connect sign-in (`st.login`, `st.user`) resolved to a Viewer.

Sign-in off ([access] sign_in = false, the default for `make demo`): the local user of an app served on
127.0.0.1 only, in open mode. Sign-in on: the person's ID-token claims, mapped by etl.access.resolve_viewer;
None until they sign in, and None (deny) when no role applies.
"""

from __future__ import annotations

import streamlit as st

from etl.access import AccessSettings, Viewer, open_mode_viewer, resolve_viewer


def is_signed_in() -> bool:
    return bool(st.user.is_logged_in)


def current_viewer(access: AccessSettings) -> Viewer | None:
    """The viewer of this session, or None (not signed in, or signed in without a role)."""
    if not access.sign_in:
        return open_mode_viewer(access)
    if not is_signed_in():
        return None
    return resolve_viewer(st.user.to_dict(), access)
