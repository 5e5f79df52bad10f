"""The queries of the Churn and revenue risk page, cached with a time to live (rules as in dashboard.queries).

Figures of the catalog (revenue at risk, accounts at high risk, churned ARR, churn risk) come from
dashboard.queries; this module reads the rest as columns of core and marts tables: the fit that scored the
accounts (core.enr_churn_models, its calibration deciles and coefficients), the accounts of
core.fct_account_risk, their contacts (core.fct_interactions) and the churned accounts of
marts.signal_silent_exodus_accounts. Lists of rows are paged, ROWS_PER_PAGE a page, with the total count of
rows in the column `total_rows`; each list's complete export reads every row in the same order by keyset
(dashboard.queries_keyset).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.data_access import account_in_scope, interaction_in_scope, scope_of, scope_params, scope_predicate
from dashboard.filters import Filters
from dashboard.queries import DATA_TTL_SECONDS, Lists, _filter_params, _filter_sql, _query
from dashboard.queries_keyset import SortKey, keyset_pages, offset_page_sql
from etl.access import Scope

ROWS_PER_PAGE = 50
# the strongest effects a model card shows
STRONGEST_EFFECTS = 8

# The fit whose scores core.fct_account_risk holds (the latest run of the current model version).
_CURRENT_FIT = (
    "select models.* from core.enr_churn_models as models"
    " inner join (select distinct risk_run_id, risk_fitted_at from core.fct_account_risk"
    " where risk_run_id is not null) as scored"
    " on scored.risk_run_id = models.run_id and scored.risk_fitted_at = models.fitted_at"
    " order by models.fitted_at desc, models.run_id desc limit 1"
)

# Each account's contacts in its feature window (what the model saw), with their queue's name.
_WINDOW_CONTACTS = """
    from core.fct_account_risk as risk
    inner join core.fct_interactions as interactions
        on interactions.account_id = risk.account_id
        and interactions.created_at >= risk.window_start_at
        and interactions.created_at < risk.observation_at
    left join core.dim_queues as queues
        on queues.queue_id = interactions.queue_id
"""

# Each account's contacts in its feature window, with the standard filter columns (the account's segment, as
# marts.account_risk_daily has it), and each account without a contact in its window as one row on the
# window's last day with channel 'none' and intent 'no_contact', as in that mart.
_ATTRIBUTED_CONTACTS = f"""
    select
        risk.account_id,
        interactions.date_day,
        interactions.source_system,
        interactions.channel,
        interactions.intent,
        interactions.intent_basis,
        coalesce(queues.queue_name, interactions.queue_id) as queue_name,
        interactions.team_name,
        risk.segment
    {_WINDOW_CONTACTS}
    union all
    select
        risk.account_id,
        cast(risk.observation_at - interval '1 day' as date) as date_day,
        'none' as source_system,
        'none' as channel,
        'no_contact' as intent,
        'no_contact' as intent_basis,
        'unassigned' as queue_name,
        'unassigned' as team_name,
        risk.segment
    from core.fct_account_risk as risk
    where coalesce(risk.count_window_contacts, 0) = 0
        and risk.observation_at is not null
"""


def _paging(page: int) -> dict[str, int]:
    return {"limit": ROWS_PER_PAGE, "offset": max(int(page), 0) * ROWS_PER_PAGE}


def page_count(total_rows: int, per_page: int = ROWS_PER_PAGE) -> int:
    """How many pages `total_rows` rows fill (at least one, so a pager always has a page to show)."""
    return max(1, -(-int(total_rows) // per_page))


def total_rows(frame: pd.DataFrame) -> int:
    """The `total_rows` column of a paged result (0 when the page is empty)."""
    return 0 if frame.empty else int(frame["total_rows"].iat[0])


# ---------------------------------------------------------------- the model


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def current_fit(url: str, version: str) -> dict[str, Any] | None:
    """The churn-model fit that scored the accounts of core.fct_account_risk (one row of
    core.enr_churn_models as a dict), None when no fit has scored them."""
    frame = _query(url, _CURRENT_FIT)
    if frame.empty:
        return None
    return {key: (None if not isinstance(value, str) and pd.isna(value) else value)
            for key, value in frame.iloc[0].to_dict().items()}


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def calibration(url: str, version: str, run_id: int, model_version: str) -> pd.DataFrame:
    """The fit's held-out accounts by decile of predicted risk: mean predicted vs observed churn rate."""
    return _query(
        url,
        "select decile, count_accounts, mean_predicted, observed_rate, count_churned from core.enr_churn_calibration"
        " where run_id = :run_id and model_version = :model_version order by decile",
        {"run_id": int(run_id), "model_version": model_version},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def strongest_effects(url: str, version: str, run_id: int, model_version: str, method: str) -> pd.DataFrame:
    """The fit's strongest effects: for a logit, the odds ratios furthest from 1 either way (largest
    |coefficient|) with their 95% interval; for the rule, its warning signs by points (`coefficient` holds
    the points)."""
    order = "abs(coefficient) desc" if method == "logit" else "coefficient desc"
    return _query(
        url,
        "select feature_name, feature_label, coefficient, std_error, odds_ratio, odds_ratio_ci_low,"
        " odds_ratio_ci_high, p_value from core.enr_churn_coefficients"
        " where run_id = :run_id and model_version = :model_version and feature_name <> 'intercept'"
        f" order by {order}, feature_name limit :limit",
        {"run_id": int(run_id), "model_version": model_version, "limit": STRONGEST_EFFECTS if method == "logit"
         else 50},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def risk_days(url: str, version: str) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of marts.account_risk_daily: the days the scored accounts are attributed to."""
    frame = _query(url, "select min(date_day) as first_day, max(date_day) as last_day from marts.account_risk_daily")
    if frame.empty or pd.isna(frame.iat[0, 0]):
        return None, None
    return pd.Timestamp(frame.iat[0, 0]).date(), pd.Timestamp(frame.iat[0, 1]).date()


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def attribute_columns(url: str, version: str, run_id: int, model_version: str) -> pd.DataFrame:
    """How the fit read each further column of the CRM export (core.enr_churn_attributes), in export order."""
    return _query(
        url,
        "select attribute_name, treatment, reason, count_accounts_filled from core.enr_churn_attributes"
        " where run_id = :run_id and model_version = :model_version",
        {"run_id": int(run_id), "model_version": model_version},
    )


# ---------------------------------------------------------------- accounts


def _accounts_listed() -> str:
    """Active accounts with a contact in their feature window that the filters keep, with their sort keys:
    revenue at risk and churn risk, an unknown one (-1) after every known one on both engines."""
    return f"""
        with attributed as ({_ATTRIBUTED_CONTACTS}),
        matching as (
            select account_id, count(case when channel <> 'none' then 1 end) as count_matching_contacts
            from attributed
            where date_day between :start and :end and {_filter_sql()}
            group by account_id
        )
        select
            risk.account_id, risk.account_name, risk.segment, risk.industry, risk.arr_amount,
            risk.churn_probability, risk.risk_band, risk.risk_points, risk.risk_method, risk.revenue_at_risk,
            risk.reason_1, risk.reason_2, risk.reason_3, risk.count_window_contacts,
            matching.count_matching_contacts, risk.window_start_at, risk.observation_at,
            coalesce(risk.revenue_at_risk, -1) as sort_revenue_at_risk,
            coalesce(risk.churn_probability, -1) as sort_churn_probability
        from core.fct_account_risk as risk
        inner join matching
            on matching.account_id = risk.account_id
        where not risk.is_churned
    """


# revenue at risk, largest first (unknown last), then churn risk, then the account id
ACCOUNT_KEYS = (SortKey("sort_revenue_at_risk", descending=True), SortKey("sort_churn_probability", descending=True),
                SortKey("account_id"))


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def accounts_at_risk(url: str, version: str, start: dt.date, end: dt.date, lists: Lists, page: int) -> pd.DataFrame:
    """Active accounts with a contact in their feature window that the filters keep (the rows of
    marts.account_risk_daily they are attributed to), by revenue at risk, largest first: one page."""
    sql = offset_page_sql(_accounts_listed(), ACCOUNT_KEYS)
    return _query(url, sql, {"start": start, "end": end, **_filter_params(lists), **_paging(page)})


def account_pages(url: str, filters: Filters) -> Iterator[pd.DataFrame]:
    """Every row of accounts_at_risk (all its pages, in its order), read page by page by keyset for the export."""
    return keyset_pages(url, _accounts_listed(), {"start": filters.start, "end": filters.end,
                                                  **_filter_params(filters.lists)}, ACCOUNT_KEYS)


_ACCOUNT_CONTACTS = f"""
    select
        interactions.created_at, interactions.channel, interactions.intent, interactions.service_path,
        coalesce(queues.queue_name, interactions.queue_id) as queue_name, interactions.team_name,
        interactions.status, interactions.is_abandoned, interactions.is_escalated,
        interactions.count_transfers, interactions.queue_wait_seconds, interactions.interaction_id
    {_WINDOW_CONTACTS}
    where risk.account_id = :account_id and {interaction_in_scope('interactions.interaction_id')}
"""
# newest first, ties by interaction id
CONTACT_KEYS = (SortKey("created_at", descending=True), SortKey("interaction_id"))


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def account_contacts(url: str, version: str, account_id: str, scope: Scope, page: int) -> pd.DataFrame:
    """One account's contacts in the scope in its feature window (what the model saw), newest first: one page."""
    return _query(url, offset_page_sql(_ACCOUNT_CONTACTS, CONTACT_KEYS), {"account_id": account_id,
                                                                         **scope_params(scope), **_paging(page)})


def account_contact_pages(url: str, account_id: str, scope: Scope) -> Iterator[pd.DataFrame]:
    """All of one account's contacts in the scope in its feature window, in account_contacts' order, by keyset."""
    return keyset_pages(url, _ACCOUNT_CONTACTS, {"account_id": account_id, **scope_params(scope)}, CONTACT_KEYS)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def account_risk_history(url: str, version: str, account_id: str, model_version: str, scope: Scope) -> pd.DataFrame:
    """The account's churn probability at every stored fit of the current model version, oldest first (none when
    the account has no contact in the scope)."""
    return _query(
        url,
        "select fitted_at, run_id, method, churn_probability, risk_band from core.enr_account_churn_risk"
        " where account_id = :account_id and model_version = :model_version"
        f" and {account_in_scope('account_id')} order by fitted_at, run_id limit 100",
        {"account_id": account_id, "model_version": model_version, **scope_params(scope)},
    )


# ---------------------------------------------------------------- silent exodus

# the segment filter and the viewer's scope (the table has a segment only: a viewer restricted on teams, queues or
# brands sees none of its accounts)
_SEGMENT_FILTER = f"(:all_segments or segment = any(:segments)) and {scope_predicate({'segments': 'segment'})}"


def _segment_params(lists: Lists) -> dict[str, Any]:
    """The bound values of the segment filter alone (an account-level table has no channel, intent...) and of the
    scope the lists carry."""
    params = _filter_params(lists)
    return {"all_segments": params["all_segments"], "segments": params["segments"], **scope_params(scope_of(lists))}


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def silent_exodus_summary(url: str, version: str, start: dt.date, end: dt.date, compare_start: dt.date,
                          compare_end: dt.date, lists: Lists) -> pd.DataFrame:
    """Per period ('current', 'previous') of churn dates: churned accounts and their ARR, how many of them
    churned inside the contact history (count_observed: only those can be judged), and of them the silent
    exodus (all, without a word, after bots only) with their ARR (0 for a group of no account; null when accounts
    of the group have none).
    Only the segment filter applies."""
    sql = f"""
        select
            case when churned_on between :start and :end then 'current' else 'previous' end as period,
            count(*) as count_churned,
            sum(arr_amount) as churned_arr_amount,
            count(case when is_observed then 1 end) as count_observed,
            count(case when is_silent_exodus then 1 end) as count_silent,
            case when count(case when is_silent_exodus then 1 end) = 0 then 0
                else sum(case when is_silent_exodus then arr_amount end) end as silent_arr_amount,
            count(case when is_without_a_word then 1 end) as count_without_a_word,
            case when count(case when is_without_a_word then 1 end) = 0 then 0
                else sum(case when is_without_a_word then arr_amount end) end as without_a_word_arr_amount,
            count(case when is_after_bots_only then 1 end) as count_after_bots_only,
            case when count(case when is_after_bots_only then 1 end) = 0 then 0
                else sum(case when is_after_bots_only then arr_amount end) end as after_bots_only_arr_amount
        from marts.signal_silent_exodus_accounts
        where (churned_on between :start and :end or churned_on between :compare_start and :compare_end)
            and {_SEGMENT_FILTER}
        group by 1
    """
    params = {"start": start, "end": end, "compare_start": compare_start, "compare_end": compare_end,
              **_segment_params(lists)}
    return _query(url, sql, params)


_SILENT_ACCOUNTS = f"""
    select
        account_id, account_name, segment, industry, arr_amount, churned_on, silence_kind, count_contacts,
        count_bot_only_contacts, count_survey_answers, last_contact_at, coalesce(arr_amount, -1) as sort_arr_amount
    from marts.signal_silent_exodus_accounts
    where is_silent_exodus and churned_on between :start and :end and {_SEGMENT_FILTER}
"""
# largest ARR first (unknown last), ties by account id
SILENT_KEYS = (SortKey("sort_arr_amount", descending=True), SortKey("account_id"))


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def silent_exodus_accounts(url: str, version: str, start: dt.date, end: dt.date, lists: Lists,
                           page: int) -> pd.DataFrame:
    """The silent-exodus accounts that churned in the period, largest ARR first: one page."""
    return _query(url, offset_page_sql(_SILENT_ACCOUNTS, SILENT_KEYS),
                  {"start": start, "end": end, **_segment_params(lists), **_paging(page)})


def silent_exodus_account_pages(url: str, filters: Filters) -> Iterator[pd.DataFrame]:
    """Every silent-exodus account of silent_exodus_accounts (all its pages, in its order), by keyset."""
    return keyset_pages(url, _SILENT_ACCOUNTS, {"start": filters.start, "end": filters.end,
                                                **_segment_params(filters.lists)}, SILENT_KEYS)
