"""The intent discovery step's reads and writes on both engines: clusters of the unclassified contacts' first
customer messages, stored once, and nothing done again on the same input."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.enrich.intent_discovery import STEPS, discover_and_store
from etl.intents.discovery import CLUSTERED, DISCOVERY_VERSION, INSUFFICIENT
from etl.warehouse import open_writer
from tests.conftest import query_frame
from tests.etl.test_intent_discovery import group_texts

START = dt.datetime(2026, 10, 1, 9, 0)


def _prepare(warehouse: object) -> None:
    warehouse.execute("create schema if not exists core")  # type: ignore[attr-defined]
    for statement in STEPS[0].ddl:
        warehouse.execute(statement)  # type: ignore[attr-defined]
    warehouse.execute(  # type: ignore[attr-defined]
        "create table core.enr_contact_intents (interaction_id text, intent text, intent_source text,"
        " run_id bigint, assigned_at timestamp)")
    warehouse.execute(  # type: ignore[attr-defined]
        "create table core.test_messages (message_id text, interaction_id text, sent_at timestamp,"
        " author_role text, message_text text)")


def _contacts() -> tuple[pd.DataFrame, pd.DataFrame]:
    """30 unclassified contacts in three topics (12 bill, 10 pass, 8 ship), each with an agent greeting first,
    then its customer message, then a second customer message that must not be read; plus 5 contacts labelled
    by a rule, and one contact unclassified at first but labelled in a later row (its latest row counts)."""
    intents, messages = [], []
    n = 0
    for name, size in {"bill": 12, "pass": 10, "ship": 8}.items():
        for text in group_texts(name, size):
            contact = f"{name}-{n:02d}"
            intents.append((contact, "unclassified", "unclassified", 1, START))
            messages += [(f"{contact}-0", contact, START, "agent", "hello how can I help"),
                         (f"{contact}-1", contact, START + dt.timedelta(minutes=1), "customer", text),
                         (f"{contact}-2", contact, START + dt.timedelta(minutes=2), "customer", "zebra giraffe")]
            n += 1
    for k in range(5):
        intents.append((f"rule-{k}", "cancellation", "rule", 1, START))
        messages.append((f"rule-{k}-1", f"rule-{k}", START, "customer", "please cancel my subscription now"))
    intents += [("late-1", "unclassified", "unclassified", 1, START),
                ("late-1", "cancellation", "rule", 2, START + dt.timedelta(days=1))]
    messages.append(("late-1-1", "late-1", START, "customer", "cancel cancel cancel"))
    return (pd.DataFrame(intents, columns=["interaction_id", "intent", "intent_source", "run_id", "assigned_at"]),
            pd.DataFrame(messages, columns=["message_id", "interaction_id", "sent_at", "author_role",
                                            "message_text"]))


def test_unclassified_contacts_are_clustered_once_per_input(warehouse_url: str) -> None:
    intents, messages = _contacts()
    with open_writer(warehouse_url) as warehouse:
        _prepare(warehouse)
        warehouse.bulk_insert("core.enr_contact_intents", intents)
        warehouse.bulk_insert("core.test_messages", messages)
        first = discover_and_store(warehouse, "core.enr_contact_intents", "core.test_messages", run_id=1)
        again = discover_and_store(warehouse, "core.enr_contact_intents", "core.test_messages", run_id=2)
    assert first is not None
    assert first.status == CLUSTERED
    assert again is None  # the same unclassified contacts and texts: nothing done
    clusters = query_frame(warehouse_url, "select run_id, cluster_id, cluster_size, top_terms, n_texts, k,"
                           " discovery_version from core.enr_intent_clusters order by cluster_id")
    assert clusters["run_id"].tolist() == [1, 1, 1]
    assert clusters["cluster_size"].tolist() == [12, 10, 8]  # the rule-labelled and later-labelled contacts: out
    assert clusters["n_texts"].tolist() == [30, 30, 30]
    assert set(clusters["discovery_version"]) == {DISCOVERY_VERSION}
    assert "zebra" not in " ".join(clusters["top_terms"])  # only each contact's first customer message is read
    members = query_frame(warehouse_url, "select cluster_id, interaction_id, member_rank, message_text"
                          " from core.enr_intent_cluster_members order by cluster_id, member_rank")
    assert len(members) == 30
    assert members.groupby("cluster_id")["interaction_id"].agg(lambda s: {i.split("-")[0] for i in s}).tolist() == [
        {"bill"}, {"pass"}, {"ship"}]
    examples = members[members["member_rank"] <= 5]
    assert len(examples) == 15
    assert examples["message_text"].notna().all()
    assert members[members["member_rank"] > 5]["message_text"].isna().all()


def test_a_changed_input_is_clustered_again_and_too_few_contacts_say_why(warehouse_url: str) -> None:
    intents, messages = _contacts()
    with open_writer(warehouse_url) as warehouse:
        _prepare(warehouse)
        warehouse.bulk_insert("core.enr_contact_intents", intents)
        warehouse.bulk_insert("core.test_messages", messages)
        discover_and_store(warehouse, "core.enr_contact_intents", "core.test_messages", run_id=1)
        # all but 19 contacts get an intent in run 3: too few left to cluster
        labelled = intents[intents["intent_source"] == "unclassified"].iloc[19:].copy()
        labelled = labelled[labelled["interaction_id"] != "late-1"]
        labelled["intent_source"], labelled["intent"], labelled["run_id"] = "model", "billing_and_refunds", 3
        labelled["assigned_at"] = START + dt.timedelta(days=2)
        warehouse.bulk_insert("core.enr_contact_intents", labelled)
        changed = discover_and_store(warehouse, "core.enr_contact_intents", "core.test_messages", run_id=3)
    assert changed is not None
    assert changed.status == INSUFFICIENT
    latest = query_frame(warehouse_url, "select status, reason, cluster_id, n_texts from core.enr_intent_clusters"
                         " where run_id = 3")
    assert latest["status"].tolist() == [INSUFFICIENT]
    assert latest["reason"].tolist() == ["19 texts, fewer than the 20 needed to cluster"]
    assert latest["cluster_id"].isna().all()
    assert latest["n_texts"].tolist() == [19]
