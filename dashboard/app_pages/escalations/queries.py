"""Queries of the Escalations page: escalations by week and breakdown, the escalated conversations, and one
conversation (transcript, sentiment per message, handoff, SLA events, the customer's journey).

Everything is read from core models (core.fct_escalations and what it joins to); the global filters apply
through the standard columns (channel, intent, queue_name, team_name, segment) of the `escalations` CTE below.
Breakdown columns come from BREAKDOWN_COLUMNS only; values are bound parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.filters import Filters
from dashboard.queries import DATA_TTL_SECONDS, Lists, _filter_params, _filter_sql, _query
from dashboard.queries_keyset import EXPORT_PAGE_ROWS as EXPORT_PAGE_ROWS  # the export's page, re-exported
from dashboard.queries_keyset import SortKey, keyset_pages
from etl.warehouse import check_identifier

PAGE_ROWS = 50
MESSAGES_LIMIT = 500
JOURNEY_LIMIT = 200
JOURNEY_DAYS = 30
OTHER = "other"
# Breakdown -> column of the escalations CTE.
BREAKDOWN_COLUMNS = {"reason": "reason", "trigger": "primary_trigger", "intent": "intent", "channel": "channel",
                     "queue": "queue_name", "team": "team_name"}

# One row per escalated contact with the filter columns and what the list shows. A bot handoff without an
# escalation event has no reason from the source system: it reads 'bot handoff'.
ESCALATIONS_CTE = """
with escalations as (
    select
        e.interaction_id,
        e.date_day,
        cast(date_trunc('week', cast(e.date_day as timestamp)) as date) as week_start,
        e.created_at,
        i.source_system,
        e.escalation_at,
        e.escalation_kind,
        coalesce(e.channel, '(none)') as channel,
        coalesce(e.intent, '(none)') as intent,
        i.intent_basis,
        coalesce(q.queue_name, e.queue_id, '(none)') as queue_name,
        coalesce(e.team_name, '(none)') as team_name,
        e.segment,
        coalesce(e.escalation_reason,
                 case when e.escalation_kind = 'bot_handoff' then 'bot handoff' else 'unknown' end) as reason,
        e.primary_trigger,
        e.customer_key
    from core.fct_escalations as e
    left join core.fct_interactions as i
        on i.interaction_id = e.interaction_id
    left join core.dim_queues as q
        on q.queue_id = e.queue_id
)
"""

LIST_COLUMNS = """
    escalations.interaction_id,
    escalations.created_at,
    escalations.channel,
    escalations.intent,
    escalations.queue_name,
    escalations.team_name,
    escalations.reason,
    escalations.primary_trigger,
    x.customer_sentiment_start,
    x.customer_sentiment_end,
    b.is_restatement,
    exists (
        select 1 from core.fct_sla_events as s
        where s.interaction_id = escalations.interaction_id and s.status = 'breached'
    ) as is_sla_breached
"""


def _column(breakdown: str) -> str:
    if breakdown not in BREAKDOWN_COLUMNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    return check_identifier(BREAKDOWN_COLUMNS[breakdown])


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _weekly(url: str, version: str, breakdown: str, start: dt.date, end: dt.date, lists: Lists) -> pd.DataFrame:
    column = _column(breakdown)
    sql = (
        f"{ESCALATIONS_CTE} select week_start, cast({column} as varchar) as member,"
        " cast(count(*) as bigint) as count_escalations from escalations"
        f" where date_day between :start and :end and {_filter_sql()}"
        " group by week_start, 2 order by week_start, 2"
    )
    frame = _query(url, sql, {"start": start, "end": end, **_filter_params(lists)})
    frame["week_start"] = pd.to_datetime(frame["week_start"])
    frame["count_escalations"] = frame["count_escalations"].astype("int64")
    return frame


def weekly_escalations(url: str, version: str, breakdown: str, filters: Filters) -> pd.DataFrame:
    """Escalated contacts per week (Monday) and member of the breakdown: week_start, member, count_escalations."""
    return _weekly(url, version, breakdown, filters.start, filters.end, filters.lists)


def _list_where(breakdown: str, drill: tuple[dt.date | None, str | None], top: tuple[str, ...]) -> tuple[str, dict]:
    """The drill condition: a week (or all), a member (or all; OTHER = none of the top members)."""
    column = _column(breakdown)
    week, member = drill
    where = "(:all_weeks or week_start = :drill_week)"
    params: dict[str, Any] = {"all_weeks": week is None, "drill_week": week or dt.date(2000, 1, 3)}
    if member == OTHER:
        where += f" and not (cast({column} as varchar) = any(:top_members))"
        params["top_members"] = list(top) or [""]
    else:
        where += f" and (:all_members or cast({column} as varchar) = :drill_member)"
        params.update({"all_members": member is None, "drill_member": member or ""})
    return where, params


# The list's order: newest first, ties by id (the shown page by offset, the export by keyset on these keys).
LIST_KEYS = (SortKey("created_at", descending=True), SortKey("interaction_id", descending=True))


def _listed_sql(breakdown: str, drill: tuple[dt.date | None, str | None],
                top: tuple[str, ...]) -> tuple[str, dict]:
    """The listed conversations of the filters and the drill, in no order, and the drill's bound values."""
    where, params = _list_where(breakdown, drill, top)
    sql = (
        f"{ESCALATIONS_CTE}, filtered as (select * from escalations"
        f" where date_day between :start and :end and {_filter_sql()} and {where})"
        f" select {LIST_COLUMNS.replace('escalations.', 'filtered.')} from filtered"
        " left join core.fct_contact_experience as x on x.interaction_id = filtered.interaction_id"
        " left join core.fct_bot_sessions as b on b.interaction_id = filtered.interaction_id"
    )
    return sql, params


def _list_sql(breakdown: str, drill: tuple[dt.date | None, str | None], top: tuple[str, ...]) -> tuple[str, dict]:
    """The list's query: one page by offset (the page shown)."""
    listed, params = _listed_sql(breakdown, drill, top)
    order = " order by filtered.created_at desc, filtered.interaction_id desc limit :limit offset :offset"
    return listed + order, params


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _conversations(url: str, version: str, breakdown: str, start: dt.date, end: dt.date, lists: Lists,
                   drill: tuple[dt.date | None, str | None], top: tuple[str, ...], page: int) -> pd.DataFrame:
    sql, params = _list_sql(breakdown, drill, top)
    return _query(url, sql, {"start": start, "end": end, **_filter_params(lists), **params,
                             "limit": PAGE_ROWS, "offset": (page - 1) * PAGE_ROWS})


def escalated_conversations(url: str, version: str, breakdown: str, filters: Filters,
                            drill: tuple[dt.date | None, str | None], top: tuple[str, ...], page: int) -> pd.DataFrame:
    """One page (PAGE_ROWS, 1-based) of escalated conversations, newest first, for the filters and the drill."""
    return _conversations(url, version, breakdown, filters.start, filters.end, filters.lists, drill, top,
                          max(page, 1))


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _summary(url: str, version: str, breakdown: str, start: dt.date, end: dt.date, lists: Lists,
             drill: tuple[dt.date | None, str | None], top: tuple[str, ...]) -> pd.DataFrame:
    listed, params = _listed_sql(breakdown, drill, top)
    return _query(
        url,
        f"select primary_trigger, cast(count(*) as bigint) as count_conversations,"
        " cast(count(case when is_restatement then 1 end) as bigint) as count_restated,"
        " cast(count(case when is_sla_breached then 1 end) as bigint) as count_sla_breached,"
        " avg(customer_sentiment_start) as mean_sentiment_start, avg(customer_sentiment_end) as mean_sentiment_end"
        f" from ({listed}) as listed group by primary_trigger order by 2 desc, 1",
        {"start": start, "end": end, **_filter_params(lists), **params},
    )


def drill_summary(url: str, version: str, breakdown: str, filters: Filters,
                  drill: tuple[dt.date | None, str | None], top: tuple[str, ...]) -> pd.DataFrame:
    """The listed conversations by primary trigger: how many, how many restated, how many breached an SLA, and
    the customer's mean sentiment at the start and the end."""
    return _summary(url, version, breakdown, filters.start, filters.end, filters.lists, drill, top)


def conversation_pages(url: str, breakdown: str, filters: Filters, drill: tuple[dt.date | None, str | None],
                       top: tuple[str, ...], page_rows: int | None = None) -> Iterator[pd.DataFrame]:
    """Every escalated conversation of the filters and drill, in the list's order, `page_rows` at a time: keyset
    pagination on (created_at, interaction_id) (dashboard.queries_keyset), so each page is one indexed read and
    only one page is in memory (not cached: an export is a fresh pass over the warehouse)."""
    listed, params = _listed_sql(breakdown, drill, top)
    return keyset_pages(url, listed, {"start": filters.start, "end": filters.end, **_filter_params(filters.lists),
                                      **params}, LIST_KEYS, page_rows)


_JOURNEY = ("select interaction_id, created_at, channel, intent, status, is_escalated, service_path"
            " from core.fct_interactions where customer_key = :customer_key and created_at between :first and :last")
# oldest first, ties by id
JOURNEY_KEYS = (SortKey("created_at"), SortKey("interaction_id"))


def journey_pages(url: str, customer_key: str, around: dt.datetime,
                  page_rows: int | None = None) -> Iterator[pd.DataFrame]:
    """All the customer's contacts JOURNEY_DAYS either side of `around` (the table shows JOURNEY_LIMIT), in
    pages by keyset on (created_at, interaction_id), for the export."""
    return keyset_pages(url, _JOURNEY, {"customer_key": customer_key,
                                        "first": around - dt.timedelta(days=JOURNEY_DAYS),
                                        "last": around + dt.timedelta(days=JOURNEY_DAYS)}, JOURNEY_KEYS, page_rows)


# ---------------------------------------------------------------- one conversation


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def conversation(url: str, version: str, interaction_id: str) -> pd.DataFrame:
    """The escalation (one row, or none when the contact was not escalated): what and when, handoff and
    restatement."""
    return _query(
        url,
        f"{ESCALATIONS_CTE} select escalations.interaction_id, escalations.created_at, escalations.escalation_at,"
        " escalations.escalation_kind, escalations.channel, escalations.intent, escalations.queue_name,"
        " escalations.team_name, escalations.reason, escalations.primary_trigger, escalations.customer_key,"
        " b.handed_off_at, b.is_restatement, b.is_restatement_comparable, b.restatement_similarity"
        " from escalations"
        " left join core.fct_bot_sessions as b on b.interaction_id = escalations.interaction_id"
        " where escalations.interaction_id = :interaction_id",
        {"interaction_id": interaction_id},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def transcript(url: str, version: str, interaction_id: str) -> pd.DataFrame:
    """The messages in order (at most MESSAGES_LIMIT), with each message's sentiment (core.fct_message_sentiment)."""
    return _query(
        url,
        "select m.message_seq, m.sent_at, m.author_role, m.message_text, s.compound, s.sentiment_label"
        " from core.fct_messages as m"
        " left join core.fct_message_sentiment as s on s.message_id = m.message_id"
        " where m.interaction_id = :interaction_id"
        " order by m.message_seq limit :limit",
        {"interaction_id": interaction_id, "limit": MESSAGES_LIMIT},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def sla_events(url: str, version: str, interaction_id: str) -> pd.DataFrame:
    return _query(
        url,
        "select sla_metric, sla_event_seq, policy_name, is_business_time, target_seconds, elapsed_seconds, status,"
        " applied_at, breach_at, fulfilled_at from core.fct_sla_events where interaction_id = :interaction_id"
        " order by applied_at, sla_metric, sla_event_seq",
        {"interaction_id": interaction_id},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def journey(url: str, version: str, customer_key: str, around: dt.datetime) -> pd.DataFrame:
    """The customer's contacts from JOURNEY_DAYS before to JOURNEY_DAYS after `around` (at most JOURNEY_LIMIT)."""
    return _query(
        url,
        "select interaction_id, created_at, channel, intent, status, is_escalated, service_path"
        " from core.fct_interactions where customer_key = :customer_key"
        " and created_at between :first and :last order by created_at, interaction_id limit :limit",
        {"customer_key": customer_key, "first": around - dt.timedelta(days=JOURNEY_DAYS),
         "last": around + dt.timedelta(days=JOURNEY_DAYS), "limit": JOURNEY_LIMIT},
    )
