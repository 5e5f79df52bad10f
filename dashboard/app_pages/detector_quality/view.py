"""Detector quality: how often are the detectors right, by people's labels?

Per detector and version: the number of labels, precision and recall with their 95% Wilson intervals
(etl.detector_quality); per intent and per sentiment class; the confusion between intents (table and heatmap);
and the labelled conversations to review, each opening in the Escalations drill-down (`conversation` URL
parameter). The labels are those that count (the latest per conversation, message and detector), whatever
the sidebar's filters: labels are few and every one counts.
"""

from __future__ import annotations

import urllib.parse

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard import queries_feedback as qf
from dashboard.app_pages.detector_quality import calibrations, charts
from dashboard.context import context, page_header
from dashboard.formatting import escape_markdown
from dashboard.widgets.chart import show_chart
from etl.detector_quality import ALL, NO_LABELS, intent_confusion, quality_table
from etl.feedback import DETECTORS

URL_PATH = "detector-quality"
ESCALATIONS_SCRIPT = "app_pages/escalations/page.py"
ESCALATIONS_URL = "escalations"
DETECTOR_NAMES = {"intent": "Intent", "sentiment": "Customer sentiment", "restatement": "Restatement",
                  "escalation_trigger": "Escalation trigger"}
SUMMARY_KEY = "detector_quality_summary"
REVIEW_KEY = "detector_quality_review"
CONFUSION_KEY = "detector_quality_confusion"
LABELS_COUNTING, LABELS_SAVED, PEOPLE = "Labels that count", "Labels saved", "People who labelled"


# ---------------------------------------------------------------- pure helpers


def interval_text(low: object, high: object) -> str:
    """'0.41 – 0.93'; '—' without an interval (pure)."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):  # type: ignore[arg-type]
        return "—"
    return f"{float(low):.2f} – {float(high):.2f}"  # type: ignore[arg-type]


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _table(rows: pd.DataFrame, first: str, first_values: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({
        first: first_values.astype("object"),
        "Version": rows["detector_version"].fillna("(none)").astype("object"),
        "Labels": rows["count_labels"].astype("int64"),
        "Precision": [_number(v) for v in rows["precision"]],
        "Precision 95% interval": [interval_text(a, b) for a, b in
                                   zip(rows["precision_low"], rows["precision_high"], strict=True)],
        "Recall": [_number(v) for v in rows["recall"]],
        "Recall 95% interval": [interval_text(a, b) for a, b in
                                zip(rows["recall_low"], rows["recall_high"], strict=True)],
        "Note": rows["note"].fillna("").astype("object"),
    })


def summary_frame(quality: pd.DataFrame) -> pd.DataFrame:
    """One row per detector and version (the macro average for intents and sentiment); a detector without
    labels is listed as not measured (pure)."""
    summary = quality[quality["scope"] == ALL]
    missing = [d for d in DETECTORS if d not in set(summary["detector"])]
    empty = pd.DataFrame({"detector": missing, "detector_version": [None] * len(missing),
                          "count_labels": [0] * len(missing), "note": [NO_LABELS] * len(missing)})
    rows = pd.concat([summary, empty], ignore_index=True) if missing else summary.reset_index(drop=True)
    rows = rows.assign(order=rows["detector"].map({d: i for i, d in enumerate(DETECTORS)}))
    rows = rows.sort_values(["order", "detector_version"], na_position="last", ignore_index=True)
    for column in ("precision", "precision_low", "precision_high", "recall", "recall_low", "recall_high"):
        if column not in rows:
            rows[column] = None
    return _table(rows, "Detector", rows["detector"].map(lambda d: DETECTOR_NAMES.get(d, d)))


def class_frame(quality: pd.DataFrame, detector: str) -> pd.DataFrame:
    """The per-class rows of one detector (per intent, per sentiment class) (pure)."""
    rows = quality[(quality["detector"] == detector) & (quality["scope"] != ALL)].reset_index(drop=True)
    return _table(rows, "Class", rows["scope"])


def confusion_table(confusion: pd.DataFrame) -> pd.DataFrame:
    """Predicted intents as rows, labelled intents as columns, counts of labels (0 where none) (pure)."""
    table = confusion.pivot_table(index="predicted_value", columns="label_value", values="count_labels",
                                  aggfunc="sum", fill_value=0)
    table = table.astype("int64")
    table.index.name, table.columns.name = "Predicted \\ labelled", None
    return table.reset_index()


def escalations_link(interaction_id: str) -> str:
    """The Escalations drill-down's URL for one conversation (relative to the app; the id URL-quoted) (pure)."""
    return f"{ESCALATIONS_URL}?{urllib.parse.urlencode({'conversation': interaction_id})}"


def review_frame(labels: pd.DataFrame) -> pd.DataFrame:
    """The labels to review, as the table shows them (pure)."""
    return pd.DataFrame({
        "Conversation": labels["interaction_id"].astype("object"),
        "Detector": labels["detector"].map(lambda d: DETECTOR_NAMES.get(d, d)).astype("object"),
        "Message": labels["message_id"].astype("object"),
        "Predicted": labels["predicted_value"].astype("object"),
        "Label": labels["label_value"].astype("object"),
        "Correct": labels["is_correct"].astype("boolean"),
        "Who": labels["labelled_by"].astype("object"),
        "When (UTC)": pd.to_datetime(labels["labelled_at"]),
        "Note": labels["note"].astype("object"),
        "Open": [escalations_link(str(i)) for i in labels["interaction_id"]],
    })


# ---------------------------------------------------------------- sections


def _number_columns() -> dict[str, object]:
    return {"Precision": st.column_config.NumberColumn(format="%.2f"),
            "Recall": st.column_config.NumberColumn(format="%.2f"),
            "Labels": st.column_config.NumberColumn(format="%d")}


def _summary(quality: pd.DataFrame) -> None:
    st.subheader("Precision and recall per detector")
    st.dataframe(summary_frame(quality), hide_index=True, width="stretch", key=SUMMARY_KEY,
                 column_config=_number_columns())
    st.caption("Precision: of what the detector said, the share people confirmed. Recall: of what people labelled, "
               "the share the detector found. Intervals are 95% Wilson score intervals. Intent and sentiment show "
               "the macro average over their classes (each class with its interval below). Restatement: "
               "precision over the conversations it flagged, recall over those labelled yes. Escalation trigger: "
               "precision only.")


def _classes(quality: pd.DataFrame) -> None:
    for detector, title in (("intent", "Per intent"), ("sentiment", "Per sentiment class")):
        frame = class_frame(quality, detector)
        if frame.empty:
            continue
        st.markdown(f"**{title}**")
        st.dataframe(frame, hide_index=True, width="stretch", key=f"detector_quality_classes_{detector}",
                     column_config=_number_columns())


def _confusion(labels: pd.DataFrame) -> None:
    st.subheader("Confusion between intents")
    confusion = intent_confusion(labels)
    if confusion.empty:
        st.info("Not measured — no intent labels yet. Label conversations in the Escalations drill-down.")
        return
    show_chart(charts.confusion_heatmap(confusion), theme=None, width="content")
    st.dataframe(confusion_table(confusion), hide_index=True, key=CONFUSION_KEY)
    st.caption("Rows: the intent the detector gave; columns: the intent people labelled. The diagonal is agreement.")


def _review(labels: pd.DataFrame) -> None:
    st.subheader("Labelled conversations to review")
    shown = labels.head(qf.REVIEW_LIMIT)
    frame = review_frame(shown)
    event = st.dataframe(frame, hide_index=True, width="stretch", key=REVIEW_KEY, on_select="rerun",
                         selection_mode="single-row", column_config={
                             "When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                             "Open": st.column_config.LinkColumn(display_text="Open in Escalations")})
    st.caption(f"The newest {len(shown):,} of {len(labels):,} labels that count. **Select a row** (or follow its "
               "link) to open the conversation in the Escalations drill-down.")
    rows = list(event.selection.rows) if event is not None and hasattr(event, "selection") else []
    if rows and rows[0] < len(shown):
        st.switch_page(ESCALATIONS_SCRIPT, query_params={"conversation": str(shown["interaction_id"].iloc[rows[0]])})


def render() -> None:
    ctx = context()
    page_header("Detector quality", "How often are the detectors right, by people's labels?", ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    try:
        labels = qf.latest_labels(ctx.warehouse_url, ctx.filters.scope)
        saved = qf.count_label_rows(ctx.warehouse_url, ctx.filters.scope)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
        return
    quality = quality_table(labels)
    counting, all_saved, people = st.columns(3)
    counting.metric(LABELS_COUNTING, f"{len(labels):,}", help="The latest label of each conversation, message and "
                    "detector: a newer label replaces an older one.")
    all_saved.metric(LABELS_SAVED, f"{saved:,}", help="Every label saved, those replaced by a newer one included.")
    people.metric(PEOPLE, f"{labels['labelled_by'].nunique():,}")
    if labels.empty:
        st.info("Not measured — no labels yet. Open a conversation in the Escalations drill-down and label it: "
                "the figures appear here.", icon=":material/label:")
    _summary(quality)
    calibrations.render(ctx.warehouse_url, ctx.version, ctx.settings.detectors.calibration)
    if labels.empty:
        return
    _classes(quality)
    _confusion(labels)
    if ctx.viewer.capabilities.conversations:  # the list opens conversations: not for an aggregates-only role
        _review(labels)
