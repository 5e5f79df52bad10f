"""Time per source and the operational views, as queries, on DuckDB and PostgreSQL, over the timeviews fixture
(tests/fixtures/timeviews). Every expected figure is worked out by hand from the fixture's rows, here.

  desk (canonical, UTC, reporting zone UTC):
    V1 call 4 May 09:00, talk 300 + hold 60 + ACW 30 = 390 s, 1 transfer
    V2 call 4 May 10:00, talk 200 + hold 0 + ACW 40 = 240 s
    V3 call 11 May 09:00, talk 100 + hold 20 + ACW 0 = 120 s, 2 transfers
    V4 call 11 May 10:00, abandoned after 30 s
    M1 e-mail 4 May 08:00, solved 4 May 12:00, reopened 5 May 09:00, solved 6 May 10:00
    M2 e-mail 5 May 08:00, solved 5 May 09:00
    M3 e-mail 6 May 08:00, open;  M4 e-mail 12 May 12:00, open
  old_log (mapped ticket log): T1 1 Mar 2024 09:00 solved 11:00 closed 5 Mar 11:00; T2 4 Mar 10:00 open;
    T3 10 Mar 08:00 solved 12 Mar 08:00 (its data ends then)
  acd (dated report, 30 min, Mondays): 4 May 09:00 offered 40 answered 36 abandoned 4 ASA 15 s SL 85%;
    4 May 09:30 60 / 50 / 10, 45 s, 60%; 11 May 09:00 20 / 20 / 0, 5 s, 100%
  numbered (undated report): #1 100 / 90 / 10, 20 s, 80%; #2 50 / 45 / 5, 65 s, 60%
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import queries, queries_service_ops, source_time
from dashboard.filters import Filters
from dashboard.measure_evidence import figure_state
from etl.access import ALL_ROWS
from etl.warehouse import open_reader

MAY = Filters(start=dt.date(2026, 5, 4), end=dt.date(2026, 5, 12), scope=ALL_ROWS)
EVERYTHING = Filters(start=dt.date(2024, 1, 1), end=dt.date(2026, 12, 31), scope=ALL_ROWS)


def _version(url: str) -> str:
    return queries.data_version(url)


def _values(frame: pd.DataFrame, period: str = queries.CURRENT) -> dict[str, float | None]:
    rows = frame[frame["period"] == period] if "period" in frame else frame
    return {str(m): (None if pd.isna(v) else float(v)) for m, v in zip(rows["metric"], rows["value"], strict=True)}


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def test_each_source_and_channel_keeps_its_own_days(timeviews_url: str) -> None:
    series = source_time.series_bounds(timeviews_url, _version(timeviews_url))
    found = {(r.source_system, r.channel): (r.first_day, r.last_day, int(r.count_interactions))
             for r in series.itertuples(index=False)}
    assert found == {
        ("canonical", "email"): (dt.date(2026, 5, 4), dt.date(2026, 5, 12), 4),
        ("canonical", "voice"): (dt.date(2026, 5, 4), dt.date(2026, 5, 11), 4),
        ("mapped", "ticket"): (dt.date(2024, 3, 1), dt.date(2024, 3, 10), 3),
    }
    # the default period follows the newest data of what is chosen
    assert source_time.newest_day(series) == dt.date(2026, 5, 12)
    assert source_time.newest_day(series, sources=("mapped",)) == dt.date(2024, 3, 10)
    assert source_time.newest_day(series, channels=("voice",)) == dt.date(2026, 5, 11)
    # the last 90 days of the newest data (13 Feb - 12 May 2026) hold nothing of the ticket log, which the notice
    # lists with its own last 90 days: 12 Dec 2023 - 10 Mar 2024
    outside = source_time.series_outside(series, dt.date(2026, 2, 12), dt.date(2026, 5, 12))
    assert outside[["source_system", "channel"]].values.tolist() == [["mapped", "ticket"]]
    assert (outside["own_start"].iloc[0], outside["own_end"].iloc[0]) == (dt.date(2023, 12, 12), dt.date(2024, 3, 10))
    assert source_time.own_period_link("mapped", "ticket", dt.date(2023, 12, 12), dt.date(2024, 3, 10)) == (
        "?source=mapped&channel=ticket&start=2023-12-12&end=2024-03-10")


def test_the_source_filter_reaches_the_mart_queries(timeviews_url: str) -> None:
    version = _version(timeviews_url)

    def contacts(sources: tuple[str, ...]) -> float | None:
        filters = Filters(start=EVERYTHING.start, end=EVERYTHING.end, sources=sources, scope=ALL_ROWS)
        return _values(queries.period_figures(timeviews_url, version, ("interactions",), filters))["interactions"]

    assert contacts(("canonical",)) == 8
    assert contacts(("mapped",)) == 3
    assert contacts(()) == 11
    assert queries.filter_options(timeviews_url, version, ALL_ROWS).sources == ("canonical", "mapped")


def test_handling_figures_are_the_hand_computed_ones(timeviews_url: str) -> None:
    version = _version(timeviews_url)
    names = ("handle_time", "hold_time", "transfers_per_contact", "reopen_rate")
    values = _values(queries.period_figures(timeviews_url, version, names, MAY))
    assert values["handle_time"] == pytest.approx((390 + 240 + 120) / 3)  # 250 s over the three handled calls
    assert values["hold_time"] == pytest.approx((60 + 0 + 20) / 3)
    assert values["transfers_per_contact"] == pytest.approx(3 / 8)  # 1 + 2 transfers over 8 contacts
    assert values["reopen_rate"] == pytest.approx(1 / 2)  # M1 of the solved M1, M2
    evidence = queries_service_ops.evidence_for(timeviews_url, version, names, MAY)
    assert all(figure_state(name, evidence, True).is_measured for name in names)


def test_a_source_without_the_records_is_not_measured_with_the_reason(timeviews_url: str) -> None:
    version = _version(timeviews_url)
    names = ("handle_time", "hold_time", "transfers_per_contact", "reopen_rate")
    old_log = Filters(start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31), sources=("mapped",), scope=ALL_ROWS)
    values = _values(queries.period_figures(timeviews_url, version, names, old_log))
    evidence = queries_service_ops.evidence_for(timeviews_url, version, names, old_log)
    states = {name: figure_state(name, evidence, values.get(name) is not None) for name in names}
    assert {name: state.state for name, state in states.items()} == dict.fromkeys(names, "not_measured")
    assert "no talk times" in states["handle_time"].reason
    assert "no transfers" in states["transfers_per_contact"].reason
    # the log has solved tickets (T1, T3) but no reopen events: 0 reopened would be a claim, not a measurement,
    # so the figure has no value at all (marts.metric_evidence_coverage: no reopen event in these weeks)
    assert values["reopen_rate"] is None
    assert "no reopens" in states["reopen_rate"].reason
    # the desk does carry them, in May 2026 only: in March 2024 its figures lie outside the dates
    desk_in_march = Filters(start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31), sources=("canonical",), scope=ALL_ROWS)
    evidence = queries_service_ops.evidence_for(timeviews_url, version, ("handle_time",), desk_in_march)
    state = figure_state("handle_time", evidence, False)
    assert (state.state, state.first_day, state.last_day) == ("outside_dates", dt.date(2026, 5, 4),
                                                                dt.date(2026, 5, 11))


def test_the_backlog_is_read_at_each_weeks_end(timeviews_url: str) -> None:
    version = _version(timeviews_url)
    weeks = queries_service_ops.backlog_reading_days(MAY.start, MAY.end, dt.date(2026, 5, 12))
    assert weeks == [(dt.date(2026, 5, 4), dt.date(2026, 5, 10)), (dt.date(2026, 5, 11), dt.date(2026, 5, 12))]
    # dates wholly before the data hold no reading day (the backlog there is unknown, not 0)
    assert queries_service_ops.backlog_reading_days(dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 5, 12),
                                                    dt.date(2026, 5, 4)) == []
    figures = queries_service_ops.backlog_at(timeviews_url, version, [day for _, day in weeks], MAY)
    at = {(m, d): v for m, d, v in zip(figures["metric"], figures["date_day"], figures["value"], strict=True)}
    # end of 10 May: M3 alone (M1 solved on 6 May), open since 6 May 08:00: 112 h, in the 3-7 day bucket
    assert at[("backlog", dt.date(2026, 5, 10))] == 1
    assert at[("backlog_age", dt.date(2026, 5, 10))] == pytest.approx(112 * 3600)
    assert at[("backlog_3_to_7_days", dt.date(2026, 5, 10))] == 1
    # end of 12 May: M3 (160 h: 3-7 days) and M4 (12 h: under a day)
    assert at[("backlog", dt.date(2026, 5, 12))] == 2
    assert at[("backlog_age", dt.date(2026, 5, 12))] == pytest.approx((160 + 12) / 2 * 3600)
    assert at[("backlog_under_1_day", dt.date(2026, 5, 12))] == 0.5
    assert at[("backlog_1_to_3_days", dt.date(2026, 5, 12))] == 0
    assert at[("backlog_3_to_7_days", dt.date(2026, 5, 12))] == 0.5
    assert at[("backlog_over_7_days", dt.date(2026, 5, 12))] == 0


def test_an_old_sources_backlog_stops_at_its_own_end(timeviews_url: str) -> None:
    frame = _query(timeviews_url, "select source_system, channel, max(date_day) as last_day, count(*) as days"
                                  " from marts.service_backlog_daily group by 1, 2 order by 1, 2")
    ends = {(r.source_system, r.channel): pd.Timestamp(r.last_day).date() for r in frame.itertuples(index=False)}
    # the log's data ends 12 Mar 2024 (T3 solved): T2, open since 4 Mar, is not aged on into 2026
    assert ends == {("canonical", "email"): dt.date(2026, 5, 12), ("mapped", "ticket"): dt.date(2024, 3, 12)}


def test_the_interval_reports_figures(timeviews_url: str) -> None:
    version = _version(timeviews_url)
    names = queries_service_ops.REPORT_METRICS
    dated = _values(queries.period_figures(timeviews_url, version, names, MAY))
    assert dated["queue_report_offered"] == 40 + 60 + 20
    assert dated["queue_report_answered"] == 36 + 50 + 20
    assert dated["queue_report_abandonment_rate"] == pytest.approx((4 + 10) / 120)
    assert dated["queue_report_speed_of_answer"] == pytest.approx((15 * 36 + 45 * 50 + 5 * 20) / 106)
    assert dated["queue_report_service_level"] == pytest.approx((0.85 * 40 + 0.60 * 60 + 1.0 * 20) / 120)
    undated = _values(queries_service_ops.undated_report_figures(timeviews_url, version, MAY))
    assert undated["queue_report_offered"] == 150
    assert undated["queue_report_answered"] == 135
    assert undated["queue_report_abandonment_rate"] == pytest.approx(15 / 150)
    assert undated["queue_report_speed_of_answer"] == pytest.approx((20 * 90 + 65 * 45) / 135)  # 35 s
    assert undated["queue_report_service_level"] == pytest.approx((0.8 * 100 + 0.6 * 50) / 150)
    profile = queries_service_ops.report_profile(timeviews_url, version, MAY.lists, MAY.start, MAY.end)
    cells = {(int(r.iso_day_of_week), int(r.minute_of_day)): (int(r.days), int(r.count_offered))
             for r in profile.itertuples(index=False)}
    assert cells == {(1, 540): (2, 60), (1, 570): (1, 60)}  # both dates are Mondays
    summary = queries_service_ops.report_summary(timeviews_url, version, MAY.lists)
    assert summary[["queue_name", "count_intervals", "count_dated_intervals"]].values.tolist() == [
        ["acd-main", 3, 3], ["numbered", 2, 0]]
    assert queries_service_ops.report_source_names(timeviews_url, version) == {"mapped": ("acd", "numbered")}
    intervals = queries_service_ops.report_intervals(timeviews_url, version, MAY.lists, MAY.start, MAY.end, True)
    assert intervals["interval_label"].tolist() == ["1", "2"]


def test_each_channels_volume_history_ends_at_its_own_last_complete_day(timeviews_url: str) -> None:
    frame = _query(timeviews_url, "select channel, max(case when not is_forecast then date_day end) as history_end,"
                                  " min(case when is_forecast then date_day end) as forecast_start"
                                  " from core.fct_volume_forecast group by channel order by channel")
    found = {r.channel: (pd.Timestamp(r.history_end).date(), pd.Timestamp(r.forecast_start).date())
             for r in frame.itertuples(index=False)}
    # the day a source's data ends is left out (possibly incomplete): the desk's ends 12 May 2026 (M4), so calls
    # (last on 11 May) and e-mails (last on 12 May) run to 11 May; the log's data ends 12 Mar 2024 (T3 solved),
    # after its last ticket of 10 Mar: that day is complete, years before the desk's
    assert found == {"email": (dt.date(2026, 5, 11), dt.date(2026, 5, 12)),
                     "ticket": (dt.date(2024, 3, 10), dt.date(2024, 3, 11)),
                     "voice": (dt.date(2026, 5, 11), dt.date(2026, 5, 12))}


def test_each_source_has_its_data_time(timeviews_url: str) -> None:
    times = source_time.source_data_times(timeviews_url, _version(timeviews_url)).set_index("source_name")
    newest = {name: (None if pd.isna(v) else pd.Timestamp(v)) for name, v in times["newest_record_at"].items()}
    assert newest == {"acd": pd.Timestamp("2026-05-11 09:00"), "desk": pd.Timestamp("2026-05-12 12:00"),
                      "numbered": None, "old_log": pd.Timestamp("2024-03-12 08:00")}
    assert times["last_loaded_at"].notna().all()
