"""Queries of the Intent discovery page: the latest discovery of the current version (core.enr_intent_clusters),
its clusters (core.fct_intent_clusters) and their example messages (core.enr_intent_cluster_members, rank 1-5).

Same rules as dashboard.queries: values are bound parameters, tables are constants of this module; results are
cached with the data version as an argument and bounded (at most 12 clusters x EXAMPLES examples).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.queries import DATA_TTL_SECONDS
from etl.intents.versions import DISCOVERY_VERSION
from etl.warehouse import check_identifier

DISCOVERIES = check_identifier("core.enr_intent_clusters")
CLUSTERS = check_identifier("core.fct_intent_clusters")
MEMBERS = check_identifier("core.enr_intent_cluster_members")
EXAMPLES = 5


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def latest_discovery(url: str, version: str) -> pd.DataFrame:
    """One row: the latest discovery of the current version (status, reason, sizes, k, silhouette); empty when
    none was made."""
    sql = (
        "select status, reason, n_texts, n_without_terms, k, silhouette, discovered_at, run_id"
        f" from {DISCOVERIES} where discovery_version = :version"
        f" and run_id = (select max(run_id) from {DISCOVERIES} where discovery_version = :version)"
        " order by cluster_id limit 1"
    )
    return queries._query(url, sql, {"version": DISCOVERY_VERSION})


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def clusters(url: str, version: str) -> pd.DataFrame:
    """The clusters of the latest discovery, largest first."""
    return queries._query(url, f"select cluster_id, cluster_size, top_terms, cohesion from {CLUSTERS}"
                               " order by cluster_id")


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def examples(url: str, version: str, cluster_id: int) -> pd.DataFrame:
    """The example messages of one cluster of the latest discovery, most typical first."""
    sql = (
        "select members.member_rank, members.interaction_id, members.message_text"
        f" from {MEMBERS} members"
        f" inner join (select distinct run_id, discovery_version, input_hash from {CLUSTERS}) latest"
        "   on latest.run_id = members.run_id and latest.discovery_version = members.discovery_version"
        "   and latest.input_hash = members.input_hash"
        " where members.cluster_id = :cluster_id and members.member_rank <= :examples"
        " order by members.member_rank"
    )
    return queries._query(url, sql, {"cluster_id": int(cluster_id), "examples": EXAMPLES})
