"""Queries of the Automation page that dashboard.queries does not already answer: cost per resolved episode by
episode path, the customer's sentiment before and after the handoff by intent, and the months and intents
flagged by the Handoff Highway and Repetition Loop signals.

Same rules as dashboard.queries: values are bound parameters, identifiers come from constants or the catalog
(checked with `check_identifier`), results are cached with a time to live and a `version` argument, and
`queries.metric_value` is the only place that divides. Lists of rows are paged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import streamlit as st

from dashboard.filters import Filters
from dashboard.queries import (
    DATA_TTL_SECONDS,
    Lists,
    Variants,
    _filter_params,
    _filter_sql,
    _query,
    catalog_in_use,
    metric_value,
    variants_in_use,
)
from dashboard.queries_keyset import SortKey, keyset_pages, offset_page_sql
from etl.warehouse import check_identifier

COST_METRIC = "cost_per_resolved_episode"
SENTIMENT_METRIC = "sentiment_change_across_handoff"
# The episode's path, a column of the cost-per-episode mart (sql/marts/cost/cost_episodes_daily.sql).
PATH_COLUMN = "episode_path"
# Columns of marts.automation_daily: the customer's mean sentiment before and after the handoff.
SENTIMENT_COLUMNS = {
    "before": ("sum_sentiment_before_handoff", "count_handoffs_sentiment_before"),
    "after": ("sum_sentiment_after_handoff", "count_handoffs_sentiment_after"),
}
HIGHWAY_MART = "marts.signal_handoff_highway_monthly"
REPETITION_MART = "marts.signal_repetition_loop_monthly"
SIGNAL_DIMENSION = "intent"
ROWS_PER_PAGE = 50


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _cost_by_path(url: str, version: str, start: dt.date, end: dt.date, lists: Lists,
                  variants: Variants = ()) -> pd.DataFrame:
    metric = catalog_in_use(variants)[COST_METRIC]
    squares = check_identifier(metric.sum_of_squares) if metric.sum_of_squares else "null"
    sql = (
        f"select cast({check_identifier(PATH_COLUMN)} as varchar) as episode_path,"
        f" sum({check_identifier(metric.numerator)}) as numerator,"
        f" sum({check_identifier(metric.denominator or metric.numerator)}) as denominator,"
        f" sum({squares}) as sum_of_squares"
        f" from {check_identifier(metric.mart)}"
        f" where date_day between :start and :end and {_filter_sql()}"
        " group by 1 order by 1"
    )
    frame = _query(url, sql, {"start": start, "end": end, **_filter_params(lists)})
    frame["value"] = [metric_value(n, d, metric.is_ratio) for n, d in
                      zip(frame["numerator"], frame["denominator"], strict=True)]
    return frame


def cost_per_resolution_by_path(url: str, version: str, filters: Filters) -> pd.DataFrame:
    """The catalog's cost_per_resolved_episode by episode path (bot_only, bot_then_human, human_only) over the
    filters: episode_path, numerator (cost of resolved episodes), denominator (resolved episodes), sum of
    squares, value. Paths without resolved episodes have a null value."""
    return _cost_by_path(url, version, filters.start, filters.end, filters.lists, variants_in_use())


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _sentiment_by_intent(url: str, version: str, start: dt.date, end: dt.date, lists: Lists,
                         variants: Variants = ()) -> pd.DataFrame:
    mart = catalog_in_use(variants)[SENTIMENT_METRIC].mart
    sums = ", ".join(
        f"sum({check_identifier(total)}) as sum_{side}, sum({check_identifier(count)}) as count_{side}"
        for side, (total, count) in SENTIMENT_COLUMNS.items()
    )
    sql = (
        f"select cast(intent as varchar) as intent, {sums} from {check_identifier(mart)}"
        f" where date_day between :start and :end and {_filter_sql()}"
        " group by 1 order by 1"
    )
    frame = _query(url, sql, {"start": start, "end": end, **_filter_params(lists)})
    for side in SENTIMENT_COLUMNS:
        frame[f"mean_{side}"] = [metric_value(s, c, True) for s, c in
                                 zip(frame[f"sum_{side}"], frame[f"count_{side}"], strict=True)]
    return frame


def sentiment_before_after_by_intent(url: str, version: str, filters: Filters) -> pd.DataFrame:
    """Per intent: the customer's mean VADER compound to the bot (before the handoff) and to the person (after),
    each over the handed-off sessions with customer messages on that side: intent, sum_/count_/mean_before,
    sum_/count_/mean_after. Intents without a scored side have a null mean there."""
    return _sentiment_by_intent(url, version, filters.start, filters.end, filters.lists, variants_in_use())


def _months(start: dt.date, end: dt.date) -> dict[str, dt.date]:
    """The calendar months the dates touch, as bound values."""
    return {"first_month": start.replace(day=1), "last_month": end.replace(day=1)}


def _intent_params(intents: tuple[str, ...]) -> dict[str, object]:
    return {"all_intents": not intents, "intents": list(intents)}


_FLAGGED = (" where dimension = :dimension and is_flagged"
            " and period_month between :first_month and :last_month and (:all_intents or member = any(:intents))")
_HIGHWAY_LISTED = (
    "select period_month, member, count_bot_sessions, count_handoffs, handoff_rate, previous_handoff_rate,"
    " is_above_threshold, is_rising, coalesce(handoff_rate, -1) as sort_rate"
    f" from {check_identifier(HIGHWAY_MART)}{_FLAGGED}"
)
_REPETITION_LISTED = (
    "select period_month, member, restatement_rate, previous_restatement_rate, count_handoffs_comparable,"
    " repeat_contact_rate, previous_repeat_contact_rate, count_repeat_eligible_contacts,"
    " is_restatement_above_threshold, is_restatement_rising, is_repeat_above_threshold, is_repeat_rising,"
    " coalesce(restatement_rate, -1) as sort_rate"
    f" from {check_identifier(REPETITION_MART)}{_FLAGGED}"
)
# newest month first, then the highest rate (unknown last), then the intent
FLAG_KEYS = (SortKey("period_month", descending=True), SortKey("sort_rate", descending=True), SortKey("member"))


def _flag_params(start: dt.date, end: dt.date, intents: tuple[str, ...]) -> dict[str, object]:
    return {"dimension": SIGNAL_DIMENSION, **_months(start, end), **_intent_params(intents)}


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def handoff_highway_flags(url: str, version: str, start: dt.date, end: dt.date, intents: tuple[str, ...],
                          page: int = 0) -> pd.DataFrame:
    """Intents flagged by the Handoff Highway signal in the calendar months the dates touch, newest month
    first, a page of ROWS_PER_PAGE at a time: period_month, member, count_bot_sessions, count_handoffs,
    handoff_rate, previous_handoff_rate, is_above_threshold, is_rising, total_rows (flagged rows on all
    pages). The signal is monthly over every channel, queue, team and segment: only the intent filter applies.
    """
    return _query(url, offset_page_sql(_HIGHWAY_LISTED, FLAG_KEYS),
                  {**_flag_params(start, end, intents), "limit": ROWS_PER_PAGE, "offset": page * ROWS_PER_PAGE})


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def repetition_loop_flags(url: str, version: str, start: dt.date, end: dt.date, intents: tuple[str, ...],
                          page: int = 0) -> pd.DataFrame:
    """Intents flagged by the Repetition Loop signal in the calendar months the dates touch, newest month
    first, paged: period_month, member, restatement_rate, previous_restatement_rate, count_handoffs_comparable,
    repeat_contact_rate, previous_repeat_contact_rate, count_repeat_eligible_contacts, the four trigger flags
    (is_restatement_above_threshold, is_restatement_rising, is_repeat_above_threshold, is_repeat_rising) and
    total_rows. Monthly over every channel, queue, team and segment: only the intent filter applies."""
    return _query(url, offset_page_sql(_REPETITION_LISTED, FLAG_KEYS),
                  {**_flag_params(start, end, intents), "limit": ROWS_PER_PAGE, "offset": page * ROWS_PER_PAGE})


def handoff_highway_flag_pages(url: str, start: dt.date, end: dt.date,
                               intents: tuple[str, ...]) -> Iterator[pd.DataFrame]:
    """Every row of handoff_highway_flags (all its pages, in its order), read page by page by keyset."""
    return keyset_pages(url, _HIGHWAY_LISTED, _flag_params(start, end, intents), FLAG_KEYS)


def repetition_loop_flag_pages(url: str, start: dt.date, end: dt.date,
                               intents: tuple[str, ...]) -> Iterator[pd.DataFrame]:
    """Every row of repetition_loop_flags (all its pages, in its order), read page by page by keyset."""
    return keyset_pages(url, _REPETITION_LISTED, _flag_params(start, end, intents), FLAG_KEYS)
