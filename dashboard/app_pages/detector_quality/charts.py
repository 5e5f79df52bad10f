"""Chart builders of the Detector quality page: pure functions, frame in, Altair chart out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import OKABE_ITO, apply_theme

CELL_PIXELS = 36
AXIS_PIXELS = 190  # the intents' names beside and under the cells, and the axis titles
LEGEND_PIXELS = 80


def confusion_heatmap(confusion: pd.DataFrame) -> alt.TopLevelMixin:
    """Predicted intent × labelled intent, the number of labels as colour and text; the diagonal is agreement.
    `confusion`: predicted_value, label_value, count_labels (dashboard aggregates: a few hundred cells at most)."""
    if confusion.empty:
        raise ValueError("no intent labels to chart")
    intents = sorted(set(confusion["predicted_value"]) | set(confusion["label_value"]))
    frame = confusion.assign(is_agreement=confusion["predicted_value"] == confusion["label_value"])
    base = alt.Chart(frame).encode(
        x=alt.X("label_value:N", title="Labelled intent (people)", sort=intents, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("predicted_value:N", title="Predicted intent (detector)", sort=intents),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("count_labels:Q", title="Labels", scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format=",d", tickMinStep=1)),
        tooltip=[alt.Tooltip("predicted_value:N", title="Predicted"), alt.Tooltip("label_value:N", title="Labelled"),
                 alt.Tooltip("count_labels:Q", title="Labels", format=",")],
    )
    counts = base.mark_text(fontSize=13, color=OKABE_ITO["black"]).encode(
        text=alt.Text("count_labels:Q", format=",d"))
    # Streamlit fits the whole chart (axes and legend included) into width x height: room for the labels
    size = CELL_PIXELS * len(intents)
    return apply_theme((cells + counts).properties(width=size + AXIS_PIXELS + LEGEND_PIXELS, height=size + AXIS_PIXELS))
