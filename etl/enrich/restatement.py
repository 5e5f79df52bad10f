"""Restatement: after a bot hands a conversation to a person, does the customer repeat what they already told
the bot? That shows whether the context followed the customer through the handoff.

For each handed-off conversation the customer's turns before the handoff (to the bot) are compared with the
customer's first turns to the person after it, as sets of content words: lower-cased, curly apostrophes
straightened, stop words and words under three letters dropped, and each word cut to a stem by a small
inflection stemmer (`stem`: charged, charges, charging -> charg; invoices -> invoic; applied -> appli), so
that a restatement in other tenses or numbers still matches.

Similarity of one post-handoff turn is the share of its content words the customer had already written to
the bot (containment, |pre ∩ turn| / |turn|): it asks "how much of what they now say is repetition", which is
the question, and unlike Jaccard it is not diluted when the bot conversation was long. The conversation's
similarity is the highest over its first RESTATEMENT_TURNS post-handoff customer turns that carry content
words: a restatement happens when the person first asks what the matter is, and later turns (answers to
questions, "that worked, thanks") would only dilute it. Turns with no content word (greetings, "ok") are
skipped; with nothing to compare on either side the similarity is null and it is not a restatement.

A conversation is a restatement when
- its similarity is at least RESTATEMENT_THRESHOLD (0.5: at least half of what the customer tells the person
  repeats what they told the bot) with at least RESTATEMENT_MIN_SHARED_WORDS (2) shared stems, so that a
  one-word follow-up ("Refund?") cannot reach 1.0 by itself; or
- a post-handoff turn says so outright ("as I already told the bot", "I have to repeat myself", "like I said
  before"; RESTATEMENT_CUES), whatever the words: a customer who restates in new words is still restating.
0.5 separates the written examples in tests/etl/test_restatement.py: clear restatements score 0.6-1.0,
partial ones (the same topic, new details) 0.3-0.5, unrelated follow-ups and greetings 0-0.2.

The step stores each conversation's similarity, shared stems and cue; `is_restatement` in its rows is the
verdict at the shipped threshold. The models apply the threshold of the active calibration (`cxpulse
calibrate`, etl/calibration.py) to the stored scores, once, in
sql/intermediate/int_handoff_restatements_thresholded.sql, so a new calibration re-derives every flag without
rescoring a conversation.
RESTATEMENT_VERSION (the scores' version) is bumped whenever the cues, the word rules or the turns compared change.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import re
from collections.abc import Callable

import pandas as pd

from etl.enrich.steps import EnrichmentStep
from etl.warehouse import Warehouse, check_identifier

RESTATEMENT_THRESHOLD = 0.5
RESTATEMENT_MIN_SHARED_WORDS = 2
RESTATEMENT_TURNS = 2
RESTATEMENT_VERSION = "restatement-4/containment-first2/cues/shared-stems"
_TOKEN = re.compile(r"[a-z0-9']+")
_STOP_WORDS_TEXT = """
a about above after again all also am an and any are as at be been before being but by can can't could did
didn't do does doesn't doing don't for from get got had has have having he her here hi hello hey how i i'd
i'll i'm i've if in into is isn't it it's its just me my myself need no nor not now of off on once only or
our out over own please same she should so some such than thank thanks that that's the their them then
there these they this those through to too under until up very was wasn't we we're were what when where
which while who why will with won't would you your yes ok okay still again also one there's can't
bot agent person human someone already told said explained repeat myself like before once more wrote
minute ago sorry help want know tell
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
RESTATEMENT_CUES = re.compile(
    r"\b(?:as\s+i\s+(?:already\s+)?(?:said|told|explained|mentioned|wrote)|like\s+i\s+(?:already\s+)?"
    r"(?:said|told|explained|mentioned|wrote)|i\s+(?:already|just)\s+(?:said|told|explained|mentioned|wrote|typed|"
    r"gave)|(?:have|had)\s+to\s+(?:repeat|explain\s+(?:it|this|everything)\s+again)|repeat(?:ing)?\s+myself|"
    r"(?:say|said|explain)\s+(?:it|this|that)\s+(?:once\s+more|again)|to\s+say\s+it\s+once\s+more|"
    r"(?:didn't|did\s+not|don't)\s+(?:the\s+bot|you)\s+(?:pass|send|forward|tell))",
    re.IGNORECASE,
)
_VOWEL = re.compile(r"[aeiouy]")


def stem(word: str) -> str:
    """A small inflection stemmer (plural, -ed, -ing, final -e, final double letter, -y):
    charge/charged/charges/charging -> charg, billed/billing/bill -> bil, apply/applied/applies -> appli.
    Derivations (-ment, -ation) are left alone: they change meaning more often than tense does."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and _VOWEL.search(base):
            word = base
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def content_words(text: str) -> frozenset[str]:
    """The stems of a text's content words (stop words and words under three letters dropped)."""
    normalised = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    words = set()
    for token in _TOKEN.findall(normalised):
        token = token.strip("'")
        if token in STOP_WORDS or len(token) < 3:
            continue
        words.add(stem(token))
    return frozenset(words)


def says_restated(turn: str) -> bool:
    """Does this turn say outright that the customer is repeating themselves?"""
    return bool(RESTATEMENT_CUES.search((turn or "").replace("\u2019", "'")))


def has_restatement_cue(turns: list[str], says: Callable[[str], bool] = says_restated) -> bool:
    """Does any turn say outright that the customer is repeating themselves?"""
    return any(says(t) for t in turns)


def restatement_scores(before_handoff: list[str], after_handoff: list[str],
                       words_of: Callable[[str], frozenset[str]] = content_words) -> tuple[float | None, int]:
    """(similarity, shared stems) of the best of the first RESTATEMENT_TURNS post-handoff turns with content
    words; similarity None when either side has nothing to compare. `words_of`: `content_words`, or a look-up
    of it computed beforehand."""
    before = frozenset().union(*(words_of(t) for t in before_handoff)) if before_handoff else frozenset()
    turns = [words for words in (words_of(t) for t in after_handoff) if words][:RESTATEMENT_TURNS]
    if not before or not turns:
        return None, 0
    best = max(turns, key=lambda words: (len(before & words) / len(words), len(before & words)))
    return len(before & best) / len(best), len(before & best)


def restatement_similarity(before_handoff: list[str], after_handoff: list[str]) -> float | None:
    """Share of the customer's post-handoff content words already written before it (None: nothing to compare)."""
    return restatement_scores(before_handoff, after_handoff)[0]


def is_restatement(similarity: float | None, shared_words: int = RESTATEMENT_MIN_SHARED_WORDS,
                   has_cue: bool = False) -> bool:
    if has_cue:
        return True
    return (similarity is not None and similarity >= RESTATEMENT_THRESHOLD
            and shared_words >= RESTATEMENT_MIN_SHARED_WORDS)


def classify(before_handoff: list[str], after_handoff: list[str]) -> tuple[float | None, bool, bool]:
    """(similarity, has_cue, is_restatement) of one handed-off conversation."""
    similarity, _shared, cue, restated = classify_with_shared(before_handoff, after_handoff)
    return similarity, cue, restated


def classify_with_shared(before_handoff: list[str], after_handoff: list[str],
                         words_of: Callable[[str], frozenset[str]] = content_words,
                         says: Callable[[str], bool] = says_restated) -> tuple[float | None, int, bool, bool]:
    """(similarity, shared stems, has_cue, is_restatement at the shipped threshold) of one conversation.
    `words_of` and `says`: `content_words` and `says_restated`, or look-ups of them computed beforehand."""
    similarity, shared = restatement_scores(before_handoff, after_handoff, words_of)
    cue = bool(before_handoff) and has_restatement_cue(after_handoff[:RESTATEMENT_TURNS + 1], says)
    return similarity, shared, cue, is_restatement(similarity, shared, cue)


def _customer_turns_sql(interactions: str, messages: str) -> str:
    """Every customer turn of a handed-off conversation, whether it came after the handoff, and how many customer
    turns the conversation has now. The handoff moment is the handoff event, else the queue entry, else the
    answer (as `handed_off_at` in core.fct_bot_sessions, less its last resort, the first agent message)."""
    handed_off_at = "coalesce(i.handoff_at, i.queued_at, i.answered_at)"
    return (
        f"select i.interaction_id, m.message_id, m.sent_at, m.message_text, m.sent_at >= {handed_off_at}"
        f" as is_after_handoff, count(*) over (partition by i.interaction_id) as count_customer_turns"
        f" from {interactions} i inner join {messages} m on m.interaction_id = i.interaction_id"
        f" where i.service_path = 'bot_to_human' and {handed_off_at} is not null and m.author_role = 'customer'"
    )


def score_handoffs(warehouse: Warehouse, interactions_table: str, messages_table: str,
                   progress: Callable[[int], None] | None = None) -> int:
    """Score handed-off conversations that have no row under this version, or whose customer turns changed since
    they were scored (a conversation loaded while still open is scored again once it has grown); return how
    many were scored."""
    turns_sql = _customer_turns_sql(check_identifier(interactions_table), check_identifier(messages_table))
    same_turns = (
        "r.interaction_id = t.interaction_id and r.restatement_version = :version"
        " and r.count_customer_turns_before + r.count_customer_turns_after = t.count_customer_turns"
    )
    frame = warehouse.query_df(
        f"select t.interaction_id, t.message_text, t.is_after_handoff from ({turns_sql}) t"
        f" where not exists (select 1 from core.enr_handoff_restatement r where {same_turns})"
        " order by t.interaction_id, t.sent_at, t.message_id",
        {"version": RESTATEMENT_VERSION},
    )
    if frame.empty:
        return 0
    texts = frame["message_text"].astype(str).tolist()
    # each distinct text's words and cue worked out once, not once per conversation and turn
    distinct = dict.fromkeys(texts)
    words_of = {text: content_words(text) for text in distinct}.__getitem__
    says = {text: says_restated(text) for text in distinct}.__getitem__
    rows = []
    turns = zip(frame["interaction_id"].tolist(), texts, frame["is_after_handoff"].astype(bool).tolist(), strict=True)
    # the frame is ordered by conversation, so each conversation's turns are one run
    for interaction_id, run in itertools.groupby(turns, key=operator.itemgetter(0)):
        before: list[str] = []
        after: list[str] = []
        for _id, text, is_after in run:
            (after if is_after else before).append(text)
        similarity, shared, cue, restated = classify_with_shared(before, after, words_of, says)
        rows.append((interaction_id, len(before), len(after), similarity, shared, cue, restated))
    out = pd.DataFrame(rows, columns=["interaction_id", "count_customer_turns_before", "count_customer_turns_after",
                                      "similarity", "count_shared_words", "has_restatement_cue", "is_restatement"])
    out["restatement_version"] = RESTATEMENT_VERSION
    out["scored_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with warehouse.transaction():
        # one row per conversation and version: drop the rows of conversations whose turns have changed
        warehouse.execute(
            "delete from core.enr_handoff_restatement where restatement_version = :version and interaction_id in ("
            f"select t.interaction_id from ({turns_sql}) t where not exists ("
            f"select 1 from core.enr_handoff_restatement r where {same_turns}))",
            {"version": RESTATEMENT_VERSION},
        )
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
    has_restatement_cue boolean,
    is_restatement boolean not null,
    restatement_version text not null,
    scored_at timestamp not null
)""",
            "alter table core.enr_handoff_restatement add column if not exists has_restatement_cue boolean",
            "alter table core.enr_handoff_restatement add column if not exists count_shared_words integer",
        ),
        run=lambda context: score_handoffs(context.warehouse, context.table_of("fct_interactions"),
                                           context.table_of("fct_messages"), context.progress),
    ),
]
