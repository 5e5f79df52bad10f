"""The canonical format (docs/canonical_format.md): one CSV or JSONL file set per entity."""

from __future__ import annotations

import pandas as pd

from etl.streams import Field, Stream, flat_kinds

FORMAT = "canonical"
CHANNELS = ("voice", "chat", "email", "ticket", "social")
DIRECTIONS = ("inbound", "outbound")
"""Who started the contact: the customer (inbound) or the company (outbound: a brand's post, an outbound call)."""
SEGMENTS = ("enterprise", "mid_market", "smb")
EVENT_TYPES = (
    "created", "ivr_entered", "bot_started", "queued", "answered", "abandoned", "hold_started", "hold_ended",
    "transferred", "handoff", "agent_assigned", "status_changed", "escalated", "reopened", "solved", "closed",
    "disconnected",
)
ONE_DAY_SECONDS = 86_400.0
SURVEY_SCALES: dict[str, tuple[float, float]] = {"csat": (1.0, 5.0), "ces": (1.0, 7.0), "nps": (0.0, 10.0)}


def survey_scale_reasons(frame: pd.DataFrame) -> pd.Series:
    """Per record, why its score is outside the scale of its survey type (None when inside)."""
    low = frame["survey_type"].map(lambda t: SURVEY_SCALES.get(t, (None, None))[0])
    high = frame["survey_type"].map(lambda t: SURVEY_SCALES.get(t, (None, None))[1])
    score = frame["score"]
    outside = score.notna() & low.notna() & ((score < low) | (score > high))
    reasons = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    for index in frame.index[outside]:
        reasons[index] = (
            f"score {score[index]:g} is outside the {frame.at[index, 'survey_type']} scale "
            f"{low[index]:g}-{high[index]:g}"
        )
    return reasons


def _duration(name: str) -> Field:
    return Field(name, "float", min_value=0.0, max_value=ONE_DAY_SECONDS)


STREAMS: tuple[Stream, ...] = (
    Stream(
        FORMAT, "accounts", "accounts*.csv", "csv",
        (
            Field("account_id", required=True),
            Field("account_name"),
            Field("segment", "enum", required=True, choices=SEGMENTS),
            Field("industry"),
            Field("arr_amount", "float", min_value=0.0, max_value=1e12),
            Field("started_on", "date"),
            Field("churned_on", "date"),
            Field("updated_at", "timestamp", required=True),
        ),
        primary_key="account_id", cursor="updated_at", write_mode="merge",
    ),
    Stream(
        FORMAT, "customers", "customers*.csv", "csv",
        (
            Field("customer_id", required=True),
            Field("account_id"),
            Field("full_name", pii="person_name"),
            Field("email", pii="email"),
            Field("phone", pii="phone"),
            Field("created_at", "timestamp"),
            Field("updated_at", "timestamp", required=True),
        ),
        primary_key="customer_id", cursor="updated_at", write_mode="merge",
    ),
    Stream(
        FORMAT, "agents", "agents*.csv", "csv",
        (
            Field("agent_id", required=True),
            Field("agent_name", pii="agent_name"),
            Field("agent_kind", "enum", required=True, choices=("human", "bot")),
            Field("team_name"),
            Field("site"),
            Field("hired_on", "date"),
            Field("updated_at", "timestamp", required=True),
        ),
        primary_key="agent_id", cursor="updated_at", write_mode="merge",
    ),
    Stream(
        FORMAT, "queues", "queues*.csv", "csv",
        (
            Field("queue_id", required=True),
            Field("queue_name"),
            Field("channel", "enum", required=True, choices=CHANNELS),
            Field("team_name"),
            Field("updated_at", "timestamp", required=True),
        ),
        primary_key="queue_id", cursor="updated_at", write_mode="merge",
    ),
    Stream(
        FORMAT, "interactions", "interactions*.csv", "csv",
        (
            Field("interaction_id", required=True),
            Field("channel", "enum", required=True, choices=CHANNELS),
            Field("customer_id"),
            Field("queue_id"),
            Field("agent_id"),
            Field("intent"),
            Field("priority", "enum", choices=("low", "normal", "high", "urgent")),
            Field("status", "enum", required=True, choices=("open", "pending", "solved", "closed", "abandoned")),
            Field("created_at", "timestamp", required=True),
            Field("updated_at", "timestamp", required=True),
            Field("closed_at", "timestamp"),
            Field("subject", pii="free_text"),
            Field("direction", "enum", choices=DIRECTIONS),
            _duration("talk_seconds"),
            _duration("hold_seconds"),
            _duration("acw_seconds"),
        ),
        primary_key="interaction_id", cursor="updated_at", write_mode="merge",
    ),
    Stream(
        FORMAT, "events", "events*.jsonl", "jsonl",
        (
            Field("event_id", required=True),
            Field("interaction_id", required=True),
            Field("occurred_at", "timestamp", required=True),
            Field("event_type", "enum", required=True, choices=EVENT_TYPES),
            Field("agent_id"),
            Field("queue_id"),
            Field("from_value"),
            Field("to_value"),
            Field("reason"),
        ),
        primary_key="event_id", cursor="occurred_at", write_mode="append",
        key_from=("interaction_id", "occurred_at", "event_type", "agent_id", "queue_id", "to_value"),
    ),
    Stream(
        FORMAT, "messages", "messages*.jsonl", "jsonl",
        (
            Field("message_id", required=True),
            Field("interaction_id", required=True),
            Field("sent_at", "timestamp", required=True),
            Field("author_role", "enum", required=True, choices=("customer", "agent", "bot", "system")),
            Field("author_id"),
            Field("text", required=True, pii="free_text"),
            Field("is_public", "bool"),
        ),
        primary_key="message_id", cursor="sent_at", write_mode="append",
        key_from=("interaction_id", "sent_at", "author_role", "text"),
    ),
    Stream(
        FORMAT, "surveys", "surveys*.csv", "csv",
        (
            Field("survey_response_id", required=True),
            Field("interaction_id"),
            Field("customer_id"),
            Field("survey_type", "enum", required=True, choices=("csat", "ces", "nps")),
            Field("score", "float", required=True, min_value=0.0, max_value=10.0),
            Field("responded_at", "timestamp", required=True),
            Field("comment", pii="free_text"),
        ),
        primary_key="survey_response_id", cursor="responded_at", write_mode="append",
        row_checks=(("score", survey_scale_reasons),),
    ),
)

KINDS = flat_kinds(STREAMS)
