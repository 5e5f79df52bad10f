"""Time per source and the missing views on the real public data sets, through AppTest, on DuckDB and PostgreSQL
(the session warehouse of tests/realdata/conftest.py).

The warehouse holds the four data sets of ../shared/data as a new user would load them: the help-desk event log
(helpdesk_italian/finale.csv, 2010-2014), the Twitter sample (twcs_small.csv, 2015-2017), the call-centre interval
report (call_center_data_raw.csv, numbered intervals, no dates) and the ABCD chats (transcripts; ABCD has no
times, so the connector starts every conversation at 2021-01-01 00:00 UTC). Every expected figure is computed here
from the files with pandas.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.formatting import escape_markdown, format_count, format_rate, format_seconds
from dashboard.measure_evidence import NOT_MEASURED
from tests.realdata.conftest import app_on, texts
from tests.realdata.datasets import CALLCENTER, HELPDESK, TWITTER

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
# the ABCD connector's stated convention (etl/sources/transcripts.py ABCD_STARTED_AT)
ABCD_DAY = dt.date(2021, 1, 1)


@pytest.fixture
def real_url(real_warehouse_url: str) -> str:
    """The four data sets in one warehouse (tests/realdata/conftest.py), on each engine."""
    return real_warehouse_url




def _helpdesk_cases() -> pd.DataFrame:
    """One row per help-desk case: its first event (creation) in UTC, from finale.csv read with pandas."""
    log = pd.read_csv(HELPDESK, usecols=["Case ID", "Complete Timestamp"])
    log["at"] = (pd.to_datetime(log["Complete Timestamp"], format="%Y/%m/%d %H:%M:%S.%f")
                 .dt.tz_localize("Europe/Rome").dt.tz_convert("UTC"))
    return log.groupby("Case ID")["at"].min().rename("created_at").reset_index()


def _own_period(last: dt.date) -> tuple[dt.date, dt.date]:
    return last - dt.timedelta(days=89), last


def test_default_period_and_the_notice_of_the_older_sources(monkeypatch: pytest.MonkeyPatch, real_url: str) -> None:
    at = app_on(monkeypatch, real_url, "overview")
    assert not at.exception
    # the newest data is ABCD's: the last 90 days end on 1 Jan 2021
    assert at.date_input(key="filter_dates").value == _own_period(ABCD_DAY)
    cases = _helpdesk_cases()
    tweets = pd.read_csv(TWITTER, usecols=["created_at"])
    tweet_days = pd.to_datetime(tweets["created_at"], format="%a %b %d %H:%M:%S %z %Y").dt.tz_convert("UTC").dt.date
    help_first, help_last = cases["created_at"].min().date(), cases["created_at"].max().date()
    links = {label.replace("\\", ""): url for label, url in
             ((button.proto.label, button.proto.url) for button in at.get("link_button"))}
    helpdesk = next(label for label in links if "· ticket:" in label)
    assert f"{help_first.day} {help_first:%b %Y} – {help_last.day} {help_last:%b %Y}" in helpdesk
    assert f"{format_count(len(cases))} contacts" in helpdesk
    start, end = _own_period(help_last)
    assert links[helpdesk] == f"?source=mapped&channel=ticket&start={start}&end={end}"
    twitter = next(label for label in links if "· social:" in label)
    first, last = min(tweet_days), max(tweet_days)
    assert f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}" in twitter
    assert len(links) == 2  # ABCD's chats are in the dates; the interval report has no dates to be outside of

    # the link opens the help desk at its own last 90 days, with its own tickets
    at = app_on(monkeypatch, real_url, "overview", {"source": "mapped", "channel": "ticket", "start": str(start),
                                                  "end": str(end)})
    assert not at.exception
    in_period = cases["created_at"].dt.date.between(start, end).sum()
    assert {m.label: m.value for m in at.metric}["Interactions"] == format_count(in_period)


def test_the_helpdesk_forecast_starts_from_its_own_end(monkeypatch: pytest.MonkeyPatch, real_url: str) -> None:
    at = app_on(monkeypatch, real_url, "capacity", {"channel": "ticket"})
    assert not at.exception
    # the log's events go on after its last new ticket (to January 2014), so the day of that ticket is complete:
    # the forecast starts the day after it
    cases = _helpdesk_cases()
    last_created = cases["created_at"].max().date()
    log = pd.read_csv(HELPDESK, usecols=["Complete Timestamp"])
    last_event = pd.to_datetime(log["Complete Timestamp"], format="%Y/%m/%d %H:%M:%S.%f").max().date()
    last_complete = min(last_created, last_event - dt.timedelta(days=1))
    first_forecast = last_complete + dt.timedelta(days=1)
    text = texts(at.markdown)
    assert (f"Forecast from {last_complete.day} {last_complete:%b %Y}, this channel's last complete day of data: "
            f"{first_forecast:%a %d %b %Y}") in text
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Forecast contacts, next 28 days"] not in ("0", "—")
    assert tiles["Error on the days held out"] != "MASE 0.00"
    assert f"This channel's data ends on {last_complete.day} {last_complete:%b %Y}" in texts(at.warning)
    # ABCD's chats span one day: not forecast, and said why (with every channel chosen)
    at = app_on(monkeypatch, real_url, "capacity")
    assert not at.exception
    # the reason is data-derived text, shown escaped (nothing from an export is rendered as Markdown)
    assert "Chat: " + escape_markdown("not forecast — its contacts span a single day (1 Jan 2021)") in texts(at.info)


def _interval_report() -> dict[str, float]:
    """The report's figures with pandas: sums, ASA weighted by answered calls, service level by offered."""
    report = pd.read_csv(CALLCENTER)
    offered, answered = report["Incoming Calls"], report["Answered Calls"]
    asa = pd.to_timedelta(report["Answer Speed (AVG)"]).dt.total_seconds()
    level = report["Service Level (20 Seconds)"].str.rstrip("%").astype(float) / 100
    return {"offered": offered.sum(), "answered": answered.sum(), "abandoned": report["Abandoned Calls"].sum(),
            "asa": (asa * answered).sum() / answered.sum(), "service_level": (level * offered).sum() / offered.sum()}


@pytest.mark.parametrize("page", ["overview", "capacity"])
def test_the_interval_report_on_service_trends_and_capacity(
    monkeypatch: pytest.MonkeyPatch, real_url: str, page: str
) -> None:
    expected = _interval_report()
    # whatever the dates: the report's intervals carry no date
    at = app_on(monkeypatch, real_url, page, {"start": "2012-01-01", "end": "2012-03-31"})
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric if "interval report" in m.label}
    assert tiles == {
        "Offered (interval report)": format_count(expected["offered"]),
        "Answered (interval report)": format_count(expected["answered"]),
        "Abandonment (interval report)": format_rate(expected["abandoned"] / expected["offered"]),
        "Average speed of answer (interval report)": format_seconds(expected["asa"]),
        "Service level (interval report)": format_rate(expected["service_level"]),
    }
    assert f"{format_count(1_251)} intervals" in texts(at.markdown)
    assert "service level stated at 20 s" in texts(at.caption)
    if page == "capacity":
        assert "Weekday and time-of-day profile: not measured" in texts(at.info)


def test_handling_figures_the_sources_cannot_support_are_not_measured(
    monkeypatch: pytest.MonkeyPatch, real_url: str
) -> None:
    cases = _helpdesk_cases()
    last = cases["created_at"].max().date()
    start, end = _own_period(last)
    at = app_on(monkeypatch, real_url, "overview", {"source": "mapped", "channel": "ticket"})
    assert not at.exception
    assert at.date_input(key="filter_dates").value == (start, end)
    tiles = {m.label: m.value for m in at.metric}
    # the log has no talk or hold times, no transfers and no reopen events (its 14 activities, SOURCE.md)
    for label in ("Average handle time", "Average hold time", "Transfers per contact", "Reopen rate"):
        assert tiles[label] == NOT_MEASURED
    assert "widen the dates" not in texts(at.caption).lower()
    # the backlog at the end of the period's last day, by a pandas walk of the log: a case is created at its first
    # event; its status is that of its last Resolve/RESOLVED (solved) or Closed/INVALID/DUPLICATE (closed) event;
    # it stays open until its last solve, or its last close when it ends closed, whichever comes first
    log = pd.read_csv(HELPDESK, usecols=["Case ID", "Activity", "Complete Timestamp"])
    log["at"] = (pd.to_datetime(log["Complete Timestamp"], format="%Y/%m/%d %H:%M:%S.%f")
                 .dt.tz_localize("Europe/Rome").dt.tz_convert("UTC").dt.tz_localize(None))
    log["status"] = log["Activity"].map({"Resolve ticket": "solved", "RESOLVED": "solved", "Closed": "closed",
                                         "INVALID": "closed", "DUPLICATE": "closed"})
    created = log.groupby("Case ID")["at"].min()
    status = log.dropna(subset=["status"]).sort_values("at").groupby("Case ID")["status"].last()
    solved = log[log["status"] == "solved"].groupby("Case ID")["at"].max()
    closed = log[log["status"] == "closed"].groupby("Case ID")["at"].max().where(status == "closed")
    until = pd.concat([solved, closed], axis=1).min(axis=1).reindex(created.index)
    day_end = pd.Timestamp(end) + pd.Timedelta(days=1)
    open_cases = created[(created < day_end) & (until.isna() | (until > day_end))]
    ages = (day_end - open_cases).dt.total_seconds()
    assert tiles["Backlog"] == format_count(len(open_cases))
    assert tiles["Backlog age"] == format_seconds(ages.mean())
    assert tiles["Backlog over 7 days old"] == format_rate((ages >= 7 * 86400).mean())
    assert tiles["Backlog under 1 day old"] == format_rate((ages < 86400).mean())


def test_data_health_calls_the_2017_data_stale(monkeypatch: pytest.MonkeyPatch, real_url: str) -> None:
    at = app_on(monkeypatch, real_url, "data_health")
    assert not at.exception
    table = next(frame.value for frame in at.dataframe if "data_age" in frame.value.columns)
    table = table.set_index("source_name")
    tweets = pd.read_csv(TWITTER, usecols=["created_at"])
    newest_tweet = pd.to_datetime(tweets["created_at"], format="%a %b %d %H:%M:%S %z %Y").max()
    assert table.loc["twitter", "state"] == "stale"
    assert pd.Timestamp(table.loc["twitter", "newest_record_at"]) == newest_tweet.tz_convert("UTC").tz_localize(None)
    assert table.loc["helpdesk", "state"] == "stale"
    assert table.loc["callcenter", "state"] == "no data time"
    assert "stale" in texts(at.warning)
