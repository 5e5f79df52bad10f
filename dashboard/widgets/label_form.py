"""The labelling form of the Escalations drill-down: a manager or analyst says whether the detectors were right
about the open conversation (intent, each customer message's sentiment, restatement, escalation trigger).

Everything from the export (intents, message text) is shown as plain text: never in a widget's label or a
radio option (both render Markdown). The rows are built by etl.feedback.label_rows and written by
etl.feedback.save_labels.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from dashboard import queries_feedback as qf
from dashboard.context import PageContext
from dashboard.formatting import escape_markdown
from etl.feedback import SENTIMENT_LABELS, ConversationPredictions, Judgement, LabelError, label_rows, save_labels
from etl.warehouse import WarehouseError

RIGHT, WRONG = "Right", "Wrong"
YES, NO = "Yes", "No"
SHOWN_MESSAGE_CHARACTERS = 400
SAVED_KEY = "label_form_saved"


def form_key(interaction_id: str, name: str) -> str:
    """The widget key of one question of one conversation's form (each conversation its own widgets) (pure)."""
    return f"label_{name}_{hashlib.sha1(interaction_id.encode('utf-8')).hexdigest()[:12]}"


def signed_in_name() -> str | None:
    """The signed-in person's name (st.user, once sign-in lands with issue 13), else None."""
    try:
        user = st.user
        if not user.get("is_logged_in"):
            return None
        name = user.get("name") or user.get("email")
    except Exception:  # no sign-in configured: st.user cannot be read
        return None
    return str(name) if name else None


def _answer(value: str | None, true_word: str) -> bool | None:
    return None if value is None else value == true_word


def _shown(text: object) -> str:
    value = "" if text is None or pd.isna(text) else str(text)  # type: ignore[arg-type]
    return value if len(value) <= SHOWN_MESSAGE_CHARACTERS else value[:SHOWN_MESSAGE_CHARACTERS] + "…"


def _previous_labels(ctx: PageContext, interaction_id: str) -> None:
    labels = qf.conversation_labels(ctx.warehouse_url, interaction_id, ctx.filters.scope)
    if labels.empty:
        st.caption("Nobody has labelled this conversation yet.")
        return
    count = f"{len(labels)} label{'s' if len(labels) != 1 else ''} that count{'s' if len(labels) == 1 else ''}"
    st.caption(f"Labelled before ({count}; a new label replaces the earlier one):")
    st.dataframe(pd.DataFrame({
        "Detector": labels["detector"], "Message": labels["message_id"], "Predicted": labels["predicted_value"],
        "Label": labels["label_value"], "Correct": labels["is_correct"].astype("boolean"),
        "By": labels["labelled_by"], "When (UTC)": pd.to_datetime(labels["labelled_at"]),
    }), hide_index=True, width="stretch", key=form_key(interaction_id, "previous"))


def _form(ctx: PageContext, predictions: ConversationPredictions, messages: pd.DataFrame) -> None:
    interaction_id = predictions.interaction_id
    key = lambda name: form_key(interaction_id, name)  # noqa: E731 - a short local alias
    signed_in = signed_in_name()
    intents = [i for i in qf.intent_choices(ctx.warehouse_url, ctx.version,
                                                                 ctx.filters.scope) if i != predictions.intent]
    with st.form(key("form")):
        st.markdown("**Intent** detected:")
        st.text(predictions.intent or "(none)")
        intent_answer = st.radio("Is the intent right?", (RIGHT, WRONG), index=None, horizontal=True,
                                 key=key("intent"))
        right_intent = st.selectbox("When wrong, the right intent", intents, index=None, key=key("right_intent"),
                                    placeholder="Choose the right intent")
        sentiments: dict[str, str] = {}
        judge_sentiment = False
        if predictions.messages:
            st.markdown("**Sentiment of each customer message** (prefilled with the detector's label)")
            judge_sentiment = st.checkbox("Save my sentiment labels for these messages", key=key("sentiment_on"))
            for number, (message, row) in enumerate(
                    zip(predictions.messages, messages.itertuples(index=False), strict=True), start=1):
                st.text(f"{number}. {_shown(row.message_text)}")
                detected = message.sentiment_label
                chosen = st.radio(f"Message {number}", SENTIMENT_LABELS, horizontal=True,
                                  key=key(f"sentiment_{number}"),
                                  index=SENTIMENT_LABELS.index(detected) if detected in SENTIMENT_LABELS else None)
                if chosen is not None:
                    sentiments[message.message_id] = chosen
        restatement = None
        if predictions.is_restatement is not None:
            st.markdown(f"**Restatement**: the detector says the customer "
                        f"{'had to' if predictions.is_restatement else 'did not have to'} repeat themselves after "
                        "the handoff.")
            restatement = st.radio("Did the customer have to repeat themselves?", (YES, NO), index=None,
                                   horizontal=True, key=key("restatement"))
        trigger = None
        if predictions.trigger is not None:
            st.markdown("**Escalation trigger** detected:")
            st.text(predictions.trigger)
            trigger = st.radio("Is the escalation trigger right?", (RIGHT, WRONG), index=None, horizontal=True,
                               key=key("trigger"))
        name = st.text_input("Your name", value=signed_in or "", disabled=signed_in is not None, key=key("name"),
                             max_chars=200)
        note = st.text_area("Note (optional)", key=key("note"), max_chars=2_000)
        submitted = st.form_submit_button("Save labels", type="primary")
    if not submitted:
        return
    judgement = Judgement(
        labelled_by=signed_in or name, is_intent_right=_answer(intent_answer, RIGHT), right_intent=right_intent,
        message_sentiments=sentiments if judge_sentiment else {}, is_restatement=_answer(restatement, YES),
        is_trigger_right=_answer(trigger, RIGHT), note=note)
    try:
        rows = label_rows(predictions, judgement, dt.datetime.now(dt.UTC))
        saved = save_labels(ctx.warehouse_url, rows)
    except LabelError as error:
        st.error(escape_markdown(str(error)), icon=":material/error:")
        return
    except WarehouseError as error:
        st.error(escape_markdown(str(error)), icon=":material/error:")
        return
    st.session_state[SAVED_KEY] = saved
    st.success(f"Saved {saved} label{'s' if saved != 1 else ''}. They count on the Detector quality page.",
               icon=":material/check_circle:")


def render(ctx: PageContext, interaction_id: str) -> None:
    """The form for one conversation, under its transcript: for the roles that open conversations (manager,
    analyst, admin), on a conversation in their scope."""
    if not ctx.viewer.capabilities.conversations:
        return
    predictions, messages = qf.conversation_predictions(ctx.warehouse_url, ctx.version, interaction_id,
                                                        ctx.filters.scope)
    if predictions is None:
        return
    st.subheader("Label this conversation")
    st.caption("Say where the detectors were right or wrong. Each answer is saved as a label with your name and "
               "the time; the labels survive every rebuild and feed the Detector quality page. Leave a question "
               "unanswered to skip it.")
    _form(ctx, predictions, messages)
    _previous_labels(ctx, interaction_id)
