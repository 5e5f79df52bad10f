"""Queries of the empathy-gap signals (marts.signal_*): the months a period touches, flagged members only.

Signals are monthly (sql/marts/signals/): a period of days is shown with the calendar months it overlaps, and
the page says so.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.queries import DATA_TTL_SECONDS, _query


def months_of(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The first days of the first and last calendar months the period touches."""
    return start.replace(day=1), end.replace(day=1)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def handoff_highway(url: str, version: str, start: dt.date, end: dt.date, dimension: str = "intent") -> pd.DataFrame:
    first, last = months_of(start, end)
    return _query(
        url,
        "select period_month, member, count_bot_sessions, count_handoffs, handoff_rate, previous_handoff_rate,"
        " is_above_threshold, is_rising from marts.signal_handoff_highway_monthly"
        " where is_flagged and dimension = :dimension and period_month between :first and :last"
        " order by period_month desc, handoff_rate desc",
        {"dimension": dimension, "first": first, "last": last},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def repetition_loop(url: str, version: str, start: dt.date, end: dt.date, dimension: str = "intent") -> pd.DataFrame:
    first, last = months_of(start, end)
    return _query(
        url,
        "select period_month, member, repeat_contact_rate, previous_repeat_contact_rate, restatement_rate,"
        " previous_restatement_rate, is_repeat_above_threshold, is_repeat_rising, is_restatement_above_threshold,"
        " is_restatement_rising, count_repeat_eligible_contacts"
        " from marts.signal_repetition_loop_monthly"
        " where is_flagged and dimension = :dimension and period_month between :first and :last"
        " order by period_month desc, repeat_contact_rate desc",
        {"dimension": dimension, "first": first, "last": last},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def silent_exodus(url: str, version: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Churned accounts of the period (by churn date) that left in silence, with why and the ARR lost."""
    return _query(
        url,
        "select account_id, account_name, segment, arr_amount, churned_on, silence_kind, count_contacts,"
        " count_bot_only_contacts from marts.signal_silent_exodus_accounts"
        " where is_silent_exodus and churned_on between :start and :end order by arr_amount desc nulls last",
        {"start": start, "end": end},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def churned_accounts_count(url: str, version: str, start: dt.date, end: dt.date) -> int:
    """Churned accounts of the period whose silence can be judged (their churn lies inside the contact history)."""
    frame = _query(url, "select count(*) as accounts from marts.signal_silent_exodus_accounts"
                        " where churned_on between :start and :end and is_observed", {"start": start, "end": end})
    return int(frame.iat[0, 0]) if not frame.empty else 0
