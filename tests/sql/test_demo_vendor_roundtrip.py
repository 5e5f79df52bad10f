"""One simulated operation loaded twice, from its canonical files and from its vendor exports, gives the same figures.

Where a vendor format cannot carry something the canonical files hold, the test states the difference and
works out its size from the canonical warehouse:
- Amazon Connect contact records have no escalation flag: voice and chat escalations arrive as transfers only;
- identity conflicts (one phone number at two companies) split the people who carry them into one customer
  per source record, since the identity rules never merge a conflicted record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest

from etl.demo.simulator import generate
from etl.demo.to_amazon_connect import contact_id
from etl.demo.vendor_exports import demo_sources
from etl.pipeline import run_pipeline
from tests.conftest import make_settings

SCALE = 2_000
SEED = 7
END_DATE = dt.date(2026, 10, 31)
WRITTEN_CHANNELS = ("email", "social", "ticket")


class Loaded:
    """Both warehouses, opened read-only, and the vendor record counts the generator reported."""

    def __init__(self, canonical: duckdb.DuckDBPyConnection, vendor: duckdb.DuckDBPyConnection,
                 written: dict[str, int]) -> None:
        self.canonical, self.vendor, self.written = canonical, vendor, written

    def both(self, query: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        return self.canonical.execute(query).fetchall(), self.vendor.execute(query).fetchall()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    base = tmp_path_factory.mktemp("vendor_roundtrip")
    generate(base / "canonical", scale=SCALE, seed=SEED, end_date=END_DATE, export_format="canonical")
    written = generate(base / "vendor", scale=SCALE, seed=SEED, end_date=END_DATE)
    canonical_url, vendor_url = f"duckdb:///{base / 'canonical.duckdb'}", f"duckdb:///{base / 'vendor.duckdb'}"
    result = run_pipeline(make_settings(canonical_url, base / "canonical"), "run")
    assert result.exit_code == 0, result.problems
    sources = [{**source, "path": str(base / "vendor" / source["path"])} for source in demo_sources()]
    result = run_pipeline(make_settings(vendor_url, base / "vendor", sources=sources), "run")
    assert result.exit_code == 0, result.problems
    return Loaded(duckdb.connect(str(base / "canonical.duckdb"), read_only=True),
                  duckdb.connect(str(base / "vendor.duckdb"), read_only=True), written)


def test_every_vendor_record_loads_and_none_is_rejected(loaded: Loaded) -> None:
    def count(table: str) -> int:
        return loaded.vendor.execute(f"select count(*) from raw.{table}").fetchone()[0]

    assert loaded.vendor.execute("select count(*) from ops.rejected_records").fetchone()[0] == 0
    assert count("amazon_connect__contacts") == loaded.written["connect_contact_records"]
    assert count("zendesk__tickets") == loaded.written["zendesk_tickets"]
    assert count("zendesk__users") == loaded.written["zendesk_users"]
    assert count("salesforce__accounts") == loaded.written["accounts"]
    assert count("salesforce__contacts") == loaded.written["customers"]
    assert count("surveys__answers") == loaded.written["surveys"]


def test_interactions_per_channel_agree(loaded: Loaded) -> None:
    canonical, vendor = loaded.both("select channel, count(*) from core.fct_interactions group by 1 order by 1")
    assert vendor == canonical
    assert sum(count for _, count in canonical) == loaded.written["interactions"]


def test_queue_figures_agree(loaded: Loaded) -> None:
    canonical, vendor = loaded.both(
        "select channel, count(case when is_offered then 1 end), count(case when is_answered then 1 end),"
        " count(case when is_answered_within_threshold then 1 end), count(case when is_abandoned then 1 end),"
        " count(case when is_short_abandon then 1 end), sum(speed_of_answer_seconds)"
        " from core.fct_interactions group by 1 order by 1"
    )
    assert vendor == canonical


def test_first_replies_agree_to_the_second(loaded: Loaded) -> None:
    canonical, vendor = loaded.both(
        "select channel, count(first_reply_at), sum(first_reply_calendar_seconds)"
        " from core.fct_interactions group by 1 order by 1"
    )
    assert vendor == canonical


def test_survey_answers_agree(loaded: Loaded) -> None:
    canonical, vendor = loaded.both(
        "select survey_type, count(*), count(case when survey_type = 'csat' and score >= 4 then 1 end),"
        " sum(score), count(interaction_id) from core.fct_surveys group by 1 order by 1"
    )
    assert vendor == canonical
    linked = loaded.vendor.execute(
        "select count(*) from core.fct_surveys s"
        " inner join core.fct_interactions i on i.interaction_id = s.interaction_id"
    ).fetchone()[0]
    assert linked == loaded.written["surveys"]


def test_customer_sentiment_contacts_agree(loaded: Loaded) -> None:
    canonical, vendor = loaded.both(
        "select count(*) from core.int_customer_sentiment_rolled_up_to_interactions"
    )
    assert vendor == canonical and canonical[0][0] > 0


def test_service_paths_agree(loaded: Loaded) -> None:
    # Connect chats with bot turns get bot_started and, when queued afterwards, a handoff at the queue entry:
    # even a customer who left the queue after the bot handed over counts as bot_to_human, as in canonical.
    query = "select service_path, count(*) from core.fct_interactions group by 1 order by 1"
    canonical, vendor = loaded.both(query)
    assert vendor == canonical
    handed_off = "select count(*) from core.fct_interactions where handoff_at is not null"
    assert loaded.vendor.execute(handed_off).fetchone() == loaded.canonical.execute(handed_off).fetchone()


def test_escalations_and_transfers(loaded: Loaded) -> None:
    written = "('email', 'social', 'ticket')"
    canonical, vendor = loaded.both(
        "select channel, count(case when is_escalated then 1 end), sum(count_transfers),"
        f" sum(count_reopens) from core.fct_interactions where channel in {written} group by 1 order by 1"
    )
    assert vendor == canonical
    canonical, vendor = loaded.both(
        "select channel, sum(count_transfers), count(case when is_escalated then 1 end)"
        " from core.fct_interactions where channel in ('voice', 'chat') group by 1 order by 1"
    )
    assert [row[:2] for row in vendor] == [row[:2] for row in canonical]
    assert all(row[2] == 0 for row in vendor) and any(row[2] > 0 for row in canonical)


def test_accounts_and_churn_agree(loaded: Loaded) -> None:
    canonical, vendor = loaded.both(
        "select segment, count(*), count(churned_on), round(sum(arr_amount), 2) from core.dim_accounts"
        " group by 1 order by 1"
    )
    assert vendor == canonical


def _canonical_interaction_id(vendor_id: str, connect_ids: dict[str, str]) -> str:
    system, _, rest = vendor_id.partition(":")
    if system == "zendesk":
        return f"INT-{int(rest.removeprefix('ticket:')):08d}"
    return connect_ids[rest]


def test_identity_reunites_each_person_who_is_not_in_a_conflict(loaded: Loaded) -> None:
    canonical_keys = dict(loaded.canonical.execute(
        "select interaction_id, customer_key from core.fct_interactions").fetchall())
    connect_ids = {contact_id(interaction_id, 0): interaction_id for interaction_id in canonical_keys}
    vendor_keys = {_canonical_interaction_id(vendor_id, connect_ids): key for vendor_id, key in
                   loaded.vendor.execute("select interaction_id, customer_key from core.fct_interactions").fetchall()}
    conflict_rows = loaded.canonical.execute("select customer_id from ops.identity_conflicts").fetchall()
    conflicted = {row[0] for row in conflict_rows}
    person_to_keys: dict[str, set[str]] = {}
    for interaction_id, person in canonical_keys.items():
        person_to_keys.setdefault(person, set()).add(vendor_keys[interaction_id])
    settled = {person: keys for person, keys in person_to_keys.items() if person not in conflicted}
    assert all(len(keys) == 1 for keys in settled.values())
    assert len({next(iter(keys)) for keys in settled.values()}) == len(settled)
    for person in set(person_to_keys) & conflicted:
        assert 1 <= len(person_to_keys[person]) <= 2
