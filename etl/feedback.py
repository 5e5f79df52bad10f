"""People's labels of the detectors (feedback.labels, sql/ops/bootstrap.sql): the rows a judgement makes, and
the one function that writes them.

`label_rows` is pure: what the detectors said about one conversation (read from core, with their versions) and
what a person answered become one row per judged detector (one per customer message for sentiment), with
`is_correct` worked out here. `save_labels` writes them in one writing session (etl.warehouse.open_writer): on
DuckDB it takes the writer lock and works on a copy that replaces the file, so a save that fails (or waits
too long for a build) leaves nothing half-written. Labels are never touched by a build: feedback.labels is
created by the bootstrap and never dropped or rebuilt.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from etl.warehouse import WarehouseError, open_writer

LABELS_TABLE = "feedback.labels"
DETECTORS = ("intent", "sentiment", "restatement", "escalation_trigger")
SENTIMENT_LABELS = ("negative", "neutral", "positive")
YES, NO = "yes", "no"
RIGHT, WRONG = "right", "wrong"
LABEL_COLUMNS = ("label_id", "interaction_id", "message_id", "detector", "detector_version", "predicted_value",
                 "label_value", "is_correct", "labelled_by", "labelled_at", "note")
SAVE_WAIT_SECONDS = 30.0
"""How long a save waits for a build that holds the writer lock before it gives up (nothing written)."""
NOTE_MAX_CHARACTERS = 2_000
NAME_MAX_CHARACTERS = 200


class LabelError(ValueError):
    """A judgement that cannot be saved; the message is for the person who made it."""


@dataclass(frozen=True)
class MessagePrediction:
    """One customer message and the sentiment the detector gave it (None: not scored)."""
    message_id: str
    sentiment_label: str | None
    version: str | None


@dataclass(frozen=True)
class ConversationPredictions:
    """What the detectors said about one conversation, as core holds it now (None: the detector said nothing)."""
    interaction_id: str
    intent: str | None = None
    intent_version: str | None = None
    is_restatement: bool | None = None  # None: not comparable (no bot handoff with text on both sides)
    restatement_version: str | None = None
    trigger: str | None = None
    trigger_version: str | None = None
    messages: tuple[MessagePrediction, ...] = ()


@dataclass(frozen=True)
class Judgement:
    """A person's answers; None for a question left unanswered (that detector gets no row)."""
    labelled_by: str
    is_intent_right: bool | None = None
    right_intent: str | None = None
    message_sentiments: Mapping[str, str] = field(default_factory=dict)  # message_id -> negative|neutral|positive
    is_restatement: bool | None = None
    is_trigger_right: bool | None = None
    note: str | None = None


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else (YES if value else NO)


def _who(judgement: Judgement) -> str:
    name = (judgement.labelled_by or "").strip()
    if not name:
        raise LabelError("Your name is required: labels say who made them.")
    if len(name) > NAME_MAX_CHARACTERS:
        raise LabelError(f"Your name is longer than {NAME_MAX_CHARACTERS} characters.")
    return name


def _note(judgement: Judgement) -> str | None:
    note = (judgement.note or "").strip()
    if len(note) > NOTE_MAX_CHARACTERS:
        raise LabelError(f"The note is longer than {NOTE_MAX_CHARACTERS} characters.")
    return note or None


def label_rows(predictions: ConversationPredictions, judgement: Judgement, labelled_at: dt.datetime,
               new_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> list[dict[str, object]]:
    """The feedback.labels rows of one judgement (pure). `labelled_at` is stored as naive UTC.

    intent: label_value is the right intent (the predicted one when the person says it is right);
    sentiment: one row per judged customer message; restatement: yes/no; escalation_trigger: right/wrong, with
    the trigger as predicted_value. is_correct compares the label with the prediction (None when the detector
    said nothing). Raises LabelError when nothing is judged, the name is missing, or an answer is incomplete.
    """
    who, note = _who(judgement), _note(judgement)
    if labelled_at.tzinfo is not None:
        labelled_at = labelled_at.astimezone(dt.UTC).replace(tzinfo=None)
    rows: list[dict[str, object]] = []

    def add(detector: str, version: str | None, predicted: str | None, label: str, message_id: str | None = None,
            is_correct: bool | None = None) -> None:
        rows.append({"label_id": new_id(), "interaction_id": predictions.interaction_id, "message_id": message_id,
                     "detector": detector, "detector_version": version, "predicted_value": predicted,
                     "label_value": label, "is_correct": is_correct, "labelled_by": who, "labelled_at": labelled_at,
                     "note": note})

    if judgement.is_intent_right is not None:
        if predictions.intent is None:
            raise LabelError("This conversation has no intent to judge.")
        if judgement.is_intent_right:
            add("intent", predictions.intent_version, predictions.intent, predictions.intent, is_correct=True)
        else:
            right = (judgement.right_intent or "").strip()
            if not right:
                raise LabelError("Choose the right intent when the detected one is wrong.")
            if right == predictions.intent:
                raise LabelError("The right intent you chose is the detected one: mark the intent right instead.")
            add("intent", predictions.intent_version, predictions.intent, right, is_correct=False)
    by_id = {m.message_id: m for m in predictions.messages}
    for message_id, label in judgement.message_sentiments.items():
        if label not in SENTIMENT_LABELS:
            raise LabelError(f"A message's sentiment is one of {', '.join(SENTIMENT_LABELS)}.")
        message = by_id.get(message_id)
        if message is None:
            raise LabelError("A labelled message is not a customer message of this conversation.")
        correct = None if message.sentiment_label is None else message.sentiment_label == label
        add("sentiment", message.version, message.sentiment_label, label, message_id=message_id, is_correct=correct)
    if judgement.is_restatement is not None:
        predicted = _yes_no(predictions.is_restatement)
        label = _yes_no(judgement.is_restatement)
        assert label is not None
        add("restatement", predictions.restatement_version, predicted, label,
            is_correct=None if predicted is None else predicted == label)
    if judgement.is_trigger_right is not None:
        if predictions.trigger is None:
            raise LabelError("This conversation has no escalation trigger to judge.")
        add("escalation_trigger", predictions.trigger_version, predictions.trigger,
            RIGHT if judgement.is_trigger_right else WRONG, is_correct=judgement.is_trigger_right)
    if not rows:
        raise LabelError("Nothing to save: answer at least one question.")
    return rows


def labels_frame(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """The rows as a frame with feedback.labels' columns in order and stable types (pure)."""
    frame = pd.DataFrame([{c: row.get(c) for c in LABEL_COLUMNS} for row in rows], columns=list(LABEL_COLUMNS))
    for column in LABEL_COLUMNS:
        if column == "labelled_at":
            frame[column] = pd.to_datetime(frame[column])
        elif column == "is_correct":
            frame[column] = frame[column].astype("boolean")
        else:
            frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    return frame


def save_labels(url: str, rows: Sequence[Mapping[str, object]],
                wait_seconds: float = SAVE_WAIT_SECONDS) -> int:
    """Append the rows to feedback.labels in one writing session; returns how many were saved.

    Waits up to `wait_seconds` for a build that holds the writer lock, then raises WarehouseError with a
    message for the reader; either every row is saved or none."""
    if not rows:
        return 0
    frame = labels_frame(rows)
    try:
        with open_writer(url, lock_timeout_seconds=wait_seconds, command="labels") as warehouse:
            if not warehouse.table_exists(LABELS_TABLE):
                raise WarehouseError("the warehouse has no feedback.labels table yet: run `cxpulse run` first")
            with warehouse.transaction():
                saved = warehouse.bulk_insert(LABELS_TABLE, frame)
    except WarehouseError as error:
        raise WarehouseError(f"The labels were not saved (nothing was written): {error}") from error
    return saved
