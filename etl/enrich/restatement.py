"""Restatement: after a bot hands a conversation to a person, does the customer repeat what they already told
the bot? That shows whether the context followed the customer through the handoff.

For each handed-off conversation, the customer's turns before the handoff and the customer's turns to the
person after it are compared as sets of content words (lower-cased, stop words and very short words
removed, crude plural stemming): similarity is the share of the post-handoff words that the customer had
already written before (containment, |pre ∩ post| / |post|). At or above RESTATEMENT_THRESHOLD the
conversation counts as a restatement. The threshold and the word rules are tested on written examples in
tests/etl/test_restatement.py; RESTATEMENT_VERSION is bumped whenever they change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pandas as pd

from etl.enrich.steps import EnrichmentStep
from etl.warehouse import Warehouse, check_identifier

RESTATEMENT_THRESHOLD = 0.5
RESTATEMENT_VERSION = "restatement-1/containment-0.5"
_TOKEN = re.compile(r"[a-z0-9']+")
_STOP_WORDS_TEXT = """
a about above after again all am an and any are as at be been before being but by can could did do does
doing don't for from had has have having he her here hi hello hey i i'm i've if in into is it it's its just
me my myself no nor not now of off on once only or our out over own please same she should so some such
than thank thanks that that's the their them then there these they this those through to too under until
up very was we were what when where which while who why will with would you your yes ok okay still again
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def content_words(text: str) -> frozenset[str]:
    words = set()
    for token in _TOKEN.findall((text or "").lower()):
        if token in STOP_WORDS or len(token) < 3:
            continue
        if token.endswith("s") and len(token) > 4 and not token.endswith("ss"):
            token = token[:-1]
        words.add(token)
    return frozenset(words)


def restatement_similarity(before_handoff: list[str], after_handoff: list[str]) -> float | None:
    """Share of the customer's post-handoff content words already written before it (None: nothing to compare)."""
    before = frozenset().union(*(content_words(t) for t in before_handoff)) if before_handoff else frozenset()
    after = frozenset().union(*(content_words(t) for t in after_handoff)) if after_handoff else frozenset()
    if not before or not after:
        return None
    return len(before & after) / len(after)


def is_restatement(similarity: float | None) -> bool:
    return similarity is not None and similarity >= RESTATEMENT_THRESHOLD


def score_handoffs(warehouse: Warehouse, interactions_table: str, messages_table: str,
                   progress: Callable[[int], None] | None = None) -> int:
    """Score handed-off conversations not yet scored under this version; return how many."""
    interactions = check_identifier(interactions_table)
    messages = check_identifier(messages_table)
    frame = warehouse.query_df(
        f"select i.interaction_id, m.message_text, m.sent_at >= i.handoff_at as is_after_handoff"
        f" from {interactions} i inner join {messages} m on m.interaction_id = i.interaction_id"
        " where i.handoff_at is not null and m.author_role = 'customer' and not exists ("
        "select 1 from core.enr_handoff_restatement r where r.interaction_id = i.interaction_id"
        " and r.restatement_version = :version)"
        " order by i.interaction_id, m.sent_at, m.message_id",
        {"version": RESTATEMENT_VERSION},
    )
    if frame.empty:
        return 0
    rows = []
    for interaction_id, turns in frame.groupby("interaction_id", sort=False):
        after_mask = turns["is_after_handoff"].astype(bool)
        before = turns.loc[~after_mask, "message_text"].astype(str).tolist()
        after = turns.loc[after_mask, "message_text"].astype(str).tolist()
        similarity = restatement_similarity(before, after)
        rows.append((interaction_id, len(before), len(after), similarity, is_restatement(similarity)))
    out = pd.DataFrame(rows, columns=["interaction_id", "count_customer_turns_before", "count_customer_turns_after",
                                      "similarity", "is_restatement"])
    out["restatement_version"] = RESTATEMENT_VERSION
    out["scored_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with warehouse.transaction():
        warehouse.bulk_insert("core.enr_handoff_restatement", out)
    if progress:
        progress(len(out))
    return len(out)


STEPS = [
    EnrichmentStep(
        name="handoff_restatement",
        description="Comparing what customers told the bot and the person (restatement)",
        reads=("fct_interactions", "fct_messages"),
        writes={"handoff_restatement": "core.enr_handoff_restatement"},
        ddl=(
            """create table if not exists core.enr_handoff_restatement (
    interaction_id text not null,
    count_customer_turns_before integer not null,
    count_customer_turns_after integer not null,
    similarity double precision,
    is_restatement boolean not null,
    restatement_version text not null,
    scored_at timestamp not null
)""",
        ),
        run=lambda context: score_handoffs(context.warehouse, context.table_of("fct_interactions"),
                                           context.table_of("fct_messages"), context.progress),
    ),
]
