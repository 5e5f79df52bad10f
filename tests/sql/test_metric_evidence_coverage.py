"""marts.metric_evidence_coverage (source system x week x metric) on two small sources, worked out by hand, on
DuckDB and PostgreSQL.

canonical_small (source system "canonical"; seven contacts, all in the week of Monday 2026-05-04; the fax I8 is
quarantined):
  I1 voice queued, answered, talk 300 hold 60, CSAT      I2 voice queued, abandoned
  I3 voice queued, abandoned                             I4 voice queued, answered, talk 240 hold 0
  I5 chat bot -> queued -> person (reply M4), talk 400 (no hold stated), escalated, CSAT, customer M1 + M3
  I6 e-mail, public reply M7, CSAT + CES, customer M5    I7 chat bot alone, customer M8
Unit costs are configured for voice only.
mapped tweets (source system "mapped"): tweet 1 (cust_a, Tue 31 Oct 2017) and tweet 3 (cust_b, 1 Nov 2017
07:00 UTC) are inbound, both in the week of Monday 2017-10-30; tweet 2 is the brand's outbound reply (its own
contact, so no reply follows a customer tweet within a contact); tweet 4 is quarantined ("yesterday").
"""

from __future__ import annotations

import datetime as dt
from contextlib import closing

import pandas as pd
import pytest

from etl.catalog import load_catalog, load_evidence_rules
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

SHOP_WEEK, TWEET_WEEK = dt.date(2026, 5, 4), dt.date(2017, 10, 30)


@pytest.fixture(scope="module")
def coverage(module_warehouse_url: str) -> pd.DataFrame:
    sources = [
        {"name": "shop", "format": "canonical", "path": str(FIXTURES / "canonical_small")},
        {"name": "tw", "format": "mapped", "path": str(FIXTURES / "mapped" / "tweets"),
         "mapping": str(FIXTURES / "mapped" / "tweets.yml")},
    ]
    settings = make_settings(module_warehouse_url, FIXTURES / "canonical_small", sources=sources,
                             unit_costs={"voice": {"human": 6.5}})
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems
    with closing(open_reader(module_warehouse_url)) as reader:
        frame = reader.query_df("select * from marts.metric_evidence_coverage")
        contacts = reader.query_df(
            "select source_system, sum(count_interactions) as n, sum(count_first_replies) as replies"
            " from marts.service_daily group by source_system")
    frame.attrs["service"] = contacts.set_index("source_system")
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame


def _row(coverage: pd.DataFrame, source: str, week: dt.date, metric: str) -> pd.Series:
    rows = coverage[(coverage["source_system"] == source) & (coverage["week_start"] == week)
                    & (coverage["metric_name"] == metric)]
    assert len(rows) == 1, (source, week, metric)
    return rows.iloc[0]


@pytest.mark.parametrize(("metric", "in_scope", "with_evidence"), [
    ("interactions", 7, 7),
    ("first_reply_time", 3, 2),  # I5, I6, I7 are not calls; I5 (M4) and I6 (M7) got a public reply
    ("service_level", 7, 5),  # I1-I5 entered a queue
    ("handle_time", 7, 3),  # I1, I4, I5 state a talk time
    ("hold_time", 3, 2),  # of I1, I4, I5 (talk time), I1 and I4 state a hold time
    ("escalation_rate", 7, 1),  # I5 escalated, no transfers
    ("transfers_per_contact", 7, 0),
    ("csat", 7, 3),  # I1, I5, I6
    ("ces", 7, 1),  # I6
    ("customer_sentiment_end", 7, 3),  # I5, I6, I7 hold a customer message
    ("negative_start_recovery_rate", 7, 1),  # only I5 holds two customer messages (M1, M3)
    ("cost_per_contact", 7, 4),  # I1-I4 are calls, the one channel with unit costs
])
def test_coverage_of_the_canonical_source(coverage: pd.DataFrame, metric: str, in_scope: int,
                                          with_evidence: int) -> None:
    row = _row(coverage, "canonical", SHOP_WEEK, metric)
    assert (int(row["count_in_scope"]), int(row["count_with_evidence"])) == (in_scope, with_evidence)
    assert bool(row["is_measured"]) is (with_evidence > 0)
    reason = load_evidence_rules()[load_catalog()[metric].evidence].reason
    # the reason is given exactly when nothing carries the evidence
    assert (None if pd.isna(row["not_measured_reason"]) else row["not_measured_reason"]) == (
        None if with_evidence else reason)


@pytest.mark.parametrize(("metric", "rule"), [
    ("first_reply_time", "agent_reply"),
    ("cost_per_contact", "unit_costs"),
    ("escalation_rate", "escalation_events"),
    ("negative_start_recovery_rate", "two_customer_messages"),
    ("csat", "csat_survey"),
])
def test_the_tweets_cannot_measure_what_they_do_not_record(coverage: pd.DataFrame, metric: str, rule: str) -> None:
    row = _row(coverage, "mapped", TWEET_WEEK, metric)
    assert int(row["count_in_scope"]) == 2  # tweets 1 and 3; the brand's tweet 2 is not a contact
    assert int(row["count_with_evidence"]) == 0
    assert not bool(row["is_measured"])
    assert row["not_measured_reason"] == load_evidence_rules()[rule].reason


def test_every_metric_has_a_row_per_source_week_with_contacts(coverage: pd.DataFrame) -> None:
    contact_metrics = {m.name for m in load_catalog().values() if m.evidence != "queue_interval_report"}
    for source, week in (("canonical", SHOP_WEEK), ("mapped", TWEET_WEEK)):
        rows = coverage[(coverage["source_system"] == source) & (coverage["week_start"] == week)]
        assert set(rows["metric_name"]) == contact_metrics
    # two source-weeks in all, and no rows for the queue report (neither source has one)
    assert len(coverage) == 2 * len(contact_metrics)
    assert int(_row(coverage, "mapped", TWEET_WEEK, "interactions")["count_with_evidence"]) == 2


def test_outbound_posts_are_not_contacts(coverage: pd.DataFrame) -> None:
    service = coverage.attrs["service"]
    assert int(service.loc["mapped", "n"]) == 2  # tweets 1 and 3, not the brand's tweet 2
    assert int(service.loc["mapped", "replies"]) == 0  # tweet 2 is no longer "answered at creation" (0 s)
    assert int(service.loc["canonical", "n"]) == 7
