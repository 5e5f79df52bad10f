"""The five Twitter findings of issue 11 on ../shared/data/twcs_random5000 through mappings/twcs.yml (DuckDB,
built by etl.pipeline.run_pipeline), each against an independent pandas walk over twcs_small.csv:

  - first reply showed "0 s · Met": the brand's own tweets were contacts answered at their creation;
  - "Interactions 4,961" counted the brand's tweets;
  - "Recovered from a negative start 0.0% · Missed" over single-message contacts that cannot recover;
  - "Cost per contact $0.00" with no unit costs configured, "Escalation rate 0.0%" where no escalation can be
    observed;
  - and these made segment "unknown" a watermelon.

What the model defines: the shipped mapping makes every tweet its own contact (interaction_id = tweet_id) with
its own single message; a contact is inbound when its tweet is (`inbound` True), and the first reply of a
contact is the first public message from a person (author_role agent) inside that contact, after its creation.
"""

from __future__ import annotations

from contextlib import closing

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.scorecard import NOT_MEASURED
from etl.catalog import load_evidence_rules
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import REPO_ROOT, SHARED_DATA, make_settings
from tests.dashboard.conftest import APP

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
CSV = SHARED_DATA / "twcs_random5000" / "twcs_small.csv"
RULES = load_evidence_rules()


@pytest.fixture(scope="module")
def tweets() -> pd.DataFrame:
    frame = pd.read_csv(CSV, dtype={"tweet_id": "int64", "author_id": str, "response_tweet_id": str})
    frame["created_at"] = pd.to_datetime(frame["created_at"], format="%a %b %d %H:%M:%S %z %Y", utc=True)
    return frame


@pytest.fixture(scope="module")
def twitter_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('twitter') / 'warehouse.duckdb'}"
    source = {"name": "twitter", "format": "mapped", "path": str(CSV), "mapping": str(REPO_ROOT / "mappings/twcs.yml")}
    result = run_pipeline(make_settings(url, CSV, sources=[source]), "run")
    assert result.status == SUCCEEDED, result.problems
    return url


def _query(url: str, sql: str) -> pd.DataFrame:
    with closing(open_reader(url)) as reader:
        return reader.query_df(sql)


def _coverage(url: str) -> dict[str, tuple[int, int, str | None]]:
    frame = _query(url, "select metric_name, sum(count_in_scope) as scope, sum(count_with_evidence) as evidence,"
                        " max(not_measured_reason) as reason from marts.metric_evidence_coverage group by 1")
    return {m: (int(s), int(e), r if isinstance(r, str) else None) for m, s, e, r in frame.itertuples(index=False)}


@pytest.fixture(scope="module")
def executive(twitter_url: str, tweets: pd.DataFrame) -> AppTest:
    """The Executive review over every day of the sample (URL dates), as a viewer opens it."""
    import os

    os.environ["CXPULSE_WAREHOUSE_URL"] = twitter_url
    try:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.query_params["start"] = tweets["created_at"].min().date().isoformat()
        at.query_params["end"] = tweets["created_at"].max().date().isoformat()
        at.run()
        at.switch_page("app_pages/executive/page.py").run()
    finally:
        os.environ.pop("CXPULSE_WAREHOUSE_URL", None)
    assert not at.exception and not at.error
    return at


def _scorecard(at: AppTest) -> pd.DataFrame:
    frames = [element.value for element in at.dataframe]
    frames = [f.data if hasattr(f, "data") else f for f in frames]
    rows = pd.concat([f for f in frames if {"Measure", "Now", "Status"} <= set(f.columns)], ignore_index=True)
    return rows.set_index("Measure")


def test_first_reply_is_not_measured_and_not_0_s_met(twitter_url: str, tweets: pd.DataFrame,
                                                     executive: AppTest) -> None:
    # the walk: a contact is one tweet (interaction_id = tweet_id), so an inbound tweet's contact holds a brand
    # reply only when a brand tweet has the same tweet_id: none does
    brand_ids = set(tweets.loc[~tweets["inbound"], "tweet_id"])
    inbound = tweets[tweets["inbound"]]
    answered_within_contact = inbound["tweet_id"].isin(brand_ids)
    assert int(answered_within_contact.sum()) == 0
    # (threaded by response_tweet_id instead, only 3 of 2,718 customer tweets have their brand reply in the
    # sample: too few to call a first reply time, and the mapping does not thread tweets)
    replies_in_sample = inbound["response_tweet_id"].fillna("").map(
        lambda ids: any(int(i) in brand_ids for i in ids.split(",") if i))
    assert int(replies_in_sample.sum()) == 3
    assert float(_query(twitter_url, "select sum(count_first_replies) from marts.service_daily").iat[0, 0]) == 0
    assert _coverage(twitter_url)["first_reply_time"] == (len(inbound), 0, RULES["agent_reply"].reason)
    row = _scorecard(executive).loc["First reply time"]
    assert (row["Now"], row["Not measured because"]) == (NOT_MEASURED, RULES["agent_reply"].reason)
    assert row["Status"] == "Not measured"
    assert "0 s" not in row["Now"]


def test_interactions_count_inbound_tweets_only(twitter_url: str, tweets: pd.DataFrame, executive: AppTest) -> None:
    inbound = int(tweets["inbound"].sum())  # 2,718 (SOURCE.md: 2,718 inbound and 2,282 outbound rows)
    assert inbound == 2_718
    assert int(_query(twitter_url, "select sum(count_interactions) from marts.service_daily").iat[0, 0]) == inbound
    assert _scorecard(executive).loc["Interactions", "Now"] == f"{inbound:,}"


def test_recovery_is_not_measured_over_single_message_contacts(twitter_url: str, tweets: pd.DataFrame,
                                                               executive: AppTest) -> None:
    # every contact holds its one tweet: no inbound contact has two customer messages
    messages_per_contact = tweets[tweets["inbound"]].groupby("tweet_id").size()
    assert int((messages_per_contact >= 2).sum()) == 0
    reason = RULES["two_customer_messages"].reason
    assert _coverage(twitter_url)["negative_start_recovery_rate"] == (int(tweets["inbound"].sum()), 0, reason)
    row = _scorecard(executive).loc["Recovered from a negative start"]
    assert (row["Now"], row["Status"], row["Not measured because"]) == (NOT_MEASURED, "Not measured", reason)


@pytest.mark.parametrize(("label", "metric", "rule"), [
    ("Cost per contact", "cost_per_contact", "unit_costs"),
    ("Escalation rate", "escalation_rate", "escalation_events"),
])
def test_cost_and_escalation_are_not_measured(twitter_url: str, executive: AppTest, label: str, metric: str,
                                              rule: str) -> None:
    _scope, evidence, reason = _coverage(twitter_url)[metric]
    assert (evidence, reason) == (0, RULES[rule].reason)  # no unit costs configured; no escalation events
    row = _scorecard(executive).loc[label]
    assert (row["Now"], row["Status"], row["Not measured because"]) == (NOT_MEASURED, "Not measured",
                                                                         RULES[rule].reason)
    assert not row["Now"].startswith(("$0", "0.0%"))


def test_segment_unknown_is_not_a_watermelon(twitter_url: str, executive: AppTest) -> None:
    melons = _query(twitter_url, "select member, is_watermelon, count_not_measured from marts.signal_watermelon_monthly"
                                 " where dimension = 'segment'")
    assert set(melons["member"]) <= {"unknown"}
    assert not melons["is_watermelon"].any()
    warnings = " ".join(str(w.value) for w in executive.warning)
    assert "Watermelons" not in warnings
    texts = " ".join(str(t.value) for t in executive.text)
    # named as not measured (the target-bearing figures only), so left out of attainment
    assert "unknown: " in texts
    assert "First reply time" in texts and "Recovered from a negative start" in texts


def test_service_trends_tiles_say_not_measured_with_the_reason(twitter_url: str, tweets: pd.DataFrame) -> None:
    import os

    os.environ["CXPULSE_WAREHOUSE_URL"] = twitter_url
    try:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.query_params["start"] = tweets["created_at"].min().date().isoformat()
        at.query_params["end"] = tweets["created_at"].max().date().isoformat()
        at.run()
        at.switch_page("app_pages/overview/page.py").run()
    finally:
        os.environ.pop("CXPULSE_WAREHOUSE_URL", None)
    assert not at.exception and not at.error
    tiles = {metric.label: metric.value for metric in at.metric}
    assert tiles["First reply time"] == NOT_MEASURED
    assert tiles["Interactions"] == f"{int(tweets['inbound'].sum()):,}"  # 2,718 inbound tweets
    captions = " ".join(str(c.value) for c in at.caption)
    assert RULES["agent_reply"].reason[1:] in captions  # the reason, capitalised, under the tile
