"""Rule-based signals in message text: a customer asking for a person, confirming the problem is solved,
using escalation language or rejecting the answer they got; a bot admitting it did not understand.

Each rule is a word pattern and the look-alikes it must not take for itself (`unless`): reported speech ("the
agent said it was fixed but it's not"), negation and questions ("when will this be fixed?"), the past ("I
already spoke to your rep"), other people's managers. The patterns were checked on the demo's phrasings and on
real customer tweets (Kaggle "Customer Support on Twitter", /work/shared/data/twcs_random5000); the examples,
positive and negative, are in tests/etl/test_message_signals.py.

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

SIGNALS_VERSION = "signals-3"
PAGE_ROWS = 200_000
# An escalation counts as driven by complexity when the customer had written at least this many turns before it
# (or the contact was transferred twice or more): sql/core/fct_escalations.sql, docs/automation.md.
ESCALATION_COMPLEX_CUSTOMER_TURNS = 6


@dataclass(frozen=True)
class Rule:
    """A signal: true when `pattern` matches and `unless` (the known look-alikes) does not."""

    name: str
    roles: tuple[str, ...]
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None

    def matches(self, text: str) -> bool:
        return self.matches_normalised(_normalise(text))

    def matches_normalised(self, normalised: str) -> bool:
        """`matches` of a text already passed through `_normalise`."""
        if not self.pattern.search(normalised):
            return False
        return not (self.unless and self.unless.search(normalised))


def _words(*alternatives: str, raw: tuple[str, ...] = ()) -> re.Pattern[str]:
    """Word-bounded alternatives, plus `raw` patterns taken as they are (e.g. ending in a question mark)."""
    parts = [r"\b(?:" + "|".join(alternatives) + r")\b", *raw]
    return re.compile("|".join(parts), re.IGNORECASE)


def _normalise(text: str) -> str:
    """Curly apostrophes as straight ones, runs of spaces as one (real tweets use both)."""
    return re.sub(r"\s+", " ", (text or "").replace("\u2019", "'").replace("\u2018", "'"))


_PERSON = (r"(?:person|human(?:\s+being)?|agent|representative|rep|operator|someone|somebody|anyone|advisor"
           r"|employee)")
_A_PERSON = r"(?:(?:a|an|the|your|one\s+of\s+your)\s+)?(?:real\s+|live\s+|actual\s+|human\s+)?" + _PERSON
_STATE = r"(?:fixed|solved|resolved|sorted(?:\s+out)?|working|back\s+on)"

# A customer asking to be served by a person. Present or wished-for requests only: "I already spoke to your
# rep", "I finally got to speak to a human" and "the rep was rude" report the past and are not requests.
HUMAN_REQUEST = Rule("is_human_request", ("customer",), _words(
    r"(?:talk|speak|chat)\s+(?:to|with)\s+" + _A_PERSON,
    r"(?:need|want|get|give\s+me|transfer\s+me\s+to|put\s+me\s+through\s+to)\s+" + _A_PERSON,
    r"(?:connect|transfer|put)\s+me\s+(?:to|with|through)",
    r"(?:agent|human|person|representative|operator)\s*(?:please|pls|now)",
    r"real\s+person", r"live\s+(?:agent|person|representative)", r"actual\s+(?:person|human)",
    r"not\s+(?:a|another|this)\s+(?:bot|robot|machine)", r"stop\s+(?:the\s+)?(?:bot|robot)",
), unless=_words(
    r"(?:already|finally|just|got\s+to|managed\s+to|tried\s+to)\s+(?:talk|speak|chat|spoke|talked|chatted)",
    r"(?:don't|do\s+not|no)\s+need\s+(?:to\s+(?:talk|speak)\s+to\s+)?" + _A_PERSON,
    r"(?:sent|send|sending|transferred)\s+(?:money|payment|it|funds)\s+to",
    r"too\s+long\s+to\s+(?:get|reach|talk|speak)", r"(?:took|takes)\s+(?:\w+\s+){0,3}to\s+get\s+(?:a|an|to)",
))

# A customer saying the problem is solved. The look-alikes are the hard part: "the agent said it was fixed but
# it's not", "it worked until yesterday", "when will this be fixed?", "not resolved yet", "still not working".
CONFIRMATION = Rule("is_confirmation", ("customer",), _words(
    r"(?:that|this|it|which|restarting|resetting|updating)\s+(?:worked|helped|did\s+(?:it|the\s+trick))",
    r"(?:that|this|it|you)\s+(?:fixed|solved|resolved|sorted)\s+it",
    r"(?:it|that|this|issue|problem|everything|all)(?:'s|\s+is|\s+are|\s+has\s+been|\s+was)?\s+(?:now\s+)?"
    + _STATE + r"\s+now",
    r"(?:it's|it\s+is|issue\s+is|problem\s+is|all\s+is|everything\s+is|that's|this\s+is)\s+(?:now\s+)?"
    r"(?:fixed|solved|resolved|sorted)",
    r"(?:fixed|solved|resolved|sorted|working|works)\s+now", r"problem\s+solved", r"all\s+(?:sorted|set)",
    r"all\s+good\s+now", r"(?:that's|that\s+is|exactly)\s+what\s+i\s+(?:needed|was\s+looking\s+for)", r"found\s+it",
    r"got\s+it\s+(?:working|fixed|sorted)", r"saved\s+my\s+day", r"(?:you're|you\s+are)\s+a\s+lifesaver",
    r"that\s+answers\s+my\s+question", r"worked\s+(?:for\s+me|perfectly)",
    r"it\s+works(?:\s+again)?(?=[\s.!,]|$)",
), unless=_words(
    r"(?:not|n't|never|no\s+longer|nothing)\s+(?:\w+\s+){0,2}(?:fixed|solved|resolved|sorted|work\w*|help\w*)",
    r"(?:said|says|told|claimed|claims|promised|supposed|apparently|thought)\b[^.!?]{0,40}"
    r"(?:fixed|solved|resolved|sorted|work)",
    r"(?:still|again)\s+(?:not|broken|failing|down|the\s+same|doesn't|does\s+not|can't|getting|having|shows|says)",
    r"but\s+(?:it's|it\s+is|it|that|now|still|not|i|we)\b", r"until", r"(?:when|if|whenever)\s+it\s+works",
    r"same\s+(?:error|problem|issue)", r"work(?:ed|s)\s+(?:\w+\s+)?(?:last|yesterday|before|earlier|previously)",
    r"(?:is|was|has)\s+(?:it|this|that)\s+(?:been\s+)?(?:fixed|solved|resolved|sorted)",
    raw=(r"\b(?:when|how\s+long|will|can|could)\b[^.!?]{0,40}(?:fixed|solved|resolved|sorted|work)[^.!?]{0,20}\?",),
))

# Language that asks to take the matter higher or threatens to leave. "Our manager asked me", "the train
# manager", "cancelled flight" are not escalations; asking for a manager, a complaint or leaving are.
ESCALATION_KEYWORD = Rule("has_escalation_keyword", ("customer",), _words(
    r"(?:speak|talk)\s+(?:to|with)\s+(?:a|your|the|someone's)\s+(?:manager|supervisor|superior|boss)",
    r"(?:want|need|get|see|call|demand)\s+(?:a|your|the)\s+(?:manager|supervisor|superior)",
    r"supervisor", r"escalat\w*", r"(?:file|filing|make|making|raise|raising|lodge|formal)\s+(?:a\s+)?complaint",
    r"complain\w*", r"lawyer", r"attorney", r"legal\s+action", r"sue\s+you", r"ombudsman", r"regulator",
    r"report\s+(?:you|this)\s+to",
    r"(?:about\s+to|going\s+to|gonna|will|we'll|i'll|thinking\s+(?:of|about)|considering)\s+(?:cancel\w*|"
    r"switch\w*|clos\w+\s+(?:my|our)\s+account|leav\w*\s+(?:you|your|this\s+company|for))",
    r"considering\s+leaving", r"(?:i|we)\s+will\s+leave",
    r"(?:or|otherwise|else)\s+(?:we|i)(?:'ll|\s+will)\s+(?:cancel|leave|switch|go)",
    r"(?:switch|switching|move|moving|go|going)\s+to\s+(?:a\s+)?(?:competitor|another\s+provider|different\s+provider)",
    r"unacceptable", r"ridiculous", r"disgrace\w*", r"worst\s+(?:service|support|experience|customer\s+service)",
), unless=_words(
    r"(?:our|my)\s+manager\s+(?:asked|wants|told|needs|said)",
    r"(?:train|account|password|project|store|property)\s+manager",
))

# A customer saying the answer they got does not help ("that doesn't answer my question", "none of those options
# fit"). In a bot session it means the bot's answer was rejected: a customer who leaves after it was not served.
ANSWER_REJECTED = Rule("is_answer_rejected", ("customer",), _words(
    r"(?:doesn't|does\s+not|didn't|did\s+not)\s+(?:really\s+)?(?:answer|address|solve|fix|help)",
    r"(?:none|neither)\s+of\s+(?:those|these|them|(?:the|your)\s+(?:options|answers|suggestions|links|steps))",
    r"(?:not|isn't|wasn't|is\s+not|was\s+not)\s+(?:very\s+|at\s+all\s+)?(?:helpful|what\s+i\s+(?:asked|meant|need\w*))",
    r"(?:that's|that\s+is|this\s+is)\s+(?:not\s+(?:it|right|relevant)|wrong|irrelevant|useless)",
    r"useless", r"not\s+(?:my|the)\s+(?:question|problem|issue)", r"wrong\s+answer",
), unless=_words(r"(?:that|this|it)\s+(?:did|does)\s+help"))

# A bot saying it did not understand or cannot help (a fallback or "no match" turn).
BOT_FALLBACK = Rule("is_bot_fallback", ("bot",), _words(
    r"(?:didn't|did\s+not|don't|do\s+not)\s+(?:quite\s+)?(?:understand|get\s+that|follow)",
    r"(?:could|can)\s+you\s+(?:please\s+)?(?:rephrase|say\s+(?:that|it)\s+(?:again|another\s+way)|try\s+again)",
    r"(?:i'm|i\s+am)\s+not\s+sure\s+(?:i\s+(?:can\s+help|understand|follow)|what\s+you\s+mean)",
    r"i\s+(?:can't|cannot|am\s+not\s+able\s+to|'m\s+not\s+able\s+to)\s+help\s+with\s+that",
    r"sorry,?\s+i\s+(?:didn't|did\s+not)\s+catch", r"(?:i'm|i\s+am)\s+still\s+learning",
    r"(?:that's|that\s+is)\s+(?:beyond|outside)\s+what\s+i\s+can", r"i\s+don't\s+have\s+an\s+answer",
    r"try\s+(?:asking|wording)\s+(?:it|that)\s+(?:another|a\s+different)\s+way",
), unless=_words(r"(?:i|we)\s+(?:understand|fully\s+understand)\s+(?:your|how|that|the)"))

RULES: tuple[Rule, ...] = (HUMAN_REQUEST, CONFIRMATION, ESCALATION_KEYWORD, ANSWER_REJECTED, BOT_FALLBACK)
SIGNAL_COLUMNS = [rule.name for rule in RULES]


def message_signals(text: str, author_role: str) -> dict[str, bool]:
    """Which signals one message carries (a rule applies only to the roles it is written for)."""
    return {rule.name: author_role in rule.roles and rule.matches(text) for rule in RULES}


def _signals_of_normalised(normalised: str, author_role: str) -> tuple[bool, ...]:
    return tuple(author_role in rule.roles and rule.matches_normalised(normalised) for rule in RULES)


def signals_frame(texts: list[str], roles: list[str]) -> pd.DataFrame:
    """`message_signals` of each (text, role), in order: each distinct pair is matched once, its text normalised
    once for every rule."""
    pairs = list(zip(texts, roles, strict=True))
    by_pair = {pair: _signals_of_normalised(_normalise(pair[0]), pair[1]) for pair in dict.fromkeys(pairs)}
    return pd.DataFrame([by_pair[pair] for pair in pairs], columns=SIGNAL_COLUMNS, dtype=bool)


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
    is_answer_rejected boolean,
    signals_version text not null,
    detected_at timestamp not null
)""",
            "alter table core.enr_message_signals add column if not exists is_answer_rejected boolean",
        ),
        run=lambda context: detect_new_messages(context.warehouse, context.table_of("fct_messages"),
                                                context.progress),
    ),
]
