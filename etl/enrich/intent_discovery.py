"""Clusters of the contacts no intent was found for: what the taxonomy misses (etl/intents/discovery.py).

Reads each contact's latest row of `core.enr_contact_intents` (the contact_intents step) whose intent_source is
'unclassified', with the contact's first customer message (fct_messages, by sent_at then message_id), clusters
those messages and appends the result to `core.enr_intent_clusters` (one row per cluster: size, top terms,
cohesion, with the discovery's k, silhouette and sizes repeated) and `core.enr_intent_cluster_members` (one row
per clustered contact, with its rank by closeness to the cluster's centre: rank 1-5 are the examples shown).

A discovery is identified by its version and a hash of the input (ids and texts); when the latest discovery of
the current version has the same hash, nothing is done. When too few unclassified contacts have text, one
cluster row with status 'insufficient_data', cluster_id null and the reason is written (so the page can say
why there are no clusters). Until the contact_intents step's table exists, the step does nothing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.enrich.steps import EnrichmentStep, StepContext
from etl.intents.discovery import DISCOVERY_VERSION, Discovery, discover_clusters, input_hash
from etl.warehouse import Warehouse, check_identifier

CONTACT_INTENTS_TABLE = "core.enr_contact_intents"
UNCLASSIFIED = "unclassified"
CLUSTER_COLUMNS = ["discovery_version", "input_hash", "run_id", "discovered_at", "status", "reason", "n_texts",
                   "n_without_terms", "k", "silhouette", "cluster_id", "cluster_size", "top_terms", "cohesion"]
MEMBER_COLUMNS = ["discovery_version", "input_hash", "run_id", "cluster_id", "interaction_id", "member_rank",
                  "message_text"]


def _table_exists(warehouse: Warehouse, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return bool(warehouse.scalar(
        "select count(*) from information_schema.tables where table_schema = :schema and table_name = :table",
        {"schema": schema, "table": table}))


def read_unclassified(warehouse: Warehouse, intents_table: str, messages_table: str) -> pd.DataFrame:
    """interaction_id, message_text: each unclassified contact's first customer message (contacts without one
    are left out)."""
    intents, messages = check_identifier(intents_table), check_identifier(messages_table)
    return warehouse.query_df(
        "select latest.interaction_id, first_message.message_text from ("
        " select interaction_id, intent_source, row_number() over (partition by interaction_id"
        f" order by assigned_at desc, run_id desc) as row_rank from {intents}) latest"
        " inner join ("
        " select interaction_id, message_text, row_number() over (partition by interaction_id"
        f" order by sent_at, message_id) as message_rank from {messages}"
        " where author_role = 'customer' and message_text is not null) first_message"
        " on first_message.interaction_id = latest.interaction_id and first_message.message_rank = 1"
        " where latest.row_rank = 1 and latest.intent_source = :unclassified"
        " order by latest.interaction_id",
        {"unclassified": UNCLASSIFIED},
    )


def discovery_rows(found: Discovery, fingerprint: str, run_id: int,
                   discovered_at: dt.datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cluster rows and member rows of one discovery."""
    common = {"discovery_version": DISCOVERY_VERSION, "input_hash": fingerprint, "run_id": run_id,
              "discovered_at": discovered_at, "status": found.status, "reason": found.reason,
              "n_texts": found.n_texts, "n_without_terms": found.n_without_terms, "k": found.k or None,
              "silhouette": found.silhouette}
    clusters = [{**common, "cluster_id": c.cluster_id, "cluster_size": c.size, "top_terms": ", ".join(c.top_terms),
                 "cohesion": c.cohesion} for c in found.clusters]
    if not clusters:
        clusters = [{**common, "cluster_id": None, "cluster_size": None, "top_terms": None, "cohesion": None}]
    members = []
    for cluster in found.clusters:
        ranked = list(cluster.example_ids) + sorted(set(cluster.member_ids) - set(cluster.example_ids))
        texts = dict(zip(cluster.example_ids, cluster.example_texts, strict=True))
        for rank, interaction_id in enumerate(ranked, start=1):
            members.append({"discovery_version": DISCOVERY_VERSION, "input_hash": fingerprint, "run_id": run_id,
                            "cluster_id": cluster.cluster_id, "interaction_id": interaction_id,
                            "member_rank": rank, "message_text": texts.get(interaction_id)})
    return (pd.DataFrame(clusters, columns=CLUSTER_COLUMNS).astype({"cluster_id": "Int64", "cluster_size": "Int64",
                                                                    "k": "Int64"}),
            pd.DataFrame(members, columns=MEMBER_COLUMNS))


def discover_and_store(warehouse: Warehouse, intents_table: str, messages_table: str,
                       run_id: int) -> Discovery | None:
    """Cluster the unclassified contacts' first messages and append the discovery; None when nothing changed."""
    contacts = read_unclassified(warehouse, intents_table, messages_table)
    ids = contacts["interaction_id"].astype(str).tolist()
    texts = contacts["message_text"].astype(str).tolist()
    fingerprint = input_hash(ids, texts)
    latest = warehouse.scalar(
        "select max(input_hash) from core.enr_intent_clusters where discovery_version = :version"
        " and run_id = (select max(run_id) from core.enr_intent_clusters where discovery_version = :version)",
        {"version": DISCOVERY_VERSION},
    )
    if latest == fingerprint:
        return None
    found = discover_clusters(ids, texts)
    clusters, members = discovery_rows(found, fingerprint, run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None))
    with warehouse.transaction():
        warehouse.bulk_insert("core.enr_intent_clusters", clusters)
        if not members.empty:
            warehouse.bulk_insert("core.enr_intent_cluster_members", members)
    return found


def _run_step(context: StepContext) -> Discovery | None:
    if not _table_exists(context.warehouse, CONTACT_INTENTS_TABLE):
        context.reports["intent_discovery"] = None
        return None
    found = discover_and_store(context.warehouse, CONTACT_INTENTS_TABLE, context.table_of("fct_messages"),
                               context.run_id)
    context.reports["intent_discovery"] = found
    return found


STEPS = [
    EnrichmentStep(
        name="intent_discovery",
        description="Clustering the contacts without an intent (what the taxonomy misses)",
        # fct_interactions reads the contact_intents step's table, so this step runs after that step
        reads=("fct_interactions", "fct_messages"),
        writes={"intent_clusters": "core.enr_intent_clusters",
                "intent_cluster_members": "core.enr_intent_cluster_members"},
        ddl=(
            """create table if not exists core.enr_intent_clusters (
    discovery_version text not null,
    input_hash text not null,
    run_id bigint not null,
    discovered_at timestamp not null,
    status text not null,
    reason text,
    n_texts bigint not null,
    n_without_terms bigint not null,
    k bigint,
    silhouette double precision,
    cluster_id bigint,
    cluster_size bigint,
    top_terms text,
    cohesion double precision
)""",
            """create table if not exists core.enr_intent_cluster_members (
    discovery_version text not null,
    input_hash text not null,
    run_id bigint not null,
    cluster_id bigint not null,
    interaction_id text not null,
    member_rank bigint not null,
    message_text text
)""",
        ),
        run=_run_step,
    ),
]
