"""Customer sentiment over a contact, CES and the inferred effort index, on tests/fixtures/experience, on DuckDB
and PostgreSQL. Every expected figure is worked out by hand below.

VADER's compound is x / sqrt(x^2 + 15) for a text whose only sentiment is a sum of valences x, rounded to 4
places. Lexicon valences (vader_lexicon.txt): good 1.9, please 1.3, help 1.7; the customer-service layer sets
please and help to 0 and turns "still waiting" into a marker of valence -2.0. "Today SUX!" is -0.5461 (a
value published in the vaderSentiment README; the layer does not touch it).
  M11 "still waiting"       stock 0 (no lexicon word)          adapted -2 / sqrt(19)      = -0.4588
  M13 "The book was good."  stock = adapted 1.9 / sqrt(18.61)  = 0.4404
  M21 "Please help"         stock 3.0 / sqrt(24) = 0.6124      adapted 0
  M23, M31 "Today SUX!"     -0.5461 both
Customer sentiment per contact (adapted scores; the agent turns M12 and M22 never count):
  X1: start -0.4588, end 0.4404, min -0.4588, mean -0.0092, trend 0.8992; started negative, recovered
  X2: start 0, end -0.5461, min -0.5461, mean -0.27305, trend -0.5461; not started negative
  X3: one message -0.5461: start = end = min = mean, trend 0; started negative, not recovered
  X4 (voice) and X5 (no messages): no sentiment.
CES answers: X1 6, X2 2, X3 7 (X1's CSAT 5 is not a CES answer).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from etl.enrich.effort import EFFORT_MODEL_VERSION, MIN_CES_ANSWERS
from etl.enrich.sentiment import ADAPTED_VERSION, ANALYZER_VERSION
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader, open_writer
from tests.conftest import FIXTURES, make_settings

EXPERIENCE = FIXTURES / "experience"


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def test_both_scorers_are_stored_side_by_side_and_only_customer_turns_get_the_adapted_one(
        warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, EXPERIENCE), "run")
    assert result.status == SUCCEEDED, result.problems
    rows = _query(warehouse_url, "select message_id, analyzer_version, compound from core.enr_message_sentiment")
    scores = {(r.message_id, r.analyzer_version): r.compound for r in rows.itertuples(index=False)}
    # 7 messages scored by stock VADER, the 5 customer ones also by the adapted scorer
    assert len(scores) == 7 + 5
    assert scores[("M11", ANALYZER_VERSION)] == pytest.approx(0.0)
    assert scores[("M11", ADAPTED_VERSION)] == pytest.approx(-0.4588, abs=1e-4)
    assert scores[("M21", ANALYZER_VERSION)] == pytest.approx(0.6124, abs=1e-4)
    assert scores[("M21", ADAPTED_VERSION)] == pytest.approx(0.0)
    assert ("M12", ADAPTED_VERSION) not in scores and ("M22", ADAPTED_VERSION) not in scores
    assert ADAPTED_VERSION == ANALYZER_VERSION + "+cs-lexicon-1"
    # a second run on the same data scores nothing again (incremental, per scorer version)
    again = run_pipeline(make_settings(warehouse_url, EXPERIENCE), "run")
    assert again.messages_scored == 0
    assert len(_query(warehouse_url, "select message_id from core.enr_message_sentiment")) == 12


def test_customer_sentiment_start_end_min_trend_and_recovery(warehouse_url: str) -> None:
    run_pipeline(make_settings(warehouse_url, EXPERIENCE), "run")
    frame = _query(warehouse_url, "select * from core.fct_contact_experience").set_index("interaction_id")
    x1, x2, x3 = frame.loc["X1"], frame.loc["X2"], frame.loc["X3"]
    assert x1["customer_sentiment_start"] == pytest.approx(-0.4588, abs=1e-4)
    assert x1["customer_sentiment_end"] == pytest.approx(0.4404, abs=1e-4)
    assert x1["customer_sentiment_min"] == pytest.approx(-0.4588, abs=1e-4)
    assert x1["customer_sentiment_mean"] == pytest.approx((-0.4588 + 0.4404) / 2, abs=1e-4)
    assert x1["customer_sentiment_trend"] == pytest.approx(0.4404 + 0.4588, abs=1e-4)
    assert bool(x1["is_started_negative"]) and bool(x1["is_recovered"])
    assert x2["customer_sentiment_start"] == pytest.approx(0.0, abs=1e-4)
    assert x2["customer_sentiment_end"] == pytest.approx(-0.5461, abs=1e-4)
    assert x2["customer_sentiment_min"] == pytest.approx(-0.5461, abs=1e-4)
    assert x2["customer_sentiment_trend"] == pytest.approx(-0.5461, abs=1e-4)
    assert not bool(x2["is_started_negative"]) and not bool(x2["is_recovered"])
    assert x3["customer_sentiment_trend"] == pytest.approx(0.0, abs=1e-9)
    assert bool(x3["is_started_negative"]) and not bool(x3["is_recovered"])
    assert int(x3["count_scored_customer_messages"]) == 1
    assert frame.loc[["X4", "X5"], "customer_sentiment_start"].isna().all()
    assert len(frame) == 5


def test_experience_mart_columns_add_up_to_the_hand_worked_totals(warehouse_url: str) -> None:
    run_pipeline(make_settings(warehouse_url, EXPERIENCE), "run")
    totals = _query(warehouse_url, "select sum(count_interactions) as interactions,"
                    " sum(count_sentiment_interactions) as sentiment, sum(sum_sentiment_start) as s_start,"
                    " sum(sum_sq_sentiment_start) as sq_start, sum(sum_sentiment_end) as s_end,"
                    " sum(sum_sentiment_min) as s_min, sum(sum_sentiment_mean) as s_mean,"
                    " sum(sum_sentiment_trend) as s_trend, sum(sum_sq_sentiment_trend) as sq_trend,"
                    " sum(count_negative_start) as negative_start, sum(count_recovered) as recovered,"
                    " sum(count_ces_responses) as ces_n, sum(sum_ces_score) as ces_sum,"
                    " sum(sum_sq_ces_score) as ces_sq, sum(count_ces_easy) as ces_easy,"
                    " sum(count_inferred_effort) as inferred_n, count(*) as mart_rows"
                    " from marts.experience_daily").iloc[0]
    assert totals["interactions"] == 5
    assert totals["sentiment"] == 3
    # start: -0.4588 + 0 - 0.5461 = -1.0049; squares 0.21049744 + 0 + 0.29822521 = 0.50872265
    assert totals["s_start"] == pytest.approx(-1.0049, abs=1e-4)
    assert totals["sq_start"] == pytest.approx(0.50872265, abs=1e-4)
    # end: 0.4404 - 0.5461 - 0.5461 = -0.6518; min: -0.4588 - 0.5461 - 0.5461 = -1.5510
    assert totals["s_end"] == pytest.approx(-0.6518, abs=1e-4)
    assert totals["s_min"] == pytest.approx(-1.5510, abs=1e-4)
    # mean: -0.0092 - 0.27305 - 0.5461 = -0.82835
    assert totals["s_mean"] == pytest.approx(-0.82835, abs=1e-4)
    # trend: 0.8992 - 0.5461 + 0 = 0.3531; squares 0.80856064 + 0.29822521 = 1.10678585
    assert totals["s_trend"] == pytest.approx(0.3531, abs=1e-4)
    assert totals["sq_trend"] == pytest.approx(1.10678585, abs=1e-4)
    assert totals["negative_start"] == 2  # X1, X3
    assert totals["recovered"] == 1  # X1
    # CES 6 + 2 + 7 = 15; squares 36 + 4 + 49 = 89; easy (5-7): 6 and 7
    assert totals["ces_n"] == 3
    assert totals["ces_sum"] == pytest.approx(15)
    assert totals["ces_sq"] == pytest.approx(89)
    assert totals["ces_easy"] == 2
    # three CES answers are far fewer than the 50 a fit needs: no inferred effort anywhere
    assert totals["inferred_n"] == 0
    # X1 and X2 differ in intent, X3 / X4 / X5 in day or channel: every contact is a grain row of its own
    assert totals["mart_rows"] == 5


def test_too_few_ces_answers_store_the_reason_and_no_model(warehouse_url: str) -> None:
    run_pipeline(make_settings(warehouse_url, EXPERIENCE), "run")
    fits = _query(warehouse_url, "select * from core.enr_effort_model")
    assert len(fits) == 1
    fit = fits.iloc[0]
    assert fit["status"] == "insufficient_data"
    assert fit["model_version"] == EFFORT_MODEL_VERSION
    assert fit["reason"] == f"3 contacts with a CES answer, fewer than the {MIN_CES_ANSWERS} needed"
    assert fit["term"] is None or (isinstance(fit["term"], float) and math.isnan(fit["term"]))
    # a rerun on the same answers does not refit
    run_pipeline(make_settings(warehouse_url, EXPERIENCE), "run")
    assert len(_query(warehouse_url, "select * from core.enr_effort_model")) == 1


# A model written by hand, applied in SQL (fct_contact_experience) to the fixture's effort features:
HAND_MODEL = {
    "intercept": 6.0, "prior_episode_contacts": -0.5, "count_transfers": -1.0, "is_channel_switch": -10.0,
    "is_repeat_contact": -0.25, "is_restatement": -1.0, "log_queue_wait_minutes": -0.5,
    "log_first_reply_hours": -1.0,
}


def test_inferred_effort_is_computed_in_sql_from_the_stored_coefficients_and_clipped(warehouse_url: str) -> None:
    settings = make_settings(warehouse_url, EXPERIENCE)
    run_pipeline(settings, "run")
    with open_writer(warehouse_url) as warehouse:
        for term, coefficient in HAND_MODEL.items():
            warehouse.execute(
                "insert into core.enr_effort_model (model_version, run_id, fitted_at, training_data_hash, status,"
                " formula, term, coefficient, n_ces_contacts, n_train, n_heldout)"
                " values (:version, 999, cast('2100-01-01 00:00:00' as timestamp), 'hand', 'fitted', 'hand',"
                " :term, :coefficient, 0, 0, 0)",
                {"version": EFFORT_MODEL_VERSION, "term": term, "coefficient": coefficient},
            )
    run_pipeline(settings, "build", do_ingest=False, do_enrich=False)
    frame = _query(warehouse_url, "select interaction_id, prior_episode_contacts, count_transfers,"
                   " is_channel_switch, is_repeat_contact, inferred_effort_score"
                   " from core.fct_contact_experience").set_index("interaction_id")
    score = frame["inferred_effort_score"]
    # X1: first reply 09:00:00 -> 09:06:00 = 0.1 h: 6 - ln(1.1) = 6 - 0.0953102 = 5.9046898
    assert score["X1"] == pytest.approx(5.9046898, abs=1e-6)
    # X2: first reply 10:00:00 -> 10:30:00 = 0.5 h: 6 - ln(1.5) = 6 - 0.4054651 = 5.5945349
    assert score["X2"] == pytest.approx(5.5945349, abs=1e-6)
    # X3: an e-mail without reply, first of its episode: the intercept, 6
    assert score["X3"] == pytest.approx(6.0, abs=1e-9)
    # X4: queued 10:00:00, answered 10:01:00 (1 minute), one transfer: 6 - 1 - 0.5 ln 2 = 4.6534264
    assert int(frame.loc["X4", "count_transfers"]) == 1
    assert score["X4"] == pytest.approx(4.6534264, abs=1e-6)
    # X5: C1's second login_problem contact within 7 days, voice -> chat: 6 - 0.5 - 10 - 0.25 = -4.75 -> 1
    assert int(frame.loc["X5", "prior_episode_contacts"]) == 1
    assert bool(frame.loc["X5", "is_channel_switch"]) and bool(frame.loc["X5", "is_repeat_contact"])
    assert score["X5"] == pytest.approx(1.0)
    mart = _query(warehouse_url, "select sum(count_inferred_effort) as n, sum(sum_inferred_effort) as s"
                  " from marts.experience_daily").iloc[0]
    assert mart["n"] == 5
    # 5.9046898 + 5.5945349 + 6 + 4.6534264 + 1 = 23.1526511
    assert mart["s"] == pytest.approx(23.1526511, abs=1e-6)
