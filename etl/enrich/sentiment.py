"""Sentiment of every message, scored once per text and scorer version, by two scorers side by side.

- Stock VADER (Hutto and Gilbert 2014) scores every message: customer, agent and bot turns alike, each row
  keeping its author role, so a customer's tone is never mixed with the replies it received.
- The customer-service layer over VADER (`etl.enrich.cs_lexicon`) also scores every customer message. On
  hand-labelled customer support tweets it is much closer to people than stock VADER (held-out macro-F1 0.630
  against 0.446, docs/sentiment_evaluation.md), so the customer's figures use it. It was built for what
  customers write to a support desk, not for agent or bot replies, which keep stock VADER.

Both scores go to `core.enr_message_sentiment`, one row per message, text and scorer version: the stock rows
carry ANALYZER_VERSION, the customer-service rows ADAPTED_VERSION (the stock version plus the lexicon
version), so either can be bumped and rescored alone and the models pick one with a `var`. Scoring is
incremental (only messages whose id and text have no row under a scorer's current version) and spread over
the machine's cores with one process pool for the whole step, started only when a page holds enough
distinct texts to pay for it (PARALLEL_FROM_TEXTS).

Each distinct text of a page is read once: `etl.enrich.vader_scoring.TwoLexiconScorer` gives stock VADER's scores
and the customer-service layer's from one reading (equal to the last bit to stock VADER's `polarity_scores`
and to the layer's own analyzer, tests/etl/test_vader_scoring.py), and one query finds what each scorer still
has to score.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from types import TracebackType

import pandas as pd

from etl.enrich import cs_lexicon
from etl.enrich.steps import EnrichmentStep, StepContext
from etl.enrich.vader_scoring import Scores, TwoLexiconScorer
from etl.warehouse import Warehouse, check_identifier

NEGATIVE_BELOW = -0.05
POSITIVE_ABOVE = 0.05
ANALYZER_VERSION = f"vader-{version('vaderSentiment')}/thresholds-0.05"
ADAPTED_VERSION = f"{ANALYZER_VERSION}+{cs_lexicon.CS_LEXICON_VERSION}"
PAGE_ROWS = 200_000
# distinct texts from which a page is scored by the pool (bench/sentiment_vs_vader.py --threshold measures it)
PARALLEL_FROM_TEXTS = 5_000
SCORE_COLUMNS = ["compound", "positive", "neutral", "negative"]
STOCK = "stock"
ADAPTED = "adapted"
BOTH = "both"


@dataclass(frozen=True)
class Scorer:
    """One way of scoring messages: its name, the version stamped on its rows, whether only customer turns."""

    name: str
    version: str
    customer_only: bool


SCORERS = (
    Scorer(STOCK, ANALYZER_VERSION, customer_only=False),
    Scorer(ADAPTED, ADAPTED_VERSION, customer_only=True),
)


@lru_cache(maxsize=1)
def _two_lexicon_scorer() -> TwoLexiconScorer:
    """Stock VADER and the customer-service layer, built once per process (the lexicon loads in the constructor;
    also the pool's initializer)."""
    return TwoLexiconScorer(cs_lexicon.adapted_lexicon, cs_lexicon.mark_phrases)


def _score_block(texts: Sequence[str], kind: str) -> list[tuple[Scores, Scores | None]]:
    """(stock scores, adapted scores or None) of each text; `kind` says which are wanted (stock, adapted, both)."""
    scorer = _two_lexicon_scorer()
    if kind == STOCK:
        return [(scorer.stock_scores(text), None) for text in texts]
    return [scorer.scores(text) for text in texts]


def _score_stock_block(texts: Sequence[str]) -> list[tuple[Scores, Scores | None]]:
    return _score_block(texts, STOCK)


def _score_both_block(texts: Sequence[str]) -> list[tuple[Scores, Scores | None]]:
    return _score_block(texts, BOTH)


class ScoringPool:
    """The processes that score texts, for as long as the `with` block: started on the first batch of at least
    PARALLEL_FROM_TEXTS distinct texts (smaller batches are scored in this process), then reused by every page."""

    def __init__(self, processes: int | None = None, parallel_from_texts: int | None = None) -> None:
        self.workers = processes or os.cpu_count() or 1
        self.parallel_from_texts = PARALLEL_FROM_TEXTS if parallel_from_texts is None else parallel_from_texts
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ScoringPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def score(self, distinct_texts: Sequence[str], kind: str) -> list[tuple[Scores, Scores | None]]:
        block_scorer = _score_stock_block if kind == STOCK else _score_both_block
        if self.workers <= 1 or len(distinct_texts) < self.parallel_from_texts:
            return block_scorer(distinct_texts)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_two_lexicon_scorer)
        size = max(1, len(distinct_texts) // (self.workers * 4))
        blocks = [distinct_texts[i:i + size] for i in range(0, len(distinct_texts), size)]
        return [row for block in self._pool.map(block_scorer, blocks) for row in block]


def sentiment_label(compound: float) -> str:
    """VADER's published thresholds: negative below -0.05, positive above +0.05, neutral between."""
    if compound < NEGATIVE_BELOW:
        return "negative"
    if compound > POSITIVE_ABOVE:
        return "positive"
    return "neutral"


def _scores_by_text(texts: Sequence[str], kind: str, pool: ScoringPool) -> dict[str, tuple[Scores, Scores | None]]:
    """Each distinct text of `texts` scored once."""
    unique = list(dict.fromkeys(texts))
    return dict(zip(unique, pool.score(unique, kind), strict=True))


def _scores_frame(scores: Sequence[Scores]) -> pd.DataFrame:
    frame = pd.DataFrame(list(scores), columns=SCORE_COLUMNS)
    frame["sentiment_label"] = frame["compound"].map(sentiment_label)
    return frame


def score_texts(texts: Sequence[str], processes: int | None = None, scorer: str = STOCK) -> pd.DataFrame:
    """Scores for each text (in order) by `scorer` ('stock' or 'adapted'); identical texts are scored once."""
    if scorer not in (STOCK, ADAPTED):
        raise ValueError(f"unknown scorer {scorer!r}")
    with ScoringPool(processes) as pool:
        by_text = _scores_by_text(texts, scorer if scorer == STOCK else BOTH, pool)
    pick = 0 if scorer == STOCK else 1
    return _scores_frame([by_text[text][pick] for text in texts])  # type: ignore[misc]


def score_customer_texts(texts: Sequence[str], processes: int | None = None,
                         parallel_from_texts: int | None = None) -> pd.DataFrame:
    """Both scores of customer texts (in order), from one reading of each distinct text: stock VADER's columns,
    then the customer-service layer's `adapted_compound` and `adapted_sentiment_label`. The pool starts from
    `parallel_from_texts` distinct texts (default PARALLEL_FROM_TEXTS)."""
    with ScoringPool(processes, parallel_from_texts) as pool:
        by_text = _scores_by_text(texts, BOTH, pool)
    frame = _scores_frame([by_text[text][0] for text in texts])
    adapted = _scores_frame([by_text[text][1] for text in texts])  # type: ignore[misc]
    frame["adapted_compound"] = adapted["compound"]
    frame["adapted_sentiment_label"] = adapted["sentiment_label"]
    return frame


def _unscored_page(warehouse: Warehouse, table: str, after: str) -> pd.DataFrame:
    """The next page of messages that some scorer has not scored under its current version, with one
    `needs_<scorer>` flag per scorer."""
    flags = []
    params: dict[str, object] = {"after": after, "page_rows": PAGE_ROWS}
    for number, scorer in enumerate(SCORERS):
        roles = "m.author_role = 'customer' and " if scorer.customer_only else ""
        flags.append(
            f"{roles}not exists (select 1 from core.enr_message_sentiment s where s.message_id = m.message_id"
            f" and s.text_hash = m.text_hash and s.analyzer_version = :version_{number}) as needs_{scorer.name}")
        params[f"version_{number}"] = scorer.version
    wanted = " or ".join(f"needs_{scorer.name}" for scorer in SCORERS)
    return warehouse.query_df(
        f"select * from (select m.message_id, m.text_hash, m.author_role, m.message_text, {', '.join(flags)}"
        f" from {table} m where m.message_id > :after) q where {wanted} order by message_id limit :page_rows",
        params,
    )


def _scorer_rows(page: pd.DataFrame, scorer: Scorer, by_text: dict[str, tuple[Scores, Scores | None]],
                 scored_at: dt.datetime) -> pd.DataFrame:
    wanted = page[page[f"needs_{scorer.name}"].astype(bool)]
    pick = 0 if scorer.name == STOCK else 1
    scores = _scores_frame([by_text[text][pick] for text in wanted["message_text"]])  # type: ignore[misc]
    rows = pd.concat([wanted[["message_id", "text_hash", "author_role"]].reset_index(drop=True), scores], axis=1)
    rows["analyzer_version"] = scorer.version
    rows["scored_at"] = scored_at
    return rows


def _score_page(page: pd.DataFrame, pool: ScoringPool) -> dict[str, tuple[Scores, Scores | None]]:
    """Each distinct text of the page scored once: both scores where the adapted one is wanted, else stock."""
    needs_adapted = page[f"needs_{ADAPTED}"].astype(bool)
    by_text = _scores_by_text(page.loc[needs_adapted, "message_text"].tolist(), BOTH, pool)
    stock_only = [text for text in page.loc[~needs_adapted, "message_text"] if text not in by_text]
    by_text.update(_scores_by_text(stock_only, STOCK, pool))
    return by_text


def score_new_messages(warehouse: Warehouse, messages_table: str,
                       progress: Callable[[int], None] | None = None,
                       processes: int | None = None) -> dict[str, int]:
    """Score the messages of `messages_table` that have no row under each scorer's current version.

    Returns the number of messages scored by each scorer ('stock', 'adapted').
    """
    table = check_identifier(messages_table)
    scored = {scorer.name: 0 for scorer in SCORERS}
    after = ""
    with ScoringPool(processes) as pool:
        while True:
            page = _unscored_page(warehouse, table, after)
            if page.empty:
                break
            page["message_text"] = page["message_text"].astype(str)
            by_text = _score_page(page, pool)
            scored_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            rows = [_scorer_rows(page, scorer, by_text, scored_at) for scorer in SCORERS]
            with warehouse.transaction():
                for scorer, scorer_rows in zip(SCORERS, rows, strict=True):
                    warehouse.bulk_insert("core.enr_message_sentiment", scorer_rows)
                    scored[scorer.name] += len(scorer_rows)
            after = str(page["message_id"].iloc[-1])
            if progress:
                progress(sum(len(scorer_rows) for scorer_rows in rows))
    return scored


def _run_step(context: StepContext) -> int:
    """Messages scored by stock VADER (what the run reports); the adapted count goes to the step's report."""
    scored = score_new_messages(context.warehouse, context.table_of("fct_messages"), context.progress)
    context.reports["message_sentiment"] = scored
    return scored[STOCK]


STEPS = [
    EnrichmentStep(
        name="message_sentiment",
        description="Scoring message sentiment (VADER; customer messages also with the customer-service lexicon)",
        reads=("fct_messages",),
        writes={"message_sentiment": "core.enr_message_sentiment"},
        ddl=(
            """create table if not exists core.enr_message_sentiment (
    message_id text not null,
    text_hash text not null,
    author_role text not null,
    analyzer_version text not null,
    compound double precision not null,
    positive double precision not null,
    neutral double precision not null,
    negative double precision not null,
    sentiment_label text not null,
    scored_at timestamp not null
)""",
        ),
        run=_run_step,
    ),
]
