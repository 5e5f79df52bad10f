"""One customer key across sources, on DuckDB and PostgreSQL (docs/identity.md).

Four sources: tests/fixtures/canonical_small, tests/fixtures/identity/crm_contacts (canonical format),
tests/fixtures/transcripts and tests/fixtures/surveys. Worked by hand (default country code 1):
  Ada: C1 (A1, " Ada@Acme.Example ", +14155550101); transcripts:ada@acme.example ("ADA@Acme.Example ");
    surveys:ada@acme.example (" Ada@Acme.Example"); transcripts:visitor-77 ("(415) 555-0101" -> +14155550101);
    D4 ("415.555.0101" -> +14155550101) -> one key C1 (the smallest id), 5 source ids, account A1.
    Her contacts: I1, I3 (voice), I5 (chat), transcripts:conv-1, transcripts:conv-2 (chat) -> 5, all A1.
  Bob: C2 (A2, bob@tiny.example) and D1 (A2, " BOB@tiny.example") -> key C2, 2 ids.
  Carla: C3 and surveys:carla@mail.example -> key C3, 2 ids.
  Conflict on a phone: D2 (A1, "0044 20 7946 0000"), D3 (A2, "+44 (20) 7946-0000") and transcripts:visitor-90
    ("+44.20.7946.0000") all carry +442079460000, on accounts A1 and A2 -> 3 conflict rows, no merge.
  Conflict through a chain: D5 (A1, sam@shared.example), D6 (no account, "Sam@Shared.example",
    "212-555-0199"), D7 (A2, "+1 212 555 0199"): no single identifier spans two accounts, but the linked group
    (key D5) would -> 3 rows of kind linked_group, no merge.
  Keys: C1, C2, C3, D2, D3, D5, D6, D7, transcripts:visitor-90 -> 9 customers from 15 source ids.
"""

from __future__ import annotations

import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, expected_pseudonym, make_settings

ADA_EMAIL = expected_pseudonym("em_", "ada@acme.example")
ADA_PHONE = expected_pseudonym("ph_", "+14155550101")
UK_PHONE = expected_pseudonym("ph_", "+442079460000")
CARLA_EMAIL = expected_pseudonym("em_", "carla@mail.example")


def _settings(url: str):  # type: ignore[no-untyped-def]
    return make_settings(url, FIXTURES, sources=[
        {"name": "canon", "format": "canonical", "path": str(FIXTURES / "canonical_small")},
        {"name": "contacts", "format": "canonical", "path": str(FIXTURES / "identity" / "crm_contacts")},
        {"name": "chats", "format": "transcripts", "path": str(FIXTURES / "transcripts")},
        {"name": "survey_tool", "format": "surveys", "path": str(FIXTURES / "surveys")},
    ])


@pytest.fixture
def identity_url(warehouse_url: str) -> str:
    result = run_pipeline(_settings(warehouse_url), "run")
    assert result.status == SUCCEEDED, result.problems
    return warehouse_url


def test_one_person_across_voice_chat_and_surveys(identity_url: str) -> None:
    reader = open_reader(identity_url)
    try:
        customers = reader.query_df(
            "select customer_key, customer_id, account_id, email, count_source_customer_ids, source_customer_ids,"
            " source_systems from core.dim_customers"
        ).set_index("customer_key")
        journey = reader.query_df(
            "select interaction_id, channel, account_id from core.fct_interactions where customer_key = 'C1'"
        ).set_index("interaction_id")
        ada_surveys = reader.scalar("select count(*) from core.fct_surveys where customer_key = 'C1'")
    finally:
        reader.close()
    assert len(customers) == 9
    ada = customers.loc["C1"]
    assert ada.customer_id == "C1"
    assert ada.count_source_customer_ids == 5
    assert ada.source_customer_ids == (
        f"C1, D4, surveys:{ADA_EMAIL}, transcripts:{ADA_EMAIL}, transcripts:visitor-77"
    )
    assert ada.source_systems == "canonical, surveys, transcripts"
    assert (ada.account_id, ada.email) == ("A1", ADA_EMAIL)
    assert customers.loc["C2", "source_customer_ids"] == "C2, D1"
    assert customers.loc["C3", "source_customer_ids"] == f"C3, surveys:{CARLA_EMAIL}"
    assert sorted(journey.index) == ["I1", "I3", "I5", "transcripts:conv-1", "transcripts:conv-2"]
    assert set(journey["account_id"]) == {"A1"}  # the chats gain Ada's account through her key
    # S1 (I1), S2 (I5), R2 (I1) and R3 (her e-mail)
    assert ada_surveys == 4


def test_conflicts_are_reported_and_never_merged(identity_url: str) -> None:
    reader = open_reader(identity_url)
    try:
        conflicts = reader.query_df(
            "select identifier_kind, identifier_value, customer_id, count_accounts from ops.identity_conflicts"
        )
        keys = reader.query_df(
            "select customer_id, customer_key, is_in_identity_conflict from staging.int_customer_identity_keys"
        ).set_index("customer_id")
    finally:
        reader.close()
    rows = sorted((r.identifier_kind, r.identifier_value, r.customer_id, int(r.count_accounts))
                  for r in conflicts.itertuples())
    assert rows == [
        ("linked_group", "D5", "D5", 2), ("linked_group", "D5", "D6", 2), ("linked_group", "D5", "D7", 2),
        ("phone", UK_PHONE, "D2", 2), ("phone", UK_PHONE, "D3", 2),
        ("phone", UK_PHONE, "transcripts:visitor-90", 2),
    ]
    for customer_id in ("D2", "D3", "transcripts:visitor-90", "D5", "D6", "D7"):
        assert keys.loc[customer_id, "customer_key"] == customer_id
        assert bool(keys.loc[customer_id, "is_in_identity_conflict"]) is True


def test_identifiers_are_the_pseudonyms_of_the_normalised_values(identity_url: str) -> None:
    """The keys SQL compares are those Python gives the values the identity rules normalise to (worked by hand
    in the module docstring): raw never held the clear values."""
    reader = open_reader(identity_url)
    try:
        identifiers = reader.query_df(
            "select customer_id, identifier_kind, identifier_value from staging.int_customer_identity_identifiers"
        )
    finally:
        reader.close()
    found = {(r.customer_id, r.identifier_kind): r.identifier_value for r in identifiers.itertuples()}
    assert found[("C1", "email")] == ADA_EMAIL
    assert found[("C1", "phone")] == ADA_PHONE
    assert found[("transcripts:visitor-77", "phone")] == ADA_PHONE
    assert found[("D4", "phone")] == ADA_PHONE
    assert found[("D2", "phone")] == found[("D3", "phone")] == UK_PHONE
    assert all(value[:3] in ("em_", "ph_") and len(value) == 3 + 64 for value in found.values())
