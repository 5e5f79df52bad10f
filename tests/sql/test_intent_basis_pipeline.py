"""How each contact's intent was found, through the whole pipeline into the marts and the dashboard's queries, on
DuckDB and PostgreSQL, from small canonical exports written here.

The contacts, worked by hand (taxonomy: billing; delivery with the keyword "parcel"):
  B00-B29  vendor intent "billing", a message about a card charge             -> vendor
  D00-D29  vendor intent "delivery", a message about a courier van            -> vendor
  R1       no vendor value, subject "Parcel missing", no message              -> rule (delivery)
  X2       no vendor value, "zzzz qqqq": no word the classifier learnt, so its guess has confidence 0; with the
           floor set to 0 here the guess is kept, and with the bands set here (High and Medium from 0.99) it is
           Low                                                                  -> model, Low
  N1       nothing to read                                                      -> unclassified
63 contacts: vendor 60, rule 1, model_low 1, unclassified 1. Shares: 60/63 = 95.2% -> 95%, 1/63 = 1.6% -> 2%.
Without low-confidence intents: 63 - 1 = 62.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import intent_sources, queries, queries_intent_sources
from dashboard.filters import Filters
from etl.access import ALL_ROWS
from etl.pipeline import run_pipeline
from tests.conftest import empty_warehouse, make_settings, query_frame

HEADER = ("interaction_id,channel,customer_id,queue_id,agent_id,intent,priority,status,created_at,updated_at,"
          "closed_at,subject,talk_seconds,hold_seconds,acw_seconds")
TAXONOMY = ("intents:\n  - {name: billing, label: Billing}\n"
            "  - {name: delivery, label: Delivery, rules: {keywords: [parcel]}}\n")
BILLING_TEXTS = ("my card was charged", "the charge on my card is wrong", "card charge appeared on statement",
                 "why this charge on my card", "card statement shows a charge")
DELIVERY_TEXTS = ("the courier van is late", "courier van did not come", "van driver courier missed me",
                  "when will the courier van arrive", "courier van left no note")
MAY = Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31), scope=ALL_ROWS)
MAY_WITHOUT_LOW = Filters(start=MAY.start, end=MAY.end, include_low_confidence=False, scope=ALL_ROWS)


def _write_exports(folder: Path) -> None:
    contacts: list[tuple[str, str, str, str | None]] = []
    for n in range(30):
        contacts.append((f"B{n:02d}", "billing", "", f"{BILLING_TEXTS[n % 5]} {n}"))
        contacts.append((f"D{n:02d}", "delivery", "", f"{DELIVERY_TEXTS[n % 5]} {n}"))
    contacts += [("R1", "", "Parcel missing", None), ("X2", "", "", "zzzz qqqq"), ("N1", "", "", None)]
    folder.mkdir(parents=True, exist_ok=True)
    lines, messages = [HEADER], []
    for n, (interaction_id, intent, subject, text) in enumerate(contacts):
        day = 1 + n % 28
        lines.append(f"{interaction_id},email,C{n},Q1,,{intent},normal,closed,2026-05-{day:02d}T09:00:00Z,"
                     f"2026-05-{day:02d}T10:00:00Z,2026-05-{day:02d}T10:00:00Z,{subject},,,")
        if text is not None:
            messages.append(json.dumps({"message_id": f"M{n}", "interaction_id": interaction_id,
                                        "sent_at": f"2026-05-{day:02d}T09:00:00Z", "author_role": "customer",
                                        "text": text}))
    (folder / "interactions-2026-05.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "messages-2026-05.jsonl").write_text("\n".join(messages) + "\n", encoding="utf-8")


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def basis_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("intent_basis")
    _write_exports(folder / "exports")
    (folder / "intents.yml").write_text(TAXONOMY, encoding="utf-8")
    with empty_warehouse(request.param, tmp_path_factory, "intent_basis") as url:
        settings = make_settings(url, folder / "exports", intents={"taxonomy": str(folder / "intents.yml"),
                                                                   "confidence_floor": 0.0,
                                                                   "high_from": 0.99, "medium_from": 0.99})
        assert run_pipeline(settings, "run").exit_code == 0
        yield url


def test_core_and_the_mart_agree_with_the_hand_count(basis_url: str) -> None:
    core = query_frame(basis_url, "select interaction_id, intent, intent_basis from core.fct_interactions"
                                  " where interaction_id in ('R1', 'X2', 'N1', 'B00', 'D00') order by 1")
    assert [tuple(r) for r in core.itertuples(index=False)] == [
        ("B00", "billing", "vendor"), ("D00", "delivery", "vendor"), ("N1", "unclassified", "unclassified"),
        ("R1", "delivery", "rule"), ("X2", core["intent"].iloc[4], "model_low")]
    assert core["intent"].iloc[4] in ("billing", "delivery")
    x2 = query_frame(basis_url, "select intent_source, intent_confidence from core.fct_interactions"
                                " where interaction_id = 'X2'")
    assert x2["intent_source"].iloc[0] == "model"
    assert float(x2["intent_confidence"].iloc[0]) == 0.0
    mart = query_frame(basis_url, "select intent_basis, sum(count_interactions) as n from marts.service_daily"
                                  " group by intent_basis order by 1")
    assert {r.intent_basis: int(r.n) for r in mart.itertuples()} == {
        "model_low": 1, "rule": 1, "unclassified": 1, "vendor": 60}


def test_the_source_line_and_the_exclusion(basis_url: str) -> None:
    version = f"basis-{basis_url}"
    frame = queries_intent_sources.intent_sources(basis_url, version, "contacts", MAY)
    assert intent_sources.source_line(frame) == (
        "Intent from: vendor field 95%, rules 2%, model 2% (Low 2%), unclassified 2%")
    kept = queries_intent_sources.intent_sources(basis_url, version, "contacts", MAY_WITHOUT_LOW)
    assert intent_sources.source_line(kept) == "Intent from: vendor field 97%, rules 2%, unclassified 2%"  # of 62

    def contacts(filters: Filters) -> float:
        figures = queries.period_figures(basis_url, version, ["interactions"], filters)
        return float(figures.loc[(figures["metric"] == "interactions")
                                 & (figures["period"] == queries.CURRENT), "value"].iloc[0])

    assert contacts(MAY) == 63
    assert contacts(MAY_WITHOUT_LOW) == 62


def test_found_by_per_intent(basis_url: str) -> None:
    by_intent = queries_intent_sources.intent_sources_by_intent(basis_url, f"basis-{basis_url}", "contacts", MAY)
    found = intent_sources.found_by(by_intent)
    assert found["unclassified"] == "unclassified 100%"
    x2 = query_frame(basis_url, "select intent from core.fct_interactions where interaction_id = 'X2'").iat[0, 0]
    # X2 in billing: billing 30 + 1 (30/31 = 96.8%, 1/31 = 3.2%), delivery 30 + R1 (the same shares);
    # X2 in delivery: billing 30 alone, delivery 30 + R1 + X2 (30/32 = 93.75%, 1/32 = 3.1% each)
    if_x2 = {"billing": ("vendor 97%, model (Low) 3%", "vendor 97%, rules 3%"),
             "delivery": ("vendor 100%", "vendor 94%, rules 3%, model (Low) 3%")}[x2]
    assert (found["billing"], found["delivery"]) == if_x2
