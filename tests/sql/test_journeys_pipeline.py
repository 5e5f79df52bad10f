"""Episodes, repeat contact, first-contact resolution and confidence in resolution on the hand-made fixture in
tests/fixtures/journeys, through the real pipeline, on DuckDB and PostgreSQL. Window: 7 days (the default).

Every figure below is worked out by hand from the fixture files (all times UTC, reporting time zone UTC).
The last contact in the data is J14, 2026-05-25 12:00: a contact is right-censored when it has no return and
created_at + 7 d > 2026-05-25 12:00, i.e. created after 2026-05-18 12:00.

  contact  customer intent           channel  created       status  episode (start)            return?
  J01      C1       billing_dispute  chat     05-04 10:00   solved  C1|billing|1 (05-04 10:00)  J02 2 d later: yes
  J02      C1       billing_dispute  voice    05-06 10:00   closed  same, 2nd (repeat, chat>voice) none; 05-13<=end: no
  J03      C2       password_reset   email    05-04 10:00   solved  C2|pw|1 (05-04 10:00)      J04 7 d 1 min later: no
  J04      C2       password_reset   email    05-11 10:01   solved  C2|pw|2: 7 d 1 min after J03 > 7 d, new episode;
                                                                    J05 exactly 7 d later: yes (window inclusive)
  J05      C2       password_reset   chat     05-18 10:01   solved  C2|pw|2, 2nd: 05-18 10:01 is not after
                                                                    05-11 10:01 + 7 d (repeat, email>chat)
                                                                    none; 05-25 10:01 <= 12:00: no
  J06      C3       order_status     chat     05-04 10:00   solved  C3|os|1 (05-04)            J07 5 d later: yes
  J07      C3       order_status     chat     05-09 10:00   solved  C3|os|1, 2nd (repeat, no switch) J08 5 d later: yes
  J08      C3       order_status     email    05-14 10:00   open    C3|os|2: 10 d after 05-04 > 7 d, new episode,
                                                                    so the 0 d, 5 d, 10 d chain is two episodes
                                                                    none; 05-21 <= end: no
  J09, J10 C4       (unknown)        voice    05-05, 05-06  closed  own episodes, return undetermined
  J11, J12 (none)   billing_dispute  chat     05-05, 05-06  solved  own episodes, return undetermined
  J13      C5       refund           ticket   05-20 10:00   solved  C5|refund|1                05-27 > end: censored
  J14      C6       refund           email    05-25 12:00   solved  C6|refund|1                censored
  J15      C7       cancellation     voice    05-10 10:00   closed  C7|cancel|1                J16 6 d later: yes
  J16      C7       cancellation     chat     05-16 10:00   solved  C7|cancel|1, 2nd (voice>chat) J17 2 d later: yes
  J17      C7       cancellation     voice    05-18 10:00   closed  C7|cancel|2: 8 d after 05-10, new episode
                                                                    none; 05-25 10:00 <= 12:00: no

Contacts 17; of a known customer and intent 17 - 4 (J09-J12) = 13; repeats J02, J05, J07, J16 = 4; channel
switches J02, J05, J16 = 3. Returns known 13 - 2 censored (J13, J14) = 11: no return J02, J03, J05, J08, J17 = 5
(FCR 5 / 11), returned J01, J04, J06, J07, J15, J16 = 6.

Episodes 9 + 4 single-contact undetermined ones = 13. Confidence (first rung that holds), censored apart:
  C1|billing|1  CSAT 5 on J02                                      -> confirmed; resolved (closed, no return)
  C2|pw|1       nothing said, no return                            -> no_return; resolved (solved)
  C2|pw|2       J05 customer: "It works now, thank you."           -> confirmed; resolved
  C3|os|1       returned; last customer message J07 "The book was good." (VADER README 0.4404; the agent's
                later -0.7424 line does not count, nor J06's earlier "Today SUX!" -0.5461) -> tone_not_negative;
                not resolved (returned)
  C3|os|2       no return                                          -> no_return; not resolved (J08 still open)
  C5|refund|1   censored                                           -> censored; resolved unknown
  C6|refund|1   censored, CSAT 5 on J14                            -> censored (confirmed, but kept apart)
  C7|cancel|1   CSAT 3 on J15 (not 4+), returned, J16 customer "Today SUX!" -0.5461 < -0.05 (the agent's "It
                works now" is not the customer's confirmation)     -> unconfirmed; not resolved
  C7|cancel|2   CSAT 4 on J17                                      -> confirmed; resolved
Determined 7: confirmed 3, no_return 2, tone_not_negative 1, unconfirmed 1. Resolved 4 (touches 2 + 1 + 2 + 1 =
6, squares 4 + 1 + 4 + 1 = 10).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader, postgres_url
from tests.conftest import FIXTURES, make_settings, pg_server_url

JOURNEYS = FIXTURES / "journeys"


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def journeys_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The journeys fixture built once per engine for this module."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('journeys') / 'warehouse.duckdb'}"
        result = run_pipeline(make_settings(url, JOURNEYS), "run")
        assert result.status == SUCCEEDED, result.problems
        yield url
        return
    server = pg_server_url()
    assert server is not None
    name = f"cxpulse_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url(server), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'create database "{name}"'))
    url = sa.make_url(postgres_url(server)).set(database=name).render_as_string(hide_password=False)
    try:
        result = run_pipeline(make_settings(url, JOURNEYS), "run")
        assert result.status == SUCCEEDED, result.problems
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


def _contacts(url: str) -> pd.DataFrame:
    return _query(
        url,
        "select interaction_id, episode_id, episode_seq, is_repeat_contact, is_channel_switch,"
        " has_return_within_window, is_return_censored from core.int_contact_episodes",
    ).set_index("interaction_id")


def _episodes(url: str) -> pd.DataFrame:
    return _query(url, "select * from core.fct_episodes").set_index("episode_id")


def _flag(value: object) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)


def test_every_contact_has_one_episode_row(journeys_url: str) -> None:
    contacts = _contacts(journeys_url)
    # 17 contacts in the fixture, each exactly once (J11 and J12, without a customer, used to be dropped)
    assert sorted(contacts.index) == [f"J{n:02d}" for n in range(1, 18)]
    assert contacts["episode_id"].notna().all()


def test_a_return_on_another_channel_within_the_window_and_one_just_outside(journeys_url: str) -> None:
    contacts = _contacts(journeys_url)
    # J01 chat -> J02 voice two days later: J01 returned, J02 is a repeat and a channel switch
    assert _flag(contacts.loc["J01", "has_return_within_window"]) is True
    assert (bool(contacts.loc["J02", "is_repeat_contact"]), bool(contacts.loc["J02", "is_channel_switch"])) == (
        True, True)
    assert contacts.loc["J02", "episode_id"] == contacts.loc["J01", "episode_id"] == "C1|billing_dispute|1"
    # J03 -> J04 after 7 days and 1 minute: no return, and J04 opens a new episode (not a repeat)
    assert _flag(contacts.loc["J03", "has_return_within_window"]) is False
    assert contacts.loc["J04", "episode_id"] == "C2|password_reset|2"
    assert bool(contacts.loc["J04", "is_repeat_contact"]) is False
    # J04 -> J05 after exactly 7 days: a return, and J05 joins J04's episode (the window is inclusive)
    assert _flag(contacts.loc["J04", "has_return_within_window"]) is True
    assert contacts.loc["J05", "episode_id"] == "C2|password_reset|2"
    assert int(contacts.loc["J05", "episode_seq"]) == 2


def test_episodes_are_stitched_forward_from_the_first_contact(journeys_url: str) -> None:
    contacts = _contacts(journeys_url)
    # 0 d, 5 d, 10 d: J07 is within 7 d of J06 (the episode's start), J08 is 10 d after it -> two episodes,
    # although J08 is only 5 d after J07 (a rolling window would have made one)
    assert list(contacts.loc[["J06", "J07", "J08"], "episode_id"]) == [
        "C3|order_status|1", "C3|order_status|1", "C3|order_status|2"]
    assert [bool(v) for v in contacts.loc[["J06", "J07", "J08"], "is_repeat_contact"]] == [False, True, False]
    # J07's return (J08, 5 d later) is counted even though J08 is in the next episode
    assert _flag(contacts.loc["J07", "has_return_within_window"]) is True


def test_right_censoring_and_undetermined_returns(journeys_url: str) -> None:
    contacts = _contacts(journeys_url)
    # J13 (05-20) and J14 (05-25 12:00): window ends after the last contact in the data, no return seen
    for contact in ("J13", "J14"):
        assert _flag(contacts.loc[contact, "has_return_within_window"]) is None
        assert bool(contacts.loc[contact, "is_return_censored"]) is True
    # J05 (05-18 10:01) and J17 (05-18 10:00): window ends 05-25 10:01 / 10:00, before 12:00: known, no return
    for contact in ("J05", "J17"):
        assert _flag(contacts.loc[contact, "has_return_within_window"]) is False
        assert bool(contacts.loc[contact, "is_return_censored"]) is False
    # unknown intent (J09, J10) and unknown customer (J11, J12): an episode each, return undetermined
    for contact in ("J09", "J10", "J11", "J12"):
        assert contacts.loc[contact, "episode_id"] == f"contact|{contact}"
        assert _flag(contacts.loc[contact, "has_return_within_window"]) is None
        assert bool(contacts.loc[contact, "is_return_censored"]) is False
        assert bool(contacts.loc[contact, "is_repeat_contact"]) is False


def test_episode_rows_paths_switches_and_resolution(journeys_url: str) -> None:
    episodes = _episodes(journeys_url)
    assert len(episodes) == 13  # 9 stitched episodes + 4 undetermined single contacts
    billing = episodes.loc["C1|billing_dispute|1"]
    assert (billing["customer_key"], billing["account_id"], billing["intent"]) == ("C1", "A1", "billing_dispute")
    assert (int(billing["count_contacts"]), int(billing["count_channels"]), int(billing["count_channel_switches"])) \
        == (2, 2, 1)
    assert (billing["channel_path"], billing["first_channel"]) == ("chat>voice", "chat")
    assert billing["service_path_sequence"] == "human_only>human_only"
    assert billing["first_interaction_id"] == "J01"
    assert _flag(billing["is_resolved"]) is True
    # first contact 05-04 10:00 -> J02 closed 05-06 10:20: 2 d 20 min = 172,800 + 1,200 s
    assert float(billing["episode_resolution_seconds"]) == pytest.approx(174_000)
    assert episodes.loc["C2|password_reset|2", "channel_path"] == "email>chat"
    assert episodes.loc["C7|cancellation|1", "channel_path"] == "voice>chat"
    assert episodes.loc["C3|order_status|1", "channel_path"] == "chat>chat"
    assert int(episodes.loc["C3|order_status|1", "count_channel_switches"]) == 0
    resolved = {e: _flag(v) for e, v in episodes["is_resolved"].items()}
    assert resolved["C2|password_reset|1"] is True  # solved, the return 7 d 1 min later is outside the window
    assert resolved["C3|order_status|1"] is False  # J07 was followed by J08 within 5 d
    assert resolved["C3|order_status|2"] is False  # J08 still open
    assert resolved["C5|refund|1"] is None  # censored
    assert resolved["contact|J09"] is None  # unknown intent


def test_confidence_ladder_levels(journeys_url: str) -> None:
    episodes = _episodes(journeys_url)
    assert episodes["confidence_level"].to_dict() == {
        "C1|billing_dispute|1": "confirmed",
        "C2|password_reset|1": "no_return",
        "C2|password_reset|2": "confirmed",
        "C3|order_status|1": "tone_not_negative",
        "C3|order_status|2": "no_return",
        "C5|refund|1": "censored",
        "C6|refund|1": "censored",
        "C7|cancellation|1": "unconfirmed",
        "C7|cancellation|2": "confirmed",
        "contact|J09": "undetermined",
        "contact|J10": "undetermined",
        "contact|J11": "undetermined",
        "contact|J12": "undetermined",
    }
    # the customer's last scored message decides the tone: J07's "The book was good." (0.4404)
    assert float(episodes.loc["C3|order_status|1", "last_customer_sentiment"]) == pytest.approx(0.4404, abs=1e-4)
    assert float(episodes.loc["C7|cancellation|1", "last_customer_sentiment"]) == pytest.approx(-0.5461, abs=1e-4)
    # confirmed by the customer's own words (no survey) and by a CSAT of exactly 4
    assert int(episodes.loc["C2|password_reset|2", "count_confirming_contacts"]) == 1
    assert int(episodes.loc["C7|cancellation|2", "count_csat_satisfied"]) == 1
    # a censored episode keeps its confirmation but stays out of the ladder
    assert bool(episodes.loc["C6|refund|1", "is_confirmed"]) is True


def _mart_totals(url: str) -> dict[str, float]:
    frame = _query(url, "select * from marts.journey_daily")
    return {column: float(frame[column].sum()) for column in frame.columns if column.startswith(("count_", "sum_"))}


def test_mart_contact_level_numerators_and_denominators(journeys_url: str) -> None:
    totals = _mart_totals(journeys_url)
    assert totals["count_contacts"] == 17
    assert totals["count_repeat_eligible_contacts"] == 13  # 17 less J09-J12
    assert totals["count_repeat_contacts"] == 4  # J02, J05, J07, J16
    assert totals["count_channel_switches"] == 3  # J02, J05, J16
    # FCR: 5 / 11; 2 censored and 4 undetermined kept out of the denominator
    assert totals["count_first_contact_resolved"] == 5
    assert totals["count_fcr_eligible_contacts"] == 11
    assert totals["count_returned_contacts"] == 6
    assert totals["count_fcr_censored_contacts"] == 2
    assert totals["count_fcr_undetermined_contacts"] == 4
    # customer-days: every known customer's contacts fall on different days or rows -> 13; with a repeat 4
    assert totals["count_customer_days"] == 13
    assert totals["count_customer_days_with_repeat"] == 4


def test_mart_episode_level_columns_and_confidence_shares(journeys_url: str) -> None:
    totals = _mart_totals(journeys_url)
    assert totals["count_episodes"] == 13
    assert totals["count_episodes_determined"] == 7
    assert totals["count_episodes_censored"] == 2
    assert totals["count_episodes_undetermined"] == 4
    assert totals["count_episodes_resolved"] == 4
    assert totals["sum_touches_resolved_episodes"] == 6  # touches per resolved episode 6 / 4 = 1.5
    assert totals["sum_sq_touches_resolved_episodes"] == 10
    assert totals["sum_episode_contacts"] == 17
    assert totals["count_episodes_with_channel_switch"] == 3  # C1|billing|1, C2|pw|2, C7|cancel|1
    # confidence shares over the 7 determined episodes: 3/7 + 2/7 + 1/7 + 1/7 = 1
    assert (totals["count_episodes_confirmed"], totals["count_episodes_no_return"],
            totals["count_episodes_tone_not_negative"], totals["count_episodes_unconfirmed"]) == (3, 2, 1, 1)


def test_episode_measures_sit_on_the_first_contact_day_and_channel(journeys_url: str) -> None:
    rows = _query(
        journeys_url,
        "select cast(date_day as varchar) as day, channel, intent, count_contacts, count_episodes,"
        " count_episodes_with_channel_switch from marts.journey_daily where intent = 'billing_dispute'"
        " and segment = 'enterprise'",
    ).set_index(["day", "channel"])
    # C1's chat (05-04) opens the episode; the call (05-06) is a contact of it but starts no episode
    assert int(rows.loc[("2026-05-04", "chat"), "count_episodes"]) == 1
    assert int(rows.loc[("2026-05-04", "chat"), "count_episodes_with_channel_switch"]) == 1
    assert int(rows.loc[("2026-05-06", "voice"), "count_contacts"]) == 1
    assert int(rows.loc[("2026-05-06", "voice"), "count_episodes"]) == 0


# Contacts per intent, by hand from the table above (the fixture taxonomy maps every intent the fixture carries):
# billing_dispute J01 J02 J11 J12, password_reset J03-J05, order_status J06-J08, unclassified J09 J10 (no vendor
# intent, no rule matches, too few labels for the model), refund J13 J14, cancellation J15-J17: 17 in all.
CONTACTS_BY_INTENT = {"billing_dispute": 4, "password_reset": 3, "order_status": 3, "unclassified": 2, "refund": 2,
                      "cancellation": 3}
# mart -> its count of contacts
CONTACT_COUNTS = {"marts.service_daily": "count_interactions", "marts.journey_daily": "count_contacts",
                  "marts.experience_daily": "count_interactions", "marts.cost_daily": "count_contacts_costed"}


@pytest.mark.parametrize("mart", sorted(CONTACT_COUNTS))
def test_the_intent_basis_dimension_leaves_totals_unchanged(journeys_url: str, mart: str) -> None:
    """Adding intent_basis to the grain splits rows, never contacts: per intent the hand counts, and per basis
    what core says of the same contacts."""
    count = CONTACT_COUNTS[mart]
    by_intent = _query(journeys_url, f"select intent, sum({count}) as n from {mart} group by intent")
    assert {row.intent: int(row.n) for row in by_intent.itertuples()} == CONTACTS_BY_INTENT
    by_basis = _query(journeys_url, f"select intent_basis, sum({count}) as n from {mart} group by intent_basis")
    core = _query(journeys_url, "select intent_basis, count(*) as n from core.fct_interactions"
                                " where direction <> 'outbound' group by intent_basis")
    assert {r.intent_basis: int(r.n) for r in by_basis.itertuples()} == {
        r.intent_basis: int(r.n) for r in core.itertuples()}
    assert int(by_basis["n"].sum()) == 17
    assert by_basis["intent_basis"].notna().all()


def test_the_window_is_a_setting(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    result = run_pipeline(make_settings(url, JOURNEYS, metrics={"repeat_window_days": 1}), "run")
    assert result.status == SUCCEEDED, result.problems
    contacts = _contacts(url)
    # with a 1-day window J02 (2 d after J01) is a new episode, and J01 has no return; the last contact is
    # still 05-25 12:00, so only J14 (window to 05-26 12:00) is censored: J13's window closed on 05-21
    assert contacts.loc["J02", "episode_id"] == "C1|billing_dispute|2"
    assert _flag(contacts.loc["J01", "has_return_within_window"]) is False
    assert int(contacts["is_return_censored"].astype(bool).sum()) == 1
