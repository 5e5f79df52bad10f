"""Business time, SLA events and the service marts on the hand-made fixtures in tests/fixtures/sla, on DuckDB and
PostgreSQL. Every expected figure is worked out by hand below; times are UTC unless marked local.

Settings (CALENDAR_SETTINGS): reporting zone Europe/Rome, short abandon 5 s, service level 20 s.
  rome_office  Europe/Rome, Mon-Fri 09:00-17:00, holiday Mon 2026-03-30, default, and queue QX (whose team is US)
  us_support   America/New_York, Mon-Fri 08:00-20:00, team US (queues QUE, QUS; QX is taken by rome_office)
  Rome: CET = UTC+1 until Sun 2026-03-29 02:00, CEST = UTC+2 until Sun 2026-10-25 03:00, then CET again.
  New York: EST = UTC-5 until Sun 2026-03-08, then EDT = UTC-4.
Policies (first match wins): urgent_tickets (email/ticket, urgent: first reply 60 min, next reply 120 min,
  resolution 480 min, business); email_standard (email/ticket: 240 / 480 / 2400 min, business); chat_calendar
  (chat: first reply 2 min, calendar time). Data end = T3's last message, 2026-10-26 08:45.

T1 (email QE, normal; rome_office) created Fri 03-27 15:00 (16:00 CET); first reply Tue 03-31 08:00 (10:00 CEST);
  customer writes again Tue 08:30 (10:30 CEST), agent answers Wed 04-01 09:00 (11:00 CEST); solved Wed 10:00
  (12:00 CEST), reopened, solved again Thu 04-02 10:00 (12:00 CEST).
  first reply business: Fri 16:00-17:00 = 3,600; weekend closed; Mon 03-30 holiday; Tue 09:00-10:00 = 3,600
    -> 7,200 s. Calendar: 03-27 15:00 -> 03-31 08:00 UTC = 3 d 17 h = 89 h = 320,400 s (local clocks say 90 h:
    the spring-forward hour does not exist).
  resolution (first solve): 3,600 + Tue 28,800 + Wed 09:00-12:00 10,800 = 43,200 s business;
    calendar 03-27 15:00 -> 04-01 10:00 = 4 d 19 h = 115 h = 414,000 s.
  full resolution (last solve): 3,600 + 28,800 + 28,800 + Thu 09:00-12:00 10,800 = 72,000 s business;
    calendar -> 04-02 10:00 = 139 h = 500,400 s.
  SLA first_reply (14,400 s business): 3,600 Fri, 10,800 more from Tue 09:00 CEST -> breach Tue 12:00 CEST
    = 03-31 10:00; fulfilled 08:00 -> met, elapsed 7,200.
  SLA next_reply (28,800 s): from Tue 10:30 CEST, 6.5 h = 23,400 to Tue's close, 5,400 more from Wed 09:00 ->
    breach Wed 10:30 CEST = 04-01 08:30; fulfilled 09:00 -> breached; elapsed 23,400 + 7,200 (Wed 09:00-11:00)
    = 30,600.
  SLA resolution (144,000 s = 40 h): Fri 1 h, Tue 8 (9), Wed 8 (17), Thu 8 (25), Fri 04-03 8 (33), Mon 04-06 7 h
    -> 16:00 CEST = 04-06 14:00; fulfilled 04-01 10:00 -> met, elapsed 43,200.
T2 (email QX, team US, but queue QX -> rome_office) created Tue 05-05 14:00 (16:00 CEST), reply Wed 07:30
  (09:30 CEST): business 3,600 + 1,800 = 5,400 (with New York's calendar it would be 36,000); calendar 17.5 h
  = 63,000. SLA first reply met (breach Wed 12:00 CEST = 10:00); resolution met (solved 08:00).
T3 (email QE, urgent) created Fri 10-23 14:30 (16:30 CEST); first reply Mon 10-26 08:30 (09:30 CET, after the
  fall back): business 1,800 + 1,800 = 3,600 (a wrong offset would give 09:30 CEST = 07:30 UTC, 0 s on Monday);
  calendar 10-23 14:30 -> 10-26 08:30 = 66 h = 237,600 s.
  SLA first_reply (3,600): breach Mon 09:30 CET = 08:30, fulfilled 08:30 exactly -> met.
  SLA next_reply (7,200) from Mon 08:45 (09:45 CET): breach 11:45 CET = 10:45 > data end 08:45, no reply ->
    running, elapsed 0.
  SLA resolution (28,800): 1,800 Fri, 27,000 more from Mon 09:00 CET -> 16:30 CET = 15:30 -> running;
    elapsed to the data end: 1,800 + Mon 09:00-09:45 2,700 = 4,500.
T4 (email QE, normal) created Mon 05-04 07:00 (09:00 CEST), never answered: first reply breach 13:00 CEST = 11:00
  -> breached (unfulfilled, due before the data end); resolution breach after 40 business hours = Fri 05-08
  17:00 CEST = 15:00 -> breached.
C1 (chat QUS, us_support) created Tue 03-10 15:00 (11:00 EDT). Bot turns 15:00:30, 15:01:00; handoff 15:01:30;
  a bot line 15:02:00 after the handoff does not count; agent 15:03:00.
  first reply 180 s calendar = 180 s business (open); from the bot's last turn 15:01:00 -> 120 s.
  SLA chat_calendar (120 s calendar): breach 15:02:00, fulfilled 15:03:00 -> breached, elapsed 180.
U1 (email QUE, us_support) created Sat 03-07 00:00 = Fri 03-06 19:00 EST; reply Mon 03-09 13:00 = 09:00 EDT
  (after the US spring forward): business Fri 19:00-20:00 3,600 + Mon 08:00-09:00 3,600 = 7,200; calendar 61 h
  = 219,600. SLA first reply met (breach Mon 11:00 EDT = 15:00); resolution never -> breached.
U2 (email QUE) created Tue 03-10 23:30 = 19:30 EDT, reply Wed 12:30 = 08:30 EDT: a night in between: business
  1,800 + 1,800 = 3,600; calendar 13 h = 46,800. First reply met; resolution breached.
SLA counts: first_reply met T1 T2 T3 U1 U2 = 5, breached T4 C1 = 2; next_reply breached T1, running T3;
  resolution met T1 T2 = 2, breached T4 U1 U2 = 3, running T3 = 1.
Voice (QV, 2026-05-11), thresholds 20 s / 5 s:
  V1 wait 10 s answered (talk 300, hold 60, acw 30 -> 390; one transfer, one hold); V2 abandoned after 3 s (short);
  V3 abandoned after 30 s; V4 wait 40 s answered (200 + 0 + 10 = 210).
  service level: abandons counted, short excluded 1 / (V1 V3 V4) = 1/3; short abandons counted 1 / 4;
    abandons excluded (answered only) 1 / 2.
  abandonment: short excluded 1 / 3; short counted (V2 + V3) / 4 = 2/4; short abandon rate 1 / 4.
  speed of answer 10 + 40 = 50 over 2, squares 100 + 1,600 = 1,700.
  handle time 390 + 210 = 600 over 2, squares 152,100 + 44,100 = 196,200; hold 60 over 2 handled, 1 held.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader, postgres_url
from tests.conftest import FIXTURES, make_settings, pg_server_url

CALENDARS = FIXTURES / "sla" / "calendars"
BACKLOG = FIXTURES / "sla" / "backlog"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
CALENDAR_SETTINGS: dict[str, object] = {
    "metrics": {"reporting_timezone": "Europe/Rome", "short_abandon_seconds": 5, "service_level_seconds": 20},
    "calendars": [
        {"name": "rome_office", "timezone": "Europe/Rome", "default": True, "holidays": ["2026-03-30"],
         "queues": ["QX"], "hours": {day: "09:00-17:00" for day in WEEKDAYS}},
        {"name": "us_support", "timezone": "America/New_York", "teams": ["US"],
         "hours": {day: "08:00-20:00" for day in WEEKDAYS}},
    ],
    "sla_policies": [
        {"name": "urgent_tickets", "channels": ["email", "ticket"], "priorities": ["urgent"],
         "first_reply_minutes": 60, "next_reply_minutes": 120, "resolution_minutes": 480},
        {"name": "email_standard", "channels": ["email", "ticket"], "first_reply_minutes": 240,
         "next_reply_minutes": 480, "resolution_minutes": 2400},
        {"name": "chat_calendar", "channels": ["chat"], "first_reply_minutes": 2, "calendar_time": True},
    ],
}


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def module_warehouse(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One fresh warehouse per engine, shared by the tests of this module (each builds it once)."""
    if request.param == "duckdb":
        yield f"duckdb:///{tmp_path_factory.mktemp('sla') / 'warehouse.duckdb'}"
        return
    server = pg_server_url()
    assert server is not None
    name = f"cxpulse_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url(server), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'create database "{name}"'))
    try:
        yield sa.make_url(postgres_url(server)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


@pytest.fixture(scope="module")
def sla_warehouse(module_warehouse: str) -> str:
    result = run_pipeline(make_settings(module_warehouse, CALENDARS, **CALENDAR_SETTINGS), "run")
    assert result.status == SUCCEEDED, result.problems
    return module_warehouse


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def _contacts(url: str) -> pd.DataFrame:
    return _query(
        url,
        "select interaction_id, calendar_name, first_reply_calendar_seconds, first_reply_business_seconds,"
        " first_reply_from_bot_seconds, resolution_calendar_seconds, resolution_business_seconds,"
        " full_resolution_calendar_seconds, full_resolution_business_seconds from core.fct_interactions",
    ).set_index("interaction_id")


def test_a_ticket_across_a_holiday_and_the_spring_forward(sla_warehouse: str) -> None:
    t1 = _contacts(sla_warehouse).loc["T1"]
    assert t1.calendar_name == "rome_office"
    assert t1.first_reply_business_seconds == pytest.approx(7_200)
    assert t1.first_reply_calendar_seconds == pytest.approx(320_400)
    assert t1.resolution_business_seconds == pytest.approx(43_200)
    assert t1.resolution_calendar_seconds == pytest.approx(414_000)
    assert t1.full_resolution_business_seconds == pytest.approx(72_000)
    assert t1.full_resolution_calendar_seconds == pytest.approx(500_400)


def test_a_weekend_across_the_fall_back_and_the_us_spring_forward(sla_warehouse: str) -> None:
    contacts = _contacts(sla_warehouse)
    assert contacts.loc["T3", "first_reply_business_seconds"] == pytest.approx(3_600)
    assert contacts.loc["T3", "first_reply_calendar_seconds"] == pytest.approx(237_600)
    assert contacts.loc["U1", "calendar_name"] == "us_support"
    assert contacts.loc["U1", "first_reply_business_seconds"] == pytest.approx(7_200)
    assert contacts.loc["U1", "first_reply_calendar_seconds"] == pytest.approx(219_600)


def test_a_night_between_two_business_days(sla_warehouse: str) -> None:
    contacts = _contacts(sla_warehouse)
    assert contacts.loc["U2", "first_reply_business_seconds"] == pytest.approx(3_600)
    assert contacts.loc["U2", "first_reply_calendar_seconds"] == pytest.approx(46_800)


def test_the_queue_calendar_wins_over_the_team_calendar(sla_warehouse: str) -> None:
    contacts = _contacts(sla_warehouse)
    assert contacts.loc["T2", "calendar_name"] == "rome_office"
    assert contacts.loc["T2", "first_reply_business_seconds"] == pytest.approx(5_400)
    assert contacts.loc["T2", "first_reply_calendar_seconds"] == pytest.approx(63_000)
    # voice contacts of an unassigned team get the default calendar
    assert contacts.loc["V1", "calendar_name"] == "rome_office"


def test_first_reply_from_the_bots_last_turn(sla_warehouse: str) -> None:
    contacts = _contacts(sla_warehouse)
    assert contacts.loc["C1", "first_reply_calendar_seconds"] == pytest.approx(180)
    assert contacts.loc["C1", "first_reply_business_seconds"] == pytest.approx(180)
    assert contacts.loc["C1", "first_reply_from_bot_seconds"] == pytest.approx(120)
    assert pd.isna(contacts.loc["T1", "first_reply_from_bot_seconds"])  # no bot on that ticket


def test_sla_events_met_breached_and_running(sla_warehouse: str) -> None:
    events = _query(
        sla_warehouse,
        "select interaction_id, sla_metric, sla_event_seq, message_id, policy_name, is_business_time,"
        " cast(applied_at as timestamp) as applied_at, cast(fulfilled_at as timestamp) as fulfilled_at,"
        " target_seconds, cast(breach_at as timestamp) as breach_at, elapsed_seconds, status"
        " from core.fct_sla_events",
    ).set_index(["interaction_id", "sla_metric", "sla_event_seq"])
    expected = {
        ("T1", "first_reply", 1): ("email_standard", "2026-03-31 10:00", 7_200, "met"),
        ("T1", "next_reply", 1): ("email_standard", "2026-04-01 08:30", 30_600, "breached"),
        ("T1", "resolution", 1): ("email_standard", "2026-04-06 14:00", 43_200, "met"),
        ("T2", "first_reply", 1): ("email_standard", "2026-05-06 10:00", 5_400, "met"),
        ("T3", "first_reply", 1): ("urgent_tickets", "2026-10-26 08:30", 3_600, "met"),
        ("T3", "next_reply", 1): ("urgent_tickets", "2026-10-26 10:45", 0, "running"),
        ("T3", "resolution", 1): ("urgent_tickets", "2026-10-26 15:30", 4_500, "running"),
        ("T4", "first_reply", 1): ("email_standard", "2026-05-04 11:00", None, "breached"),
        ("T4", "resolution", 1): ("email_standard", "2026-05-08 15:00", None, "breached"),
        ("C1", "first_reply", 1): ("chat_calendar", "2026-03-10 15:02", 180, "breached"),
        ("U1", "first_reply", 1): ("email_standard", "2026-03-09 15:00", 7_200, "met"),
    }
    for key, (policy, breach_at, elapsed, status) in expected.items():
        row = events.loc[key]
        assert row.policy_name == policy, key
        assert row.breach_at == _ts(breach_at), key
        assert row.status == status, key
        if elapsed is not None:
            assert row.elapsed_seconds == pytest.approx(elapsed), key
    assert events.loc[("T1", "next_reply", 1), "message_id"] == "M3"
    assert bool(events.loc[("C1", "first_reply", 1), "is_business_time"]) is False
    counts = events.groupby(["sla_metric", "status"]).size().to_dict()
    assert counts == {
        ("first_reply", "met"): 5, ("first_reply", "breached"): 2,
        ("next_reply", "breached"): 1, ("next_reply", "running"): 1,
        ("resolution", "met"): 2, ("resolution", "breached"): 3, ("resolution", "running"): 1,
    }
    # voice calls match no policy; the chat policy sets no resolution target
    assert not any(key[0].startswith("V") for key in events.index)
    assert ("C1", "resolution", 1) not in events.index


def test_service_daily_sla_counts(sla_warehouse: str) -> None:
    totals = _query(
        sla_warehouse,
        "select sum(count_sla_first_reply_met) as frm, sum(count_sla_first_reply_settled) as frs,"
        " sum(count_sla_next_reply_breached) as nrb, sum(count_sla_next_reply_running) as nrr,"
        " sum(count_sla_next_reply_settled) as nrs, sum(count_sla_resolution_met) as rm,"
        " sum(count_sla_resolution_running) as rr, sum(count_sla_resolution_settled) as rs"
        " from marts.service_daily",
    ).iloc[0]
    assert (totals.frm, totals.frs) == (5, 7)
    assert (totals.nrb, totals.nrr, totals.nrs) == (1, 1, 1)
    assert (totals.rm, totals.rr, totals.rs) == (2, 1, 5)


def test_service_level_and_abandonment_variants_with_a_short_abandon(sla_warehouse: str) -> None:
    voice = _query(
        sla_warehouse,
        "select sum(count_answered_within_threshold) as within_threshold, sum(count_offered) as offered,"
        " sum(count_offered_including_short_abandons) as queued, sum(count_answered) as answered,"
        " sum(count_abandoned) as abandoned, sum(count_abandoned_including_short) as abandoned_all,"
        " sum(count_short_abandoned) as short_abandoned, sum(count_speed_of_answer) as speed_count,"
        " sum(sum_speed_of_answer_seconds) as speed_sum, sum(sum_squared_speed_of_answer_seconds) as speed_squares,"
        " sum(count_handled) as handled, sum(sum_handle_seconds) as handle_sum,"
        " sum(sum_squared_handle_seconds) as handle_squares, sum(sum_hold_seconds) as hold_sum,"
        " sum(count_held_interactions) as held, sum(count_transfers) as transfers"
        " from marts.service_daily where channel = 'voice'",
    ).iloc[0]
    # service level: default 1/3, short abandons counted 1/4, abandons excluded 1/2
    assert voice.within_threshold / voice.offered == pytest.approx(1 / 3)
    assert voice.within_threshold / voice.queued == pytest.approx(1 / 4)
    assert voice.within_threshold / voice.answered == pytest.approx(1 / 2)
    # abandonment: 1/3 short excluded, 2/4 short counted; short abandons 1/4
    assert voice.abandoned / voice.offered == pytest.approx(1 / 3)
    assert voice.abandoned_all / voice.queued == pytest.approx(2 / 4)
    assert voice.short_abandoned / voice.queued == pytest.approx(1 / 4)
    assert (voice.speed_count, voice.speed_sum, voice.speed_squares) == (2, 50, 1_700)
    assert (voice.handled, voice.handle_sum, voice.handle_squares) == (2, 600, 196_200)
    assert (voice.hold_sum, voice.held, voice.transfers) == (60, 1, 1)


def test_first_reply_and_resolution_sums_in_the_mart(sla_warehouse: str) -> None:
    email = _query(
        sla_warehouse,
        "select sum(count_first_replies_business) as replies, sum(sum_first_reply_business_seconds) as business,"
        " sum(count_resolved) as resolved, sum(sum_resolution_business_seconds) as resolution_business,"
        " sum(sum_full_resolution_business_seconds) as full_business, sum(count_reopened_interactions) as reopened,"
        " sum(count_escalated) as escalated from marts.service_daily where channel = 'email'",
    ).iloc[0]
    # replies T1 7,200 + T2 5,400 + T3 3,600 + U1 7,200 + U2 3,600 = 27,000 over 5
    assert (email.replies, email.business) == (5, 27_000)
    # solved T1 (43,200; full 72,000, reopened) and T2 (T2: Tue 16:00-17:00 + Wed 09:00-10:00 CEST = 7,200)
    assert (email.resolved, email.resolution_business, email.full_business) == (2, 50_400, 79_200)
    assert (email.reopened, email.escalated) == (1, 2)
    bot = _query(
        sla_warehouse,
        "select sum(count_first_replies_from_bot) as n, sum(sum_first_reply_from_bot_seconds) as s,"
        " sum(sum_squared_first_reply_from_bot_seconds) as q from marts.service_daily",
    ).iloc[0]
    assert (bot.n, bot.s, bot.q) == (1, 120, 14_400)


def test_escalations_by_reason(sla_warehouse: str) -> None:
    reasons = _query(
        sla_warehouse,
        "select escalation_reason, sum(count_escalated) as n from marts.service_escalations_daily"
        " group by escalation_reason",
    ).set_index("escalation_reason")["n"].to_dict()
    # T1 and T4 'vip', C1 'negative_sentiment'
    assert reasons == {"vip": 2, "negative_sentiment": 1}


def test_without_calendars_business_time_is_calendar_time(warehouse_url: str) -> None:
    """canonical_small has no [[calendars]]: every contact gets the 24x7 default in the reporting zone (UTC)."""
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "canonical_small"), "run")
    assert result.status == SUCCEEDED, result.problems
    contacts = _contacts(warehouse_url)
    assert set(contacts.calendar_name) == {"always_open"}
    # I5 13:00:00 -> 13:02:30 = 150 s; I6 08:00 -> 10:00 = 7,200 s, in both bases
    assert contacts.loc["I5", "first_reply_business_seconds"] == pytest.approx(150)
    assert contacts.loc["I6", "first_reply_business_seconds"] == pytest.approx(7_200)
    # I5: the bot's last turn 13:00:10 (before the 13:02:00 handoff) -> agent 13:02:30 = 140 s
    assert contacts.loc["I5", "first_reply_from_bot_seconds"] == pytest.approx(140)


# Backlog fixture (reporting zone UTC; days end at midnight UTC; data end B2's update 2026-06-04 06:00):
#   B1 email created 06-01 10:00, solved 06-03 12:00; B2 ticket created 06-02 08:00, open;
#   B3 email created 06-02 20:00, closed 22:00 the same day (never open at a day's end);
#   B4 email marked solved without a solve time (never counted); B5 a voice call (not backlog work);
#   B6 ticket created 05-25 00:00, open. Days 05-25 .. 06-04 (11 days).
#   B6: open at the end of all 11 days, ages 24, 48, ..., 264 h -> sum 24 x 66 = 1,584 h.
#   B1: end of 06-01 (14 h), 06-02 (38 h). B2: end of 06-02 (16 h), 06-03 (40 h), 06-04 (64 h).
#   count_open = 11 + 2 + 3 = 16; ages 1,584 + 14 + 38 + 16 + 40 + 64 = 1,756 h.
#   buckets: under 1 day B1 14, B2 16 = 2; 1-3 days B1 38, B2 40, 64, B6 24, 48 = 5; 3-7 days B6 72..144 = 4;
#   7 days or more B6 168..264 = 5.
#   06-02: B1 38 h, B2 16 h, B6 216 h -> 3 open, 270 h.


def test_backlog_counts_and_ages(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, BACKLOG), "run")
    assert result.status == SUCCEEDED, result.problems
    totals = _query(
        warehouse_url,
        "select sum(count_open) as n, sum(sum_open_age_hours) as hours, sum(sum_open_age_seconds) as seconds,"
        " sum(count_open_age_under_1_day) as b1, sum(count_open_age_1_to_3_days) as b2,"
        " sum(count_open_age_3_to_7_days) as b3, sum(count_open_age_over_7_days) as b4,"
        " min(date_day) as first_day, max(date_day) as last_day from marts.service_backlog_daily",
    ).iloc[0]
    assert totals.n == 16
    assert totals.hours == pytest.approx(1_756)
    assert totals.seconds == pytest.approx(1_756 * 3_600)
    assert (totals.b1, totals.b2, totals.b3, totals.b4) == (2, 5, 4, 5)
    assert _ts(totals.first_day) == _ts("2026-05-25")
    assert _ts(totals.last_day) == _ts("2026-06-04")
    day = _query(
        warehouse_url,
        "select sum(count_open) as n, sum(sum_open_age_hours) as hours from marts.service_backlog_daily"
        " where date_day = cast('2026-06-02' as date)",
    ).iloc[0]
    assert (day.n, day.hours) == (3, pytest.approx(270))
    by_channel = _query(
        warehouse_url,
        "select channel, sum(count_open) as n from marts.service_backlog_daily group by channel",
    ).set_index("channel")["n"].to_dict()
    assert by_channel == {"email": 2, "ticket": 14}

