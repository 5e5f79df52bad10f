"""Queries of the Journeys page that the catalog's metric sums do not cover: the channel paths of episodes.

Same rules as dashboard.queries: values are bound parameters, identifiers are constants of this module checked
with `check_identifier`, results are cached with the data version as an argument, lists are paged. Nothing
here divides: a path's resolution rate is `queries.metric_value(resolved, determined)` on the page.

An episode is counted on the day (in the reporting time zone) and attributes of its FIRST contact, exactly as
marts.journey_daily counts its episode measures, so every global filter applies (channel, intent, queue, team
and segment of the first contact) and the paths of a period add up to the mart's `count_episodes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.filters import Filters
from dashboard.queries_keyset import SortKey, keyset_pages
from etl.warehouse import check_identifier

PAGE_SIZE = 50
EPISODES = check_identifier("core.fct_episodes")
INTERACTIONS = check_identifier("core.fct_interactions")
QUEUES = check_identifier("core.dim_queues")
PATH_COLUMNS = ["channel_path", "episodes", "resolved_episodes", "determined_episodes", "censored_episodes",
                "undetermined_episodes", "path_count", "total_episodes", "total_censored_episodes",
                "total_undetermined_episodes"]


def _paths_listed() -> str:
    """Every channel path of the filters with its episodes, and on every row the totals over all paths."""
    return (
        "with first_contacts as ("
        " select coalesce(episodes.channel_path, 'unknown') as channel_path, episodes.is_resolved,"
        " episodes.is_censored, episodes.is_undetermined, interactions.date_day, interactions.source_system,"
        " interactions.channel,"
        " interactions.intent, interactions.intent_basis,"
        " coalesce(queues.queue_name, interactions.queue_id) as queue_name,"
        " interactions.team_name, interactions.segment"
        f" from {EPISODES} as episodes"
        f" inner join {INTERACTIONS} as interactions"
        " on interactions.interaction_id = episodes.first_interaction_id"
        f" left join {QUEUES} as queues on queues.queue_id = interactions.queue_id"
        "), paths as ("
        " select channel_path, cast(count(*) as bigint) as episodes,"
        " cast(count(case when is_resolved then 1 end) as bigint) as resolved_episodes,"
        " cast(count(is_resolved) as bigint) as determined_episodes,"
        " cast(count(case when is_censored then 1 end) as bigint) as censored_episodes,"
        " cast(count(case when is_undetermined then 1 end) as bigint) as undetermined_episodes"
        " from first_contacts"
        f" where date_day between :start and :end and {queries._filter_sql()}"
        " group by channel_path"
        ")"
        " select channel_path, episodes, resolved_episodes, determined_episodes, censored_episodes,"
        " undetermined_episodes, cast(count(*) over () as bigint) as path_count,"
        " cast(sum(episodes) over () as bigint) as total_episodes,"
        " cast(sum(censored_episodes) over () as bigint) as total_censored_episodes,"
        " cast(sum(undetermined_episodes) over () as bigint) as total_undetermined_episodes"
        " from paths"
    )


# most episodes first, ties by path
PATH_KEYS = (SortKey("episodes", descending=True), SortKey("channel_path"))


def _paths_sql() -> str:
    return _paths_listed() + " order by episodes desc, channel_path limit :limit offset :offset"


@st.cache_data(ttl=queries.DATA_TTL_SECONDS, show_spinner=False)
def _episode_paths(url: str, version: str, start: dt.date, end: dt.date, lists: queries.Lists,
                   page: int) -> pd.DataFrame:
    params = {"start": start, "end": end, "limit": PAGE_SIZE, "offset": PAGE_SIZE * page,
              **queries._filter_params(lists)}
    frame = queries._query(url, _paths_sql(), params)
    return frame.reindex(columns=PATH_COLUMNS)


def episode_paths(url: str, version: str, filters: Filters, page: int = 0) -> pd.DataFrame:
    """One page (PAGE_SIZE rows, most episodes first) of the channel paths of the episodes whose first contact
    falls in the filters: episodes, resolved, determined (outcome known), censored and undetermined episodes per
    path, plus on every row the number of paths and the totals over all paths."""
    if page < 0:
        raise ValueError("page counts from 0")
    return _episode_paths(url, version, filters.start, filters.end, filters.lists, page)


def episode_path_pages(url: str, filters: Filters) -> Iterator[pd.DataFrame]:
    """Every row of episode_paths (all its pages, in its order), read page by page by keyset for the export."""
    pages = keyset_pages(url, _paths_listed(), {"start": filters.start, "end": filters.end,
                                                **queries._filter_params(filters.lists)}, PATH_KEYS)
    return (page.reindex(columns=PATH_COLUMNS) for page in pages)
