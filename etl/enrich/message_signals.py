"""Rule-based signals in message text: a customer asking for a person, confirming the problem is solved,
using escalation language; a bot admitting it did not understand.

The rules are word patterns, kept here with their version (SIGNALS_VERSION, bumped whenever a pattern
changes); every row written carries it, and the models read only the current version. Scoring is incremental
like sentiment: only messages whose id and text have no row under the current version.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from etl.enrich.steps import EnrichmentStep
from etl.warehouse import Warehouse, check_identifier

SIGNALS_VERSION = "signals-1"
PAGE_ROWS = 200_000


@dataclass(frozen=True)
class Rule:
    name: str
    roles: tuple[str, ...]
    pattern: re.Pattern[str]


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


RULES: tuple[Rule, ...] = (
    Rule("is_human_request", ("customer",), _words(
        r"(?:talk|speak|chat)\s+(?:to|with)\s+(?:a|an|someone|somebody|a\s+real)?\s*(?:person|human|agent|"
        r"representative|rep|someone|somebody)",
        r"(?:need|want)\s+(?:a|an|to\s+talk\s+to\s+a)\s+(?:human|person|agent|representative)",
        r"agent\s+please", r"human\s+please", r"connect\s+me\s+(?:to|with)\s+(?:someone|a\s+person|an\s+agent)",
        r"real\s+person",
    )),
    Rule("is_confirmation", ("customer",), _words(
        r"(?:that|this|it)\s+(?:worked|fixed\s+it|solved\s+it|did\s+it)", r"(?:fixed|solved|works)\s+now",
        r"problem\s+(?:is\s+)?solved", r"(?:that's|that\s+is)\s+what\s+i\s+needed", r"it\s+works\s+now",
        r"all\s+(?:sorted|good)\s+now", r"found\s+it",
    )),
    Rule("has_escalation_keyword", ("customer",), _words(
        r"manager", r"supervisor", r"complaint", r"complain", r"escalate", r"lawyer", r"legal\s+action",
        r"cancel\s+(?:my|our|the)\s+(?:account|subscription|contract)", r"unacceptable", r"ridiculous",
    )),
    Rule("is_bot_fallback", ("bot",), _words(
        r"(?:didn't|did\s+not|don't|do\s+not)\s+(?:understand|get\s+that)", r"could\s+you\s+rephrase",
        r"i'm\s+not\s+sure\s+i\s+can\s+help", r"i\s+can't\s+help\s+with\s+that", r"sorry,\s+i\s+didn't\s+catch",
    )),
)
SIGNAL_COLUMNS = [rule.name for rule in RULES]


def message_signals(text: str, author_role: str) -> dict[str, bool]:
    """Which signals one message carries (a rule applies only to the roles it is written for)."""
    return {rule.name: author_role in rule.roles and bool(rule.pattern.search(text or "")) for rule in RULES}


def signals_frame(texts: list[str], roles: list[str]) -> pd.DataFrame:
    return pd.DataFrame([message_signals(t, r) for t, r in zip(texts, roles, strict=True)], columns=SIGNAL_COLUMNS)


def detect_new_messages(warehouse: Warehouse, messages_table: str,
                        progress: Callable[[int], None] | None = None) -> int:
    table = check_identifier(messages_table)
    written = 0
    after = ""
    while True:
        page = warehouse.query_df(
            f"select m.message_id, m.text_hash, m.author_role, m.message_text from {table} m"
            " where m.message_id > :after and m.author_role in ('customer', 'bot') and not exists ("
            "select 1 from core.enr_message_signals s where s.message_id = m.message_id"
            " and s.text_hash = m.text_hash and s.signals_version = :version)"
            " order by m.message_id limit :page_rows",
            {"after": after, "version": SIGNALS_VERSION, "page_rows": PAGE_ROWS},
        )
        if page.empty:
            return written
        flags = signals_frame(page["message_text"].astype(str).tolist(), page["author_role"].astype(str).tolist())
        rows = pd.concat([page[["message_id", "text_hash", "author_role"]].reset_index(drop=True), flags], axis=1)
        rows["signals_version"] = SIGNALS_VERSION
        rows["detected_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with warehouse.transaction():
            warehouse.bulk_insert("core.enr_message_signals", rows)
        written += len(rows)
        after = str(page["message_id"].iloc[-1])
        if progress:
            progress(len(rows))


STEPS = [
    EnrichmentStep(
        name="message_signals",
        description="Finding requests for a person, confirmations and bot fallbacks in messages",
        reads=("fct_messages",),
        writes={"message_signals": "core.enr_message_signals"},
        ddl=(
            """create table if not exists core.enr_message_signals (
    message_id text not null,
    text_hash text not null,
    author_role text not null,
    is_human_request boolean not null,
    is_confirmation boolean not null,
    has_escalation_keyword boolean not null,
    is_bot_fallback boolean not null,
    signals_version text not null,
    detected_at timestamp not null
)""",
        ),
        run=lambda context: detect_new_messages(context.warehouse, context.table_of("fct_messages"),
                                                context.progress),
    ),
]
