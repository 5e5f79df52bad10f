"""Queries of people's labels (feedback.labels) and of what the detectors said about one conversation.

The dashboard reads `feedback` as it reads core: feedback.labels is kept across rebuilds and written only by
people (etl.feedback.save_labels). Label queries are not cached: a label saved a second ago must show, and the
table is small. Values are bound parameters.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data_access import interaction_in_scope, scope_params
from dashboard.queries import DATA_TTL_SECONDS, _query
from etl.access import Scope
from etl.feedback import ConversationPredictions, MessagePrediction

REVIEW_LIMIT = 500

# The labels that count: the latest of each (conversation, message, detector).
LATEST_LABELS_SQL = """
with ranked as (
    select
        labels.*,
        row_number() over (
            partition by labels.interaction_id, coalesce(labels.message_id, ''), labels.detector
            order by labels.labelled_at desc, labels.label_id desc
        ) as rank_latest
    from feedback.labels as labels
)
select label_id, interaction_id, message_id, detector, detector_version, predicted_value, label_value, is_correct,
       labelled_by, labelled_at, note
from ranked
where rank_latest = 1
"""


def latest_labels(url: str, scope: Scope) -> pd.DataFrame:
    """Every label that counts on a conversation in the scope (small: people's labels), newest first."""
    return _query(url, f"select * from ({LATEST_LABELS_SQL}) as latest"
                       f" where {interaction_in_scope('latest.interaction_id')}"
                       " order by labelled_at desc, label_id desc", scope_params(scope))


def conversation_labels(url: str, interaction_id: str, scope: Scope) -> pd.DataFrame:
    """The labels that count on one conversation (none when it is not in the scope)."""
    return _query(url, f"select * from ({LATEST_LABELS_SQL}) as latest where interaction_id = :interaction_id"
                       f" and {interaction_in_scope('latest.interaction_id')} order by detector, message_id",
                  {"interaction_id": interaction_id, **scope_params(scope)})


def count_label_rows(url: str, scope: Scope) -> int:
    """Every row of feedback.labels on a conversation in the scope, superseded ones included."""
    return int(_query(url, f"select count(*) as n from feedback.labels where {interaction_in_scope('interaction_id')}",
                      scope_params(scope)).iat[0, 0])


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def intent_choices(url: str, version: str, scope: Scope) -> list[str]:
    """The intents a person may choose as the right one: those the contacts in their scope carry now (until the
    taxonomy lands, the distinct intents of core.fct_interactions)."""
    frame = _query(url, "select distinct intent from core.fct_interactions where intent is not null"
                        f" and {interaction_in_scope('interaction_id')} order by intent", scope_params(scope))
    return [str(v) for v in frame["intent"]]


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _conversation_head(url: str, version: str, interaction_id: str, scope: Scope) -> pd.DataFrame:
    return _query(
        url,
        "select i.interaction_id, i.intent, i.intent_detector_version as intent_version,"
        " case when b.is_restatement_comparable then b.is_restatement end as is_restatement,"
        " b.restatement_version, e.primary_trigger, e.trigger_version"
        " from core.fct_interactions as i"
        " left join core.fct_bot_sessions as b on b.interaction_id = i.interaction_id and b.is_handed_off"
        " left join core.fct_escalations as e on e.interaction_id = i.interaction_id"
        f" where i.interaction_id = :interaction_id and {interaction_in_scope('i.interaction_id')}",
        {"interaction_id": interaction_id, **scope_params(scope)},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _customer_messages(url: str, version: str, interaction_id: str, limit: int, scope: Scope) -> pd.DataFrame:
    return _query(
        url,
        "select m.message_id, m.message_seq, m.message_text, s.sentiment_label,"
        " s.sentiment_label_version as analyzer_version"
        " from core.fct_messages as m"
        " left join core.fct_message_sentiment as s on s.message_id = m.message_id"
        " where m.interaction_id = :interaction_id and m.author_role = 'customer'"
        f" and {interaction_in_scope('m.interaction_id')} order by m.message_seq limit :limit",
        {"interaction_id": interaction_id, "limit": limit, **scope_params(scope)},
    )


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)  # type: ignore[arg-type]


def conversation_predictions(url: str, version: str, interaction_id: str, scope: Scope,
                             limit: int = 500) -> tuple[ConversationPredictions | None, pd.DataFrame]:
    """What the detectors say about the conversation now, with their versions (None when it is not in core or
    not in the scope),
    and its customer messages (message_id, message_seq, message_text, sentiment_label, analyzer_version)."""
    head = _conversation_head(url, version, interaction_id, scope)
    if head.empty:
        return None, pd.DataFrame()
    row = head.iloc[0]
    messages = _customer_messages(url, version, interaction_id, limit, scope)
    restated = row["is_restatement"]
    predictions = ConversationPredictions(
        interaction_id=interaction_id,
        intent=_text(row["intent"]), intent_version=_text(row["intent_version"]),
        is_restatement=None if restated is None or pd.isna(restated) else bool(restated),
        restatement_version=_text(row["restatement_version"]),
        trigger=_text(row["primary_trigger"]), trigger_version=_text(row["trigger_version"]),
        messages=tuple(MessagePrediction(str(m.message_id), _text(m.sentiment_label), _text(m.analyzer_version))
                       for m in messages.itertuples(index=False)),
    )
    return predictions, messages
