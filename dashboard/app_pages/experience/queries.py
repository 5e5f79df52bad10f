"""Queries of the Experience page that the catalog's re-aggregation does not cover: the customers' end tone
in buckets, recovery from a negative start per agent, and the stored effort model.

They read core tables (core.fct_contact_experience with the contact's dimensions from core.fct_interactions
and core.dim_queues, core.dim_agents, core.enr_effort_model), count in the database and return small frames;
lists of agents are limited (top and bottom ten) or paged (AGENTS_PER_PAGE). The global filters apply through
queries._filter_sql() on the contact's channel, intent, queue name, team and segment. Values are bound
parameters; identifiers are constants of this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import streamlit as st

from dashboard.filters import Filters
from dashboard.queries import DATA_TTL_SECONDS, Lists, _filter_params, _filter_sql, _query
from dashboard.queries_keyset import SortKey, keyset_pages, offset_page_sql
from etl.enrich.effort import EFFORT_MODEL_VERSION
from etl.enrich.sentiment import NEGATIVE_BELOW, POSITIVE_ABOVE

AGENTS_PER_PAGE = 50
RANKED_AGENTS = 10
TONES = ("negative", "neutral", "positive")

# One row per contact with the dimensions the global filters use and its experience columns.
_CONTACTS = (
    "(select interactions.interaction_id, interactions.date_day, interactions.source_system, interactions.channel,"
    " interactions.intent, interactions.intent_basis,"
    " coalesce(queues.queue_name, interactions.queue_id) as queue_name, interactions.team_name,"
    " interactions.segment, interactions.agent_id, experience.customer_sentiment_end,"
    " experience.is_started_negative, experience.is_recovered"
    " from core.fct_interactions as interactions"
    " inner join core.fct_contact_experience as experience"
    " on experience.interaction_id = interactions.interaction_id"
    " left join core.dim_queues as queues on queues.queue_id = interactions.queue_id) as contacts"
)
_TONE = (
    "case when customer_sentiment_end < :negative_below then 'negative'"
    " when customer_sentiment_end > :positive_above then 'positive' else 'neutral' end"
)
_WEEK = "cast(date_trunc('week', cast(date_day as timestamp)) as date)"


def _params(start: dt.date, end: dt.date, lists: Lists, tones: bool = False) -> dict[str, object]:
    """The dates, the list filters and, for _TONE, the tone thresholds (DuckDB refuses unused parameters)."""
    thresholds = {"negative_below": NEGATIVE_BELOW, "positive_above": POSITIVE_ABOVE} if tones else {}
    return {"start": start, "end": end, **thresholds, **_filter_params(lists)}


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _end_tone_by_week(url: str, version: str, start: dt.date, end: dt.date, lists: Lists) -> pd.DataFrame:
    sql = (
        f"select {_WEEK} as week_start, {_TONE} as tone, count(*) as contacts from {_CONTACTS}"
        f" where customer_sentiment_end is not null and date_day between :start and :end and {_filter_sql()}"
        " group by 1, 2 order by 1, 2"
    )
    frame = _query(url, sql, _params(start, end, lists, tones=True))
    frame["week_start"] = pd.to_datetime(frame["week_start"])
    frame["contacts"] = frame["contacts"].astype("int64")
    return frame


def end_tone_by_week(url: str, version: str, filters: Filters) -> pd.DataFrame:
    """Contacts with a scored customer message, per week (Monday) and the tone of the customer's last message:
    negative (compound below -0.05), positive (above +0.05), else neutral (VADER's thresholds, as the
    pipeline's). Columns week_start, tone, contacts."""
    return _end_tone_by_week(url, version, filters.start, filters.end, filters.lists)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _end_tone_counts(url: str, version: str, start: dt.date, end: dt.date, lists: Lists) -> pd.DataFrame:
    sql = (
        f"select {_TONE} as tone, count(*) as contacts from {_CONTACTS}"
        f" where customer_sentiment_end is not null and date_day between :start and :end and {_filter_sql()}"
        " group by 1 order by 1"
    )
    frame = _query(url, sql, _params(start, end, lists, tones=True))
    frame["contacts"] = frame["contacts"].astype("int64")
    return frame


def end_tone_counts(url: str, version: str, filters: Filters) -> pd.DataFrame:
    """Contacts with a scored customer message per tone of the customer's last message (see end_tone_by_week).
    Columns tone, contacts; a tone without contacts is absent."""
    return _end_tone_counts(url, version, filters.start, filters.end, filters.lists)


def _per_agent(extra: str = "") -> str:
    """Per human agent: contacts, negative starts and recoveries under the filters (and `extra`)."""
    return (
        "select filtered.agent_id, max(coalesce(agents.agent_name, filtered.agent_id)) as agent_name,"
        " max(filtered.team_name) as team_name, count(*) as count_contacts,"
        " count(case when filtered.is_started_negative then 1 end) as count_negative_start,"
        " count(case when filtered.is_recovered then 1 end) as count_recovered"
        f" from (select * from {_CONTACTS} where agent_id is not null and date_day between :start and :end"
        f" and {_filter_sql()}{extra}) as filtered"
        " left join core.dim_agents as agents on agents.agent_id = filtered.agent_id"
        " where coalesce(agents.is_bot, false) = false"
        " group by filtered.agent_id"
    )


def _agent_columns(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("count_contacts", "count_negative_start", "count_recovered"):
        frame[column] = frame[column].astype("int64")
    return frame


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _agent_ranking(url: str, version: str, start: dt.date, end: dt.date, lists: Lists, min_cases: int,
                   top: int) -> pd.DataFrame:
    sql = (
        f"with per_agent as ({_per_agent()}),"
        " counted as (select per_agent.*, count_negative_start >= :min_cases as is_ranked,"
        " sum(case when count_negative_start >= :min_cases then 1 else 0 end) over () as agents_ranked,"
        " sum(case when count_negative_start between 1 and :min_cases - 1 then 1 else 0 end) over ()"
        " as agents_thin from per_agent),"
        " ranked as (select counted.*,"
        " row_number() over (order by cast(count_recovered as double precision) / count_negative_start desc,"
        " count_negative_start desc, agent_id) as rank_best,"
        " row_number() over (order by cast(count_recovered as double precision) / count_negative_start asc,"
        " count_negative_start desc, agent_id) as rank_worst"
        " from counted where is_ranked)"
        " select agent_id, agent_name, team_name, count_contacts, count_negative_start, count_recovered,"
        " rank_best, rank_worst, agents_ranked, agents_thin from ranked"
        " where rank_best <= :top or rank_worst <= :top"
        " union all"
        " select null, null, null, 0, 0, 0, null, null, coalesce(max(agents_ranked), 0),"
        " coalesce(max(agents_thin), 0) from counted having not exists (select 1 from ranked)"
        " order by rank_best"
    )
    frame = _query(url, sql, {**_params(start, end, lists), "min_cases": min_cases, "top": top})
    return _agent_columns(frame)


def agent_ranking(url: str, version: str, filters: Filters, min_cases: int, top: int = RANKED_AGENTS) -> pd.DataFrame:
    """Human agents ranked by recovery from a negative start, among those with at least `min_cases` contacts
    that started negative: the `top` best and the `top` worst (an agent can be both when few are ranked).

    Columns agent_id, agent_name, team_name (the team of their contacts), count_contacts (with a scored
    customer message or not), count_negative_start, count_recovered, rank_best, rank_worst, agents_ranked
    and agents_thin (agents with 1 to min_cases - 1 negative starts, left out). When no agent is ranked, one
    row with agent_id null carries the two counts."""
    return _agent_ranking(url, version, filters.start, filters.end, filters.lists, min_cases, top)


# most contacts first, ties by agent id
TEAM_AGENT_KEYS = (SortKey("count_contacts", descending=True), SortKey("agent_id"))


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _team_agents(url: str, version: str, start: dt.date, end: dt.date, lists: Lists, team: str,
                 page: int) -> pd.DataFrame:
    sql = offset_page_sql(_per_agent(" and team_name = :team"), TEAM_AGENT_KEYS, total_column="agents_total")
    params = {**_params(start, end, lists), "team": team, "limit": AGENTS_PER_PAGE, "offset": page * AGENTS_PER_PAGE}
    return _agent_columns(_query(url, sql, params))


def team_agent_pages(url: str, filters: Filters, team: str) -> Iterator[pd.DataFrame]:
    """Every agent of team_agents (all its pages, in its order), read page by page by keyset for the export."""
    pages = keyset_pages(url, _per_agent(" and team_name = :team"),
                         {**_params(filters.start, filters.end, filters.lists), "team": team}, TEAM_AGENT_KEYS)
    return (_agent_columns(page) for page in pages)


def team_agents(url: str, version: str, filters: Filters, team: str, page: int = 0) -> pd.DataFrame:
    """The human agents who handled contacts of `team` under the filters, most contacts first, one page of
    AGENTS_PER_PAGE (page 0 first): contacts, negative starts, recovered, and agents_total (all pages)."""
    return _team_agents(url, version, filters.start, filters.end, filters.lists, team, page)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def effort_model(url: str, version: str) -> pd.DataFrame:
    """The latest fit of the effort model of the current version (core.enr_effort_model): one row per term
    (one row without a term when the fit had too few CES answers; empty when never fitted)."""
    sql = (
        "select model_version, fitted_at, status, reason, term, coefficient, std_error, n_ces_contacts, n_train,"
        " n_heldout, r_squared, heldout_rmse, heldout_mae, baseline_heldout_mae"
        " from core.enr_effort_model where model_version = :model_version"
        " and fitted_at = (select max(fitted_at) from core.enr_effort_model where model_version = :model_version)"
        " order by term"
    )
    return _query(url, sql, {"model_version": EFFORT_MODEL_VERSION})


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def customer_sentiment_scorer(url: str, version: str) -> pd.DataFrame:
    """The scorer the customer sentiment figures use and why (core.dim_customer_sentiment_scorer, one row)."""
    sql = (
        "select customer_sentiment_version, customer_sentiment_scorer, latest_model_version,"
        " is_latest_model_fitted, fallback_reason, count_labels, count_heldout_labels, heldout_macro_f1,"
        " heldout_macro_f1_lexicon from core.dim_customer_sentiment_scorer"
    )
    return _query(url, sql, {})
