"""Which scorer the customer sentiment figures use: the models' choice and the Experience page's sentence, on
tests/fixtures/experience, on DuckDB and PostgreSQL.

Worked by hand: the fixture has one CSAT answer (S2, score 5, contact X1), so the labels are X1's two customer
messages (M11, M13), far below the 200 a fit needs; the step stores a model row that says so, and the lexicon keeps
the figures. Then a model row that measured better is put in by hand with its own scores (M11 -0.9, M13 +0.8,
M21 -0.6, M23 -0.7, M31 -0.7); a rebuild without enrichment must read those scores for every customer message.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.enrich.sentiment import ADAPTED_VERSION
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_writer
from tests.conftest import FIXTURES, make_settings, query_frame

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGE = "app_pages/experience/page.py"
LEXICON = "the customer-service lexicon (VADER with support-desk words)"
SUPERVISED = "supervised-1/handmade0001"
HAND_SCORES = {"M11": -0.9, "M13": 0.8, "M21": -0.6, "M23": -0.7, "M31": -0.7}


def _page_texts(monkeypatch: pytest.MonkeyPatch, url: str) -> list[str]:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    # the app keeps its connection and query results in Streamlit's caches, which outlive the AppTest
    st.cache_data.clear()
    st.cache_resource.clear()
    return [str(element.value) for element in at.text]


def _put_a_better_model(url: str) -> None:
    later = dt.datetime(2100, 1, 1)
    with open_writer(url) as warehouse:
        model = {column: 0 for column in ("count_survey_labels", "count_feedback_labels", "count_training_negative",
                                          "count_training_neutral", "count_training_positive")}
        model.update(model_version=SUPERVISED, training_hash="handmade", model_code_version="supervised-1",
                     lexicon_version=ADAPTED_VERSION, run_id=99, fitted_at=later, is_fitted=True,
                     fallback_reason=None, is_used_for_customers=True, count_labels=500, count_fixture_labels=500,
                     count_training_labels=400, count_heldout_labels=100, heldout_macro_f1=0.75,
                     heldout_macro_f1_lexicon=0.6, heldout_f1_negative=0.8, heldout_f1_neutral=0.7,
                     heldout_f1_positive=0.75)
        columns = warehouse.query_df("select * from core.enr_sentiment_models where 1 = 0").columns
        warehouse.bulk_insert("core.enr_sentiment_models", pd.DataFrame([model])[list(columns)])
        hashes = warehouse.query_df("select message_id, text_hash from core.fct_messages"
                                    " where author_role = 'customer'")
        rows = pd.DataFrame({"message_id": hashes["message_id"], "text_hash": hashes["text_hash"]})
        rows["author_role"] = "customer"
        rows["analyzer_version"] = SUPERVISED
        rows["compound"] = rows["message_id"].map(HAND_SCORES)
        rows["positive"] = 0.0
        rows["neutral"] = 0.0
        rows["negative"] = 0.0
        rows["sentiment_label"] = ["negative" if c < -0.05 else "positive" for c in rows["compound"]]
        rows["scored_at"] = later
        warehouse.bulk_insert("core.enr_message_sentiment", rows)


def test_lexicon_until_a_better_model_then_the_model(monkeypatch: pytest.MonkeyPatch, warehouse_url: str) -> None:
    settings = make_settings(warehouse_url, FIXTURES / "experience")
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems
    scorer = query_frame(warehouse_url, "select * from core.dim_customer_sentiment_scorer")
    assert len(scorer) == 1
    assert scorer.loc[0, "customer_sentiment_version"] == ADAPTED_VERSION
    assert scorer.loc[0, "fallback_reason"] == "only 2 labelled customer messages, and a fit needs 200"
    assert (f"Customer sentiment figures use {LEXICON}: the supervised scorer was not trained (only 2 labelled "
            "customer messages, and a fit needs 200).") in _page_texts(monkeypatch, warehouse_url)

    _put_a_better_model(warehouse_url)
    rebuilt = run_pipeline(settings, "build", do_ingest=False, do_enrich=False)
    assert rebuilt.status == SUCCEEDED, rebuilt.problems
    messages = query_frame(warehouse_url, "select message_id, compound, analyzer_version"
                                          " from core.fct_message_sentiment where author_role = 'customer'"
                                          ).set_index("message_id")
    assert set(messages["analyzer_version"]) == {SUPERVISED}
    assert messages["compound"].to_dict() == pytest.approx(HAND_SCORES)
    # the contact roll-up reads the same choice: X1 starts at M11 (-0.9) and ends at M13 (+0.8), so it recovered
    x1 = query_frame(warehouse_url, "select customer_sentiment_start, customer_sentiment_end, is_recovered"
                                    " from core.fct_contact_experience where interaction_id = 'X1'").iloc[0]
    assert (x1["customer_sentiment_start"], x1["customer_sentiment_end"]) == pytest.approx((-0.9, 0.8))
    assert bool(x1["is_recovered"])
    assert ("Customer sentiment figures use the supervised scorer supervised-1/handmade0001: on 100 held-out "
            "labelled messages its macro-F1 is 0.75, against 0.60 for the customer-service lexicon."
            ) in _page_texts(monkeypatch, warehouse_url)
