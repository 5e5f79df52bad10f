"""Labelling a conversation in the Escalations drill-down and reading the Detector quality page, through
AppTest on DuckDB and PostgreSQL (tests/fixtures/canonical_small; conversation I5, see tests/conftest.py).

Expected rows and figures are worked out by hand from the fixture: I5's intent is billing_dispute, its primary
trigger negative_sentiment, its customer messages M1 ("The book was good.", positive) and M3 ("Today SUX!",
negative); its restatement is not comparable (no question asked)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.widgets.label_form import form_key
from etl.detector_quality import NO_LABELS, TRIGGER_RECALL_REASON
from etl.enrich.message_signals import SIGNALS_VERSION
from etl.enrich.sentiment import ADAPTED_VERSION, ANALYZER_VERSION
from tests.conftest import query_frame
from tests.dashboard.conftest import open_page

CONVERSATION = "I5"


def _key(name: str) -> str:
    return form_key(CONVERSATION, name)


def _texts(elements: object) -> str:
    return " ".join(str(element.value) for element in elements)  # type: ignore[attr-defined]


def _label(at: AppTest, who: str = "Ada") -> AppTest:
    """Intent wrong (invoice_copy), M1 neutral (the detector said positive), M3 left at negative, trigger wrong."""
    at.radio(key=_key("intent")).set_value("Wrong")
    at.selectbox(key=_key("right_intent")).set_value("invoice_copy")
    at.checkbox(key=_key("sentiment_on")).check()
    at.radio(key=_key("sentiment_1")).set_value("neutral")
    at.radio(key=_key("trigger")).set_value("Wrong")
    at.text_input(key=_key("name")).input(who)
    at.text_area(key=_key("note")).input("billing was right in the end? no: invoice copy")
    submit = [b for b in at.button if b.label == "Save labels"]
    assert len(submit) == 1
    return submit[0].click().run()


def _table(at: AppTest, first_column: str) -> pd.DataFrame:
    """The one table whose first column is `first_column` (AppTest keeps no key for a table without selection)."""
    tables = [d.value for d in at.dataframe if len(d.value.columns) and d.value.columns[0] == first_column]
    assert len(tables) == 1, first_column
    return tables[0]


def test_the_form_saves_the_rows_worked_out_by_hand(monkeypatch: pytest.MonkeyPatch, no_labels_url: str) -> None:
    at = open_page(monkeypatch, no_labels_url, "escalations", {"conversation": CONVERSATION})
    assert not at.exception
    assert "Label this conversation" in _texts(at.subheader)
    assert at.radio(key=_key("sentiment_1")).value == "positive"  # prefilled with the detector's labels
    assert at.radio(key=_key("sentiment_2")).value == "negative"
    assert _key("restatement") not in [r.key for r in at.radio]  # not comparable: not asked
    at = _label(at)
    assert not at.exception
    assert "Saved 4 labels" in _texts(at.success)
    stored = query_frame(no_labels_url, "select * from feedback.labels order by detector, message_id")
    trigger_version = f"{SIGNALS_VERSION}+{ANALYZER_VERSION}"
    # the intent label judges the version of the contact_intents step that labelled the conversation
    intent_version = query_frame(no_labels_url, "select detector_version from core.enr_contact_intents"
                                                f" where interaction_id = '{CONVERSATION}'"
                                                " order by assigned_at desc, run_id desc limit 1").iat[0, 0]
    assert intent_version
    assert stored[["detector", "message_id", "detector_version", "predicted_value", "label_value"]].astype(
        "object").where(stored[["detector", "message_id", "detector_version", "predicted_value",
                                "label_value"]].notna(), None).values.tolist() == [
        ["escalation_trigger", None, trigger_version, "negative_sentiment", "wrong"],
        ["intent", None, intent_version, "billing_dispute", "invoice_copy"],
        # a customer message's label carries the calibration its cut-offs came from (none here: shipped)
        ["sentiment", "M1", f"{ADAPTED_VERSION}/calibration-none", "positive", "neutral"],
        ["sentiment", "M3", f"{ADAPTED_VERSION}/calibration-none", "negative", "negative"],
    ]
    assert [bool(v) for v in stored["is_correct"]] == [False, False, False, True]
    assert set(stored["labelled_by"]) == {"Ada"} and set(stored["interaction_id"]) == {CONVERSATION}
    assert set(stored["note"]) == {"billing was right in the end? no: invoice copy"}
    assert stored["labelled_at"].nunique() == 1


def test_a_form_without_a_name_saves_nothing(monkeypatch: pytest.MonkeyPatch, no_labels_url: str) -> None:
    at = open_page(monkeypatch, no_labels_url, "escalations", {"conversation": CONVERSATION})
    at = _label(at, who="")
    assert "Your name is required" in _texts(at.error)
    assert int(query_frame(no_labels_url, "select count(*) from feedback.labels").iat[0, 0]) == 0


def test_detector_quality_without_labels_says_not_measured(monkeypatch: pytest.MonkeyPatch,
                                                           no_labels_url: str) -> None:
    at = open_page(monkeypatch, no_labels_url, "detector_quality")
    assert not at.exception
    assert "Detector quality" in _texts(at.title)
    summary = _table(at, "Detector")
    assert list(summary["Detector"]) == ["Intent", "Customer sentiment", "Restatement", "Escalation trigger"]
    assert list(summary["Labels"]) == [0, 0, 0, 0]
    assert set(summary["Note"]) == {NO_LABELS}
    assert summary["Precision"].isna().all() and summary["Recall"].isna().all()
    # no calibration yet: the shipped thresholds ("none")
    assert {m.label: m.value for m in at.metric} == {"Labels that count": "0", "Labels saved": "0",
                                                     "People who labelled": "0", "Active calibration": "none"}


def test_labelling_changes_the_detector_quality_page(monkeypatch: pytest.MonkeyPatch, no_labels_url: str) -> None:
    at = _label(open_page(monkeypatch, no_labels_url, "escalations", {"conversation": CONVERSATION}))
    assert "Saved 4 labels" in _texts(at.success)
    at.switch_page("app_pages/detector_quality/page.py")
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {"Labels that count": "4", "Labels saved": "4",
                                                     "People who labelled": "1", "Active calibration": "none"}
    summary = _table(at, "Detector").set_index("Detector")
    # intent: one label, billing_dispute predicted, invoice_copy labelled: billing_dispute precision 0/1 (recall
    # undefined), invoice_copy recall 0/1 (precision undefined) -> macro precision 0, macro recall 0
    assert summary.loc["Intent", "Labels"] == 1
    assert (summary.loc["Intent", "Precision"], summary.loc["Intent", "Recall"]) == (0.0, 0.0)
    # sentiment: negative P 1/1 R 1/1; neutral R 0/1; positive P 0/1 -> macro P (1 + 0)/2, macro R (1 + 0)/2
    assert summary.loc["Customer sentiment", "Labels"] == 2
    assert summary.loc["Customer sentiment", "Precision"] == pytest.approx(0.5)
    assert summary.loc["Customer sentiment", "Recall"] == pytest.approx(0.5)
    # escalation trigger: 0 right of 1 -> precision 0, Wilson 0 of 1 = 0 to 1.96^2 / (1 + 1.96^2) = 0.7935
    assert summary.loc["Escalation trigger", "Precision"] == 0.0
    assert summary.loc["Escalation trigger", "Precision 95% interval"] == "0.00 – 0.79"
    assert summary.loc["Escalation trigger", "Note"] == TRIGGER_RECALL_REASON
    assert summary.loc["Restatement", "Note"] == NO_LABELS
    confusion = _table(at, "Predicted \\ labelled")
    assert confusion.to_dict("records") == [{"Predicted \\ labelled": "billing_dispute", "invoice_copy": 1}]
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert "layer" in spec
    review = _table(at, "Conversation")
    assert len(review) == 4 and set(review["Conversation"]) == {CONVERSATION} and set(review["Who"]) == {"Ada"}
    assert set(review["Open"]) == {"escalations?conversation=I5"}
    # choosing a row opens the conversation in the Escalations drill-down
    at.session_state["detector_quality_review"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    assert at.query_params.get("conversation") in (CONVERSATION, [CONVERSATION])
    assert "Transcript of the chosen conversation" in _texts(at.subheader)
