"""Every contact's intent on the public contact exports (tests/realdata/datasets.py, with the taxonomy
mappings/helpdesk_italian_intents.yml), on DuckDB and PostgreSQL, against pandas reading the files themselves.

- Help-desk log (finale.csv): the mapping carries `product` as the intent column; a ticket's product is that of
  its last event carrying one (latest timestamp, then latest line), and the taxonomy maps "Value N" onto
  product_N. So every ticket has intent product_N from the vendor field, confidence 1.0, band High, parent
  product_support, and every ticket naming a customer is eligible for repeat contact and FCR.
- Twitter sample (twcs_small.csv): no intent column; the brand's own tweets (inbound False) hold no customer
  text, so they are unclassified; the customers' tweets are labelled by rule (the reason's keyword is in the
  tweet), by the model, or stay unclassified, never by a vendor field.
"""

from __future__ import annotations

import re
from contextlib import closing

import pandas as pd
import pytest

from etl.intents.taxonomy import load_taxonomy
from etl.warehouse import open_reader
from tests.realdata.datasets import HELPDESK, REAL_TAXONOMY, TWITTER

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def _query(url: str, sql: str) -> pd.DataFrame:
    with closing(open_reader(url)) as reader:
        return reader.query_df(sql)


def _helpdesk_tickets() -> pd.DataFrame:
    log = pd.read_csv(HELPDESK, dtype=str)
    log["line"] = range(len(log))
    log["at"] = pd.to_datetime(log["Complete Timestamp"], format="%Y/%m/%d %H:%M:%S.%f")
    ordered = log.sort_values(["Case ID", "at", "line"])
    last = ordered.groupby("Case ID").agg(product=("product", "last"), customer=("customer", "last"))
    last.index = "mapped:helpdesk:" + last.index
    return last


def test_every_help_desk_ticket_has_its_product_intent_from_the_vendor_field(real_warehouse_url: str) -> None:
    tickets = _helpdesk_tickets()
    assert len(tickets) == 4_580
    ours = _query(real_warehouse_url,
                  "select interaction_id, intent, intent_source, intent_confidence, intent_confidence_band,"
                  " intent_parent, intent_reason from core.fct_interactions"
                  " where interaction_id like 'mapped:helpdesk:%'").set_index("interaction_id")
    assert sorted(ours.index) == sorted(tickets.index)
    expected = "product_" + tickets["product"].str.removeprefix("Value ")
    assert (ours["intent"] == expected.reindex(ours.index)).all()
    assert set(ours["intent_source"]) == {"vendor"}
    assert set(ours["intent_confidence"].astype(float)) == {1.0}
    assert set(ours["intent_confidence_band"]) == {"High"}
    assert set(ours["intent_parent"]) == {"product_support"}
    one = tickets.index[0]
    assert ours.loc[one, "intent_reason"] == f"mapped intent = {tickets.loc[one, 'product']}"


def test_repeat_contact_and_fcr_are_measured_on_the_help_desk_log(real_warehouse_url: str) -> None:
    tickets = _helpdesk_tickets()
    with_customer = int(tickets["customer"].notna().sum())
    # the help-desk log is the only mapped source of tickets (the Twitter sample's contacts are social)
    sums = _query(real_warehouse_url,
                  "select sum(count_repeat_eligible_contacts) as repeat_eligible,"
                  " sum(count_repeat_contacts) as repeats, sum(count_fcr_eligible_contacts) as fcr_eligible,"
                  " sum(count_first_contact_resolved) as fcr_resolved from marts.journey_daily"
                  " where source_system = 'mapped' and channel = 'ticket'").iloc[0]
    assert int(sums["repeat_eligible"]) == with_customer > 4_000
    assert 0 < int(sums["repeats"]) < with_customer
    assert 0 < int(sums["fcr_resolved"]) <= int(sums["fcr_eligible"]) <= with_customer


def test_twitter_contacts_are_labelled_by_rule_or_model_or_explicitly_unclassified(real_warehouse_url: str) -> None:
    tweets = pd.read_csv(TWITTER, dtype={"tweet_id": str})
    tweets["interaction_id"] = "mapped:twitter:" + tweets["tweet_id"]
    tweets = tweets.set_index("interaction_id")
    ours = _query(real_warehouse_url,
                  "select interaction_id, direction, intent, intent_source, intent_reason"
                  " from core.fct_interactions where interaction_id like 'mapped:twitter:%'").set_index(
        "interaction_id")
    assert sorted(ours.index) == sorted(tweets.index)
    names = set(load_taxonomy(REAL_TAXONOMY).names()) | {"unclassified"}
    assert set(ours["intent"]) <= names
    brand = tweets.index[~tweets["inbound"]]
    assert set(ours.loc[brand, "intent_source"]) == {"unclassified"}
    customers = ours.loc[tweets.index[tweets["inbound"]]]
    assert set(customers["intent_source"]) == {"rule", "model", "unclassified"}
    assert (customers["intent"] == "unclassified").eq(customers["intent_source"] == "unclassified").all()
    by_rule = customers[customers["intent_source"] == "rule"]
    keywords = by_rule["intent_reason"].str.extract(r"^rule \w+: keyword '(.+)'$")[0].dropna()
    assert len(keywords) > len(by_rule) / 2  # most rules are keywords; regex rules are checked by the rule tests
    for interaction_id, keyword in keywords.items():
        words = r"\s+".join(re.escape(part) for part in keyword.split())
        assert re.search(rf"(?<!\w){words}(?!\w)", tweets.loc[interaction_id, "text"], re.IGNORECASE), keyword
    models = _query(real_warehouse_url, "select distinct status, n_labelled from core.enr_intent_models")
    # the classifier learned from the contacts labelled by a vendor field or a rule that have text: the tweets
    # labelled by rule (the help-desk tickets have no text)
    assert [tuple(r) for r in models.itertuples(index=False)] == [("fitted", len(by_rule) + _abcd_labelled(
        real_warehouse_url))]


def _abcd_labelled(url: str) -> int:
    frame = _query(url, "select count(*) as n from core.fct_interactions where source_system = 'transcripts'"
                        " and intent_source in ('vendor', 'rule')")
    return int(frame["n"].iloc[0])
