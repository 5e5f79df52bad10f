"""How the intents of a view were found: contacts per intent basis (and per intent), summed in SQL from the mart the
view reads, under the global filters (the low-confidence exclusion included).

Same rules as dashboard.queries: bound values, identifiers from the constants below checked with
`check_identifier`, results cached with the data version as an argument. dashboard.intent_sources turns the
frames into text.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.filters import Filters
from dashboard.queries import DATA_TTL_SECONDS, Lists, _filter_params, _filter_sql, _query
from etl.warehouse import check_identifier

# view -> (mart, the count of what the view's by-intent figures are about)
SOURCES = {
    "contacts": ("marts.service_daily", "count_interactions"),
    "journeys": ("marts.journey_daily", "count_contacts"),
    "bot_sessions": ("marts.automation_daily", "count_bot_sessions"),
    "escalations": ("marts.service_escalations_daily", "count_escalated"),
    "cost": ("marts.cost_daily", "count_contacts_costed"),
    "experience": ("marts.experience_daily", "count_interactions"),
    "risk": ("marts.account_risk_daily", "count_window_contacts"),
}


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _by_basis(url: str, version: str, view: str, start: dt.date, end: dt.date, lists: Lists,
              by_intent: bool) -> pd.DataFrame:
    mart, count = SOURCES[view]
    intent = "cast(intent as varchar) as intent, " if by_intent else ""
    group = "group by 1, 2 order by 1, 2" if by_intent else "group by 1 order by 1"
    sql = (
        f"select {intent}cast(intent_basis as varchar) as intent_basis,"
        f" cast(sum({check_identifier(count)}) as bigint) as contacts from {check_identifier(mart)}"
        f" where date_day between :start and :end and intent_basis is not null and {_filter_sql()} {group}"
    )
    frame = _query(url, sql, {"start": start, "end": end, **_filter_params(lists)})
    frame["contacts"] = frame["contacts"].fillna(0).astype("int64")
    return frame


def intent_sources(url: str, version: str, view: str, filters: Filters) -> pd.DataFrame:
    """What the view counts per intent basis in the period: intent_basis, contacts (a view of SOURCES)."""
    if view not in SOURCES:
        raise ValueError(f"unknown view {view!r}")
    return _by_basis(url, version, view, filters.start, filters.end, filters.lists, False)


def intent_sources_by_intent(url: str, version: str, view: str, filters: Filters) -> pd.DataFrame:
    """As intent_sources, per intent: intent, intent_basis, contacts."""
    if view not in SOURCES:
        raise ValueError(f"unknown view {view!r}")
    return _by_basis(url, version, view, filters.start, filters.end, filters.lists, True)
