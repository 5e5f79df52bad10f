"""How intents were found, as text (pure), and the "Include low-confidence intents" filter's round trip through
the URL. Every expected string is worked out by hand from the counts written here."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.exports.naming import filters_in_words
from dashboard.filters import Filters, default_filters, from_query_params, to_query_params
from dashboard.intent_sources import found_by, percent, source_line, with_found_by

DEFAULTS = default_filters(dt.date(2026, 10, 31), today=dt.date(2026, 11, 22))


def _bases(**counts: int) -> pd.DataFrame:
    return pd.DataFrame({"intent_basis": list(counts), "contacts": list(counts.values())})


def test_the_line_of_the_issue() -> None:
    # 100 contacts: 62 vendor, 20 rules, 6 + 3 + 1 = 10 model, 8 unclassified
    frame = _bases(vendor=62, rule=20, model_high=6, model_medium=3, model_low=1, unclassified=8)
    assert source_line(frame) == ("Intent from: vendor field 62%, rules 20%, model 10% (High 6%, Medium 3%, "
                                  "Low 1%), unclassified 8%")


def test_sources_without_contacts_are_left_out_and_tiny_shares_read_under_one_percent() -> None:
    # 400 contacts: 399 vendor (99.75%: not all, ">99%"), 1 model Low (0.25%: "<1%"); rules 0 left out
    frame = _bases(vendor=399, rule=0, model_low=1)
    assert source_line(frame) == "Intent from: vendor field >99%, model <1% (Low <1%)"
    assert percent(2, 400) == "<1%"  # 0.5%
    assert percent(6, 400) == "2%"  # 1.5%
    assert percent(400, 400) == "100%"
    assert percent(0, 400) == "0%"


def test_no_contacts() -> None:
    assert source_line(_bases()) == "Intent from: no contacts in these filters."
    assert found_by(pd.DataFrame(columns=["intent", "intent_basis", "contacts"])) == {}


def test_found_by_ranks_each_intents_sources() -> None:
    frame = pd.DataFrame({
        "intent": ["billing", "billing", "billing", "refund", "unclassified"],
        "intent_basis": ["vendor", "model_low", "rule", "model_high", "unclassified"],
        "contacts": [6, 3, 1, 4, 5],
    })
    # billing 10: vendor 60%, model (Low) 30%, rules 10%; refund 4: model (High) 100%
    assert found_by(frame) == {"billing": "vendor 60%, model (Low) 30%, rules 10%", "refund": "model (High) 100%",
                               "unclassified": "unclassified 100%"}
    table = with_found_by(pd.DataFrame({"intent": ["refund", "billing", "other"], "contacts": [4, 10, 0]}),
                          found_by(frame))
    assert list(table.columns) == ["intent", "found by", "contacts"]
    assert list(table["found by"]) == ["model (High) 100%", "vendor 60%, model (Low) 30%, rules 10%", ""]


def test_ties_follow_the_order_vendor_rules_model_unclassified() -> None:
    frame = pd.DataFrame({"intent": ["x", "x"], "intent_basis": ["unclassified", "rule"], "contacts": [1, 1]})
    assert found_by(frame) == {"x": "rules 50%, unclassified 50%"}


def test_low_confidence_filter_round_trips_through_the_url() -> None:
    excluded = Filters(dt.date(2026, 6, 1), dt.date(2026, 8, 31), include_low_confidence=False)
    params = to_query_params(excluded, DEFAULTS)
    assert params == {"start": "2026-06-01", "end": "2026-08-31", "low_confidence": "exclude"}
    assert from_query_params(params, DEFAULTS) == excluded
    assert excluded.excluded_intent_bases == ("model_low",)
    assert dict(excluded.lists)["excluded_intent_bases"] == ("model_low",)


def test_low_confidence_default_is_everything_and_stays_out_of_the_url() -> None:
    assert DEFAULTS.include_low_confidence is True
    assert dict(DEFAULTS.lists)["excluded_intent_bases"] == ()
    assert "low_confidence" not in to_query_params(DEFAULTS, DEFAULTS)
    assert from_query_params({}, DEFAULTS).include_low_confidence is True
    # anything but "exclude" keeps everything
    assert from_query_params({"low_confidence": "nonsense"}, DEFAULTS).include_low_confidence is True
    assert from_query_params({"low_confidence": ["exclude"]}, DEFAULTS).include_low_confidence is False


def test_exports_say_when_low_confidence_intents_are_left_out() -> None:
    excluded = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31), intents=("billing",), include_low_confidence=False)
    assert filters_in_words(excluded).startswith("1 Oct 2026 – 31 Oct 2026 · all channels · intent billing · "
                                                 "without low-confidence intents · all queues")
    assert "low-confidence" not in filters_in_words(Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
