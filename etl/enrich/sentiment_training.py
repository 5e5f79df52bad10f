"""The supervised sentiment scorer in the warehouse: its training labels, its fit and evaluation, its scores.

Training labels are the deployment's own, each on one customer message (`fct_messages`, author_role 'customer'):
- hand labels from `feedback.labels` (detector 'sentiment', message level; the latest label of a message wins);
  rows whose `labelled_by` starts with 'fixture:' were imported by `cxpulse labels import` and are counted apart;
- survey answers: every customer message of a contact whose CSAT is 1–2 is negative, 4–5 positive (3 says
  nothing). A hand label beats a survey label on the same message.

The labels are split by interaction (`sentiment_model.heldout_split`, a fifth held out) so no contact is on both
sides. The model is fitted on the training part and measured on the held-out part against the customer-service
lexicon on the same messages; it is used for the customer figures only when its macro-F1 is higher
(`is_used_for_customers`, which `int_customer_sentiment_scorer` reads). With too few labels it is not fitted
(`sentiment_model.fit_refusal`) and a row says why.

The model's version is its code version plus a hash of its training labels and texts. Nothing is written when
that version already has its row and every customer message has a score under it: a rerun on unchanged labels
writes nothing. The fit is deterministic, so scoring new messages under an existing version refits the same model
from the same labels (the model itself is never stored as a pickle).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from etl.enrich import cs_lexicon, sentiment_model
from etl.enrich.evaluate_cs_lexicon import f1_per_class, macro_f1
from etl.enrich.sentiment import ADAPTED_VERSION, PAGE_ROWS
from etl.enrich.steps import EnrichmentStep, StepContext
from etl.warehouse import Warehouse, check_identifier

MODELS_TABLE = "core.enr_sentiment_models"
SCORES_TABLE = "core.enr_message_sentiment"
FIXTURE_PREFIX = "fixture:"
SOURCES = ("survey", "feedback", "fixture")
DEFAULT_MESSAGES_TABLE = "core.fct_messages"
DEFAULT_SURVEYS_TABLE = "core.fct_surveys"


@dataclass(frozen=True)
class ModelReport:
    model_version: str
    is_new: bool
    is_fitted: bool
    is_used_for_customers: bool
    fallback_reason: str | None
    count_labels: int
    messages_scored: int


def model_version_of(training_hash: str) -> str:
    return f"{sentiment_model.MODEL_CODE_VERSION}/{training_hash[:12]}"


def training_labels(warehouse: Warehouse, messages_table: str = DEFAULT_MESSAGES_TABLE,
                    surveys_table: str = DEFAULT_SURVEYS_TABLE) -> pd.DataFrame:
    """One row per labelled customer message: message_id, interaction_id, text, label, source."""
    messages = check_identifier(messages_table)
    surveys = check_identifier(surveys_table)
    columns = ["message_id", "interaction_id", "text", "label", "source"]
    hand = pd.DataFrame(columns=columns)
    if warehouse.table_exists("feedback.labels"):
        hand = warehouse.query_df(
            "select message_id, interaction_id, text, label, source from ("
            " select m.message_id, m.interaction_id, m.message_text as text, l.label_value as label,"
            " case when l.labelled_by like :fixture_prefix then 'fixture' else 'feedback' end as source,"
            " row_number() over (partition by l.message_id order by l.labelled_at desc, l.label_id desc) as rank"
            f" from feedback.labels l inner join {messages} m on m.message_id = l.message_id"
            " where l.detector = 'sentiment' and m.author_role = 'customer'"
            " and l.label_value in ('negative', 'neutral', 'positive')) latest where rank = 1",
            {"fixture_prefix": FIXTURE_PREFIX + "%"},
        )
    survey = warehouse.query_df(
        "select m.message_id, m.interaction_id, m.message_text as text,"
        " case when csat.score_mean <= 2 then 'negative' else 'positive' end as label, 'survey' as source"
        f" from (select interaction_id, avg(score) as score_mean from {surveys}"
        "  where survey_type = 'csat' and interaction_id is not null group by interaction_id) csat"
        f" inner join {messages} m on m.interaction_id = csat.interaction_id"
        " where m.author_role = 'customer' and (csat.score_mean <= 2 or csat.score_mean >= 4)",
    )
    survey = survey[~survey["message_id"].isin(set(hand["message_id"]))]
    frame = pd.concat([hand[columns], survey[columns]], ignore_index=True)
    frame["text"] = frame["text"].fillna("").astype(str)
    return frame.sort_values("message_id", kind="stable").reset_index(drop=True)


def _existing_model(warehouse: Warehouse, model_version: str) -> pd.DataFrame:
    return warehouse.query_df(f"select * from {MODELS_TABLE} where model_version = :model_version",
                              {"model_version": model_version})


def _evaluate(labels: pd.DataFrame) -> tuple[dict[str, object], sentiment_model.SentimentModel | None]:
    """Fit on the training part, measure on the held-out part; the row's evaluation columns and the model."""
    heldout_mask = labels["interaction_id"].astype(str).map(sentiment_model.heldout_split).astype(bool)
    train, heldout = labels.loc[~heldout_mask], labels.loc[heldout_mask]
    counts = Counter(labels["source"])
    row: dict[str, object] = {
        "count_labels": len(labels),
        **{f"count_{source}_labels": int(counts.get(source, 0)) for source in SOURCES},
        "count_training_labels": len(train),
        "count_heldout_labels": len(heldout),
        **{f"count_training_{cls}": int((train["label"] == cls).sum()) for cls in sentiment_model.CLASSES},
    }
    empty = {"heldout_macro_f1": None, "heldout_macro_f1_lexicon": None,
             **{f"heldout_f1_{cls}": None for cls in sentiment_model.CLASSES}}
    refusal = sentiment_model.fit_refusal(labels["label"].tolist())
    if refusal is None and len(heldout) == 0:
        refusal = "no held-out labels to measure the model on"
    if refusal:
        return {**row, **empty, "is_fitted": False, "fallback_reason": refusal, "is_used_for_customers": False}, None
    model = sentiment_model.fit(train["text"].tolist(), train["label"].tolist())
    gold = heldout["label"].tolist()
    predicted = sentiment_model.predict(model, heldout["text"].tolist())
    lexicon = [cs_lexicon.label(c) for c in cs_lexicon.score_adapted(heldout["text"].tolist())]
    supervised_f1 = macro_f1(gold, predicted)
    lexicon_f1 = macro_f1(gold, lexicon)
    return {
        **row, "heldout_macro_f1": supervised_f1, "heldout_macro_f1_lexicon": lexicon_f1,
        **{f"heldout_f1_{cls}": f1_per_class(gold, predicted, cls) for cls in sentiment_model.CLASSES},
        "is_fitted": True, "fallback_reason": None, "is_used_for_customers": supervised_f1 > lexicon_f1,
    }, model


def _score_unscored(warehouse: Warehouse, messages_table: str, model: sentiment_model.SentimentModel,
                    model_version: str) -> int:
    table = check_identifier(messages_table)
    scored = 0
    after = ""
    while True:
        page = warehouse.query_df(
            f"select m.message_id, m.text_hash, m.author_role, m.message_text from {table} m"
            " where m.message_id > :after and m.author_role = 'customer' and not exists ("
            f"select 1 from {SCORES_TABLE} s where s.message_id = m.message_id and s.text_hash = m.text_hash"
            " and s.analyzer_version = :analyzer_version) order by m.message_id limit :page_rows",
            {"after": after, "analyzer_version": model_version, "page_rows": PAGE_ROWS},
        )
        if page.empty:
            return scored
        scores = sentiment_model.score(model, page["message_text"].fillna("").astype(str).tolist())
        rows = pd.concat([page[["message_id", "text_hash", "author_role"]].reset_index(drop=True), scores], axis=1)
        rows["analyzer_version"] = model_version
        rows["scored_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        rows = rows[["message_id", "text_hash", "author_role", "analyzer_version", "compound", "positive", "neutral",
                     "negative", "sentiment_label", "scored_at"]]
        with warehouse.transaction():
            warehouse.bulk_insert(SCORES_TABLE, rows)
        scored += len(rows)
        after = str(page["message_id"].iloc[-1])


def _has_unscored(warehouse: Warehouse, messages_table: str, model_version: str) -> bool:
    table = check_identifier(messages_table)
    return bool(warehouse.scalar(
        f"select count(*) from {table} m where m.author_role = 'customer' and not exists ("
        f"select 1 from {SCORES_TABLE} s where s.message_id = m.message_id and s.text_hash = m.text_hash"
        " and s.analyzer_version = :analyzer_version)", {"analyzer_version": model_version}))


def fit_and_store_sentiment_model(warehouse: Warehouse, run_id: int,
                                  messages_table: str = DEFAULT_MESSAGES_TABLE,
                                  surveys_table: str = DEFAULT_SURVEYS_TABLE) -> ModelReport:
    """Fit the supervised scorer on the warehouse's current labels when they changed, store its row in
    core.enr_sentiment_models and score the customer messages that have no score under its version.

    Called by the enrichment step during a build (with the build's tables) and by `cxpulse calibrate` after
    people added labels (with the default core tables). A second call on unchanged labels writes nothing.
    """
    labels = training_labels(warehouse, messages_table, surveys_table)
    training_hash = sentiment_model.training_hash(labels["text"].tolist(), labels["label"].tolist())
    model_version = model_version_of(training_hash)
    existing = _existing_model(warehouse, model_version)
    model: sentiment_model.SentimentModel | None = None
    if existing.empty:
        row, model = _evaluate(labels)
        stored = {"model_version": model_version, "training_hash": training_hash,
                  "model_code_version": sentiment_model.MODEL_CODE_VERSION, "lexicon_version": ADAPTED_VERSION,
                  "run_id": run_id, "fitted_at": dt.datetime.now(dt.UTC).replace(tzinfo=None), **row}
        with warehouse.transaction():
            warehouse.bulk_insert(MODELS_TABLE, pd.DataFrame([stored])[list(MODEL_COLUMNS)])
        is_fitted, is_used, reason = bool(row["is_fitted"]), bool(row["is_used_for_customers"]), row["fallback_reason"]
    else:
        first = existing.iloc[0]
        is_fitted, is_used = bool(first["is_fitted"]), bool(first["is_used_for_customers"])
        reason = None if pd.isna(first["fallback_reason"]) else str(first["fallback_reason"])
    scored = 0
    if is_fitted and _has_unscored(warehouse, messages_table, model_version):
        if model is None:  # same labels, same deterministic model as the stored row describes
            row, model = _evaluate(labels)
        assert model is not None
        scored = _score_unscored(warehouse, messages_table, model, model_version)
    return ModelReport(model_version, existing.empty, is_fitted, is_used, None if reason is None else str(reason),
                       len(labels), scored)


def _run_step(context: StepContext) -> int:
    report = fit_and_store_sentiment_model(context.warehouse, context.run_id, context.table_of("fct_messages"),
                                           context.table_of("fct_surveys"))
    context.reports["sentiment_model"] = report
    return report.messages_scored


MODEL_COLUMNS = {
    "model_version": "text not null",
    "training_hash": "text not null",
    "model_code_version": "text not null",
    "lexicon_version": "text not null",
    "run_id": "bigint not null",
    "fitted_at": "timestamp not null",
    "is_fitted": "boolean not null",
    "fallback_reason": "text",
    "is_used_for_customers": "boolean not null",
    "count_labels": "bigint not null",
    "count_survey_labels": "bigint not null",
    "count_feedback_labels": "bigint not null",
    "count_fixture_labels": "bigint not null",
    "count_training_labels": "bigint not null",
    "count_heldout_labels": "bigint not null",
    "count_training_negative": "bigint not null",
    "count_training_neutral": "bigint not null",
    "count_training_positive": "bigint not null",
    "heldout_macro_f1": "double precision",
    "heldout_macro_f1_lexicon": "double precision",
    "heldout_f1_negative": "double precision",
    "heldout_f1_neutral": "double precision",
    "heldout_f1_positive": "double precision",
}

STEPS = [
    EnrichmentStep(
        name="sentiment_model",
        description="Fitting the supervised sentiment scorer on the labels and scoring customer messages with it",
        reads=("fct_messages", "fct_surveys"),
        writes={"sentiment_models": MODELS_TABLE},
        ddl=("create table if not exists core.enr_sentiment_models (\n    "
             + ",\n    ".join(f"{name} {kind}" for name, kind in MODEL_COLUMNS.items()) + "\n)",),
        run=_run_step,
    ),
]
