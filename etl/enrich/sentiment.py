"""VADER sentiment of every message, scored once per text and analyzer version.

Customer, agent and bot messages are all scored, each row keeping its author role, so that a customer's
tone is never mixed with the replies it received. Scoring is incremental (only messages whose id and text
have no score under the current analyzer version) and spread over the machine's cores.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from etl.enrich.steps import EnrichmentStep, StepContext
from etl.warehouse import Warehouse, check_identifier

NEGATIVE_BELOW = -0.05
POSITIVE_ABOVE = 0.05
ANALYZER_VERSION = f"vader-{version('vaderSentiment')}/thresholds-0.05"
PAGE_ROWS = 200_000
PARALLEL_FROM_TEXTS = 5_000
SCORE_COLUMNS = ["compound", "positive", "neutral", "negative"]

_analyzer: SentimentIntensityAnalyzer | None = None


def _init_worker() -> None:
    global _analyzer
    _analyzer = SentimentIntensityAnalyzer()


def _score_block(texts: Sequence[str]) -> list[tuple[float, float, float, float]]:
    if _analyzer is None:
        _init_worker()
    assert _analyzer is not None
    out = []
    for text in texts:
        scores = _analyzer.polarity_scores(text)
        out.append((scores["compound"], scores["pos"], scores["neu"], scores["neg"]))
    return out


def sentiment_label(compound: float) -> str:
    """VADER's published thresholds: negative below -0.05, positive above +0.05, neutral between."""
    if compound < NEGATIVE_BELOW:
        return "negative"
    if compound > POSITIVE_ABOVE:
        return "positive"
    return "neutral"


def score_texts(texts: Sequence[str], processes: int | None = None) -> pd.DataFrame:
    """Scores for each text (in order); identical texts are scored once."""
    unique = list(dict.fromkeys(texts))
    workers = processes or os.cpu_count() or 1
    if workers > 1 and len(unique) >= PARALLEL_FROM_TEXTS:
        size = max(1, len(unique) // (workers * 4))
        blocks = [unique[i:i + size] for i in range(0, len(unique), size)]
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
            scored = [row for block in pool.map(_score_block, blocks) for row in block]
    else:
        scored = _score_block(unique)
    by_text = dict(zip(unique, scored, strict=True))
    frame = pd.DataFrame([by_text[t] for t in texts], columns=SCORE_COLUMNS)
    frame["sentiment_label"] = frame["compound"].map(sentiment_label)
    return frame


def score_new_messages(warehouse: Warehouse, messages_table: str,
                       progress: Callable[[int], None] | None = None) -> int:
    """Score the messages of `messages_table` not yet scored under this analyzer version; return how many."""
    table = check_identifier(messages_table)
    scored_total = 0
    after = ""
    while True:
        page = warehouse.query_df(
            f"select m.message_id, m.text_hash, m.author_role, m.message_text from {table} m"
            " where m.message_id > :after and not exists (select 1 from core.enr_message_sentiment s"
            " where s.message_id = m.message_id and s.text_hash = m.text_hash"
            " and s.analyzer_version = :analyzer_version)"
            " order by m.message_id limit :page_rows",
            {"after": after, "analyzer_version": ANALYZER_VERSION, "page_rows": PAGE_ROWS},
        )
        if page.empty:
            return scored_total
        scores = score_texts(page["message_text"].astype(str).tolist())
        rows = pd.concat([page[["message_id", "text_hash", "author_role"]].reset_index(drop=True), scores], axis=1)
        rows["analyzer_version"] = ANALYZER_VERSION
        rows["scored_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with warehouse.transaction():
            warehouse.bulk_insert("core.enr_message_sentiment", rows)
        scored_total += len(rows)
        after = str(page["message_id"].iloc[-1])
        if progress:
            progress(len(rows))


def _run_step(context: StepContext) -> int:
    return score_new_messages(context.warehouse, context.table_of("fct_messages"), context.progress)


STEPS = [
    EnrichmentStep(
        name="message_sentiment",
        description="Scoring message sentiment (VADER)",
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
