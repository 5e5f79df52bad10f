"""When the app records audit events (dashboard.audit builds and stores them): once per page visit and filter
change, once per conversation opened, once per refusal, never once per rerun. Streamlit only here: the session's
id and what it last recorded live in st.session_state.
"""

from __future__ import annotations

import uuid

import streamlit as st

from dashboard import audit
from dashboard.context import PageContext

SESSION_KEY = "cxpulse_audit_session_id"
LAST_RECORDED_KEY = "cxpulse_audit_last_recorded"
"""What this session last recorded, by kind: a rerun that would record the same thing records nothing."""
VISIT = "visit"
REDIRECT_PAGES = frozenset({"", "home"})
"""The root URL's hidden default page (its url_path is "") only opens the Executive review: not a visit."""


def session_id() -> str:
    """The browser session's id (random; the same for every rerun of the session)."""
    if SESSION_KEY not in st.session_state:
        st.session_state[SESSION_KEY] = uuid.uuid4().hex
    return str(st.session_state[SESSION_KEY])


def store_url(ctx: PageContext) -> str:
    """The warehouse the audit log is written to: the app's own `warehouse_url`, never a role's read-only login
    ([access.warehouse_urls], which may neither write the log nor read it)."""
    return ctx.settings.warehouse_url


def actor(ctx: PageContext) -> audit.Actor:
    return audit.Actor.of(ctx.viewer, session_id())


def current_page() -> str:
    """The URL path of the page this session is on (the last visit), "" before the first."""
    visit_key = st.session_state.get(LAST_RECORDED_KEY, {}).get(VISIT)
    return str(visit_key[0]) if visit_key else ""


def _last_recorded() -> dict[str, tuple[object, ...]]:
    return st.session_state.setdefault(LAST_RECORDED_KEY, {})


def _once(kind: str, key: tuple[object, ...], ctx: PageContext, event: dict[str, object]) -> None:
    last = _last_recorded()
    if last.get(kind) == key:
        return
    last[kind] = key
    audit.record(store_url(ctx), event)


def visit(ctx: PageContext, page: str) -> None:
    """A page the router is about to run: a page view with its filters, or a denial when the viewer's role may
    not open it (the router's gate refuses it). Another page or changed filters make a new visit, in which
    everything is recorded anew."""
    if page in REDIRECT_PAGES:
        return
    key = (page, audit.filters_json(ctx.filters))
    last = _last_recorded()
    if last.get(VISIT) != key:
        last.clear()
        last[VISIT] = key
    if not ctx.viewer.may_open_page(page):
        denied(ctx, page)
        return
    _once(audit.PAGE_VIEW, key, ctx, audit.page_view_event(actor(ctx), page, ctx.filters))


def conversation_opened(ctx: PageContext, conversation_id: str) -> None:
    """A conversation shown on the current page (its transcript): once until another is opened or the page is
    visited anew."""
    page = current_page()
    _once(audit.CONVERSATION_OPENED, (page, conversation_id), ctx,
          audit.conversation_event(actor(ctx), page, conversation_id))


def denied(ctx: PageContext, page: str, conversation_id: str | None = None) -> None:
    """A page, or a conversation on it, refused to the viewer."""
    _once(audit.DENIED, (page, conversation_id), ctx, audit.denied_event(actor(ctx), page, conversation_id))
