"""The intent-source sums and the low-confidence exclusion through the dashboard's query modules, on a small
marts.service_daily written here by hand, on DuckDB and PostgreSQL.

  day         intent   basis          contacts
  2026-05-04  billing  vendor         5
  2026-05-04  billing  model_low      2
  2026-05-05  refund   model_high     3
  2026-05-05  refund   model_low      4
  2026-05-06  refund   rule           1
  2026-05-06  (none)   (none)         7   a row without an intent basis (as the interval report's): never a guess
  2026-06-01  billing  model_low      9   outside the dates

Dates 2026-05-01 .. 2026-05-31. All: 5 + 2 + 3 + 4 + 1 + 7 = 22 contacts. Without the Low band: 22 - 2 - 4 = 16.
By basis (rows with a basis): vendor 5, model_low 6, model_high 3, rule 1 (15) -> excluding Low: 9.
"""

from __future__ import annotations

import datetime as dt

from dashboard import queries, queries_intent_sources
from dashboard.filters import Filters
from etl.access import ALL_ROWS
from etl.warehouse import open_writer

ROWS = [
    ("2026-05-04", "billing", "vendor", 5),
    ("2026-05-04", "billing", "model_low", 2),
    ("2026-05-05", "refund", "model_high", 3),
    ("2026-05-05", "refund", "model_low", 4),
    ("2026-05-06", "refund", "rule", 1),
    ("2026-05-06", None, None, 7),
    ("2026-06-01", "billing", "model_low", 9),
]
MAY = dict(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31), scope=ALL_ROWS)


def _write(url: str) -> None:
    with open_writer(url) as warehouse:
        warehouse.execute("create schema if not exists marts")
        warehouse.execute(
            "create table marts.service_daily (date_day date, channel text, source_system text, queue_name text,"
            " team_name text, intent text, intent_basis text, segment text, count_interactions bigint)")
        for day, intent, basis, contacts in ROWS:
            warehouse.execute(
                "insert into marts.service_daily values (:day, 'chat', 'fixture', 'Q', 'T', :intent, :basis,"
                " 'smb', :contacts)",
                {"day": dt.date.fromisoformat(day), "intent": intent, "basis": basis, "contacts": contacts})


def _figure(url: str, filters: Filters) -> float:
    figures = queries.period_figures(url, f"v-{url}", ["interactions"], filters)
    current = figures[(figures["metric"] == "interactions") & (figures["period"] == queries.CURRENT)]
    return float(current["value"].iloc[0])


def test_excluding_low_confidence_intents_matches_a_hand_count(warehouse_url: str) -> None:
    _write(warehouse_url)
    assert _figure(warehouse_url, Filters(**MAY)) == 22
    assert _figure(warehouse_url, Filters(**MAY, include_low_confidence=False)) == 16
    # the intent filter and the exclusion together: billing in May 5 + 2, without the Low band 5
    assert _figure(warehouse_url, Filters(**MAY, intents=("billing",), include_low_confidence=False)) == 5


def test_contacts_per_basis_and_per_intent(warehouse_url: str) -> None:
    _write(warehouse_url)
    version = f"v-{warehouse_url}"
    everything = queries_intent_sources.intent_sources(warehouse_url, version, "contacts", Filters(**MAY))
    assert dict(zip(everything["intent_basis"], everything["contacts"], strict=True)) == {
        "model_high": 3, "model_low": 6, "rule": 1, "vendor": 5}
    kept = queries_intent_sources.intent_sources(warehouse_url, version, "contacts",
                                                 Filters(**MAY, include_low_confidence=False))
    assert dict(zip(kept["intent_basis"], kept["contacts"], strict=True)) == {"model_high": 3, "rule": 1, "vendor": 5}
    by_intent = queries_intent_sources.intent_sources_by_intent(warehouse_url, version, "contacts", Filters(**MAY))
    assert sorted(map(tuple, by_intent[["intent", "intent_basis", "contacts"]].itertuples(index=False))) == [
        ("billing", "model_low", 2), ("billing", "vendor", 5), ("refund", "model_high", 3),
        ("refund", "model_low", 4), ("refund", "rule", 1)]
