"""Service trends, Capacity and Data health through AppTest on the timeviews fixture (tests/fixtures/timeviews;
the hand computation of every figure is in test_timeviews_queries.py's docstring)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from dashboard.formatting import format_rate, format_seconds
from dashboard.measure_evidence import NOT_MEASURED
from etl.catalog import load_evidence_rules
from tests.dashboard.conftest import open_page

_app = open_page


def _tiles(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _texts(elements: object) -> str:
    return " ".join(str(element.value) for element in elements)  # type: ignore[attr-defined]


def _links(at: AppTest) -> list[tuple[str, str]]:
    return [(button.proto.label, button.proto.url) for button in at.get("link_button")]


def test_the_default_period_follows_the_newest_source_and_the_notice_lists_the_older_one(
    monkeypatch: pytest.MonkeyPatch, timeviews_duckdb_url: str
) -> None:
    at = _app(monkeypatch, timeviews_duckdb_url, "overview")
    assert not at.exception
    # the desk's newest contact is on 12 May 2026: the last 90 days end there
    assert at.date_input(key="filter_dates").value == (dt.date(2026, 2, 12), dt.date(2026, 5, 12))
    assert dict(at.query_params) == {}
    links = _links(at)
    assert len(links) == 1
    label, url = links[0]
    assert "mapped · ticket" in label and "1 Mar 2024 – 10 Mar 2024, 3 contacts" in label.replace("\\", "")
    assert url == "?source=mapped&channel=ticket&start=2023-12-12&end=2024-03-10"
    assert "have no data between 12 Feb 2026 and 12 May 2026" in _texts(at.markdown)
    # the sidebar says each source's data time
    captions = _texts(at.caption)
    assert "old\\_log: data to 12 Mar 2024" in captions and "numbered: no data time" in captions


def test_the_notice_link_opens_the_old_source_at_its_own_days(
    monkeypatch: pytest.MonkeyPatch, timeviews_duckdb_url: str
) -> None:
    at = _app(monkeypatch, timeviews_duckdb_url, "overview",
              {"source": "mapped", "channel": "ticket", "start": "2023-12-12", "end": "2024-03-10"})
    assert not at.exception
    assert at.date_input(key="filter_dates").value == (dt.date(2023, 12, 12), dt.date(2024, 3, 10))
    assert at.multiselect(key="filter_source").value == ["mapped"]
    assert _tiles(at)["Interactions"] == "3"
    assert not _links(at)  # nothing chosen lies outside these dates
    # one source chosen: its own last 90 days are the default, so the dates leave the URL
    assert "start" not in at.query_params and at.query_params["source"] in (["mapped"], "mapped")


def test_choosing_a_source_moves_default_dates_to_its_own_time(
    monkeypatch: pytest.MonkeyPatch, timeviews_duckdb_url: str
) -> None:
    at = _app(monkeypatch, timeviews_duckdb_url, "overview")
    at.multiselect(key="filter_source").set_value(["mapped"]).run()
    assert not at.exception
    assert at.date_input(key="filter_dates").value == (dt.date(2023, 12, 12), dt.date(2024, 3, 10))
    assert _tiles(at)["Interactions"] == "3"


def test_handling_backlog_and_interval_report_tiles(monkeypatch: pytest.MonkeyPatch, timeviews_duckdb_url: str) -> None:
    at = _app(monkeypatch, timeviews_duckdb_url, "overview", {"start": "2026-05-04", "end": "2026-05-12"})
    assert not at.exception
    tiles = _tiles(at)
    assert tiles["Average handle time"] == format_seconds(750 / 3)
    assert tiles["Average hold time"] == format_seconds(80 / 3)
    assert tiles["Transfers per contact"] == "0.38"
    assert tiles["Reopen rate"] == "50.0%"
    # backlog at the end of 12 May: M3 (160 h) and M4 (12 h)
    assert tiles["Backlog"] == "2"
    assert tiles["Backlog age"] == format_seconds(86 * 3600)
    assert tiles["Backlog under 1 day old"] == "50.0%" and tiles["Backlog 3 to 7 days old"] == "50.0%"
    assert tiles["Backlog over 7 days old"] == "0.0%"
    # the dated report within the dates and the undated one whole: the last tiles win in this dict, so read both
    report = [(m.label, m.value) for m in at.metric if "interval report" in m.label]
    assert report[:5] == [
        ("Offered (interval report)", "120"), ("Answered (interval report)", "106"),
        ("Abandonment (interval report)", format_rate(14 / 120)),
        ("Average speed of answer (interval report)", format_seconds(2890 / 106)),
        ("Service level (interval report)", "75.0%")]
    assert report[5:] == [
        ("Offered (interval report)", "150"), ("Answered (interval report)", "135"),
        ("Abandonment (interval report)", "10.0%"), ("Average speed of answer (interval report)", "35 s"),
        ("Service level (interval report)", format_rate(110 / 150))]
    assert "2 intervals without a date" in _texts(at.markdown)
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert any(spec.get("encoding", {}).get("y", {}).get("title") == "Open at the week's last day" for spec in charts)

RULES = load_evidence_rules()


def test_a_source_without_handling_records_says_not_measured(
    monkeypatch: pytest.MonkeyPatch, timeviews_duckdb_url: str
) -> None:
    at = _app(monkeypatch, timeviews_duckdb_url, "overview", {"source": "mapped", "channel": "ticket"})
    assert not at.exception
    tiles = _tiles(at)
    for label in ("Average handle time", "Average hold time", "Transfers per contact", "Reopen rate"):
        assert tiles[label] == NOT_MEASURED, label
    # the reasons are the catalog's evidence rules (sql/metrics/evidence/rules.yml), read per source and week
    captions = _texts(at.caption)
    for rule in ("talk_time", "reopen_events"):
        reason = RULES[rule].reason
        assert f"{reason[0].upper()}{reason[1:]}." in captions, rule
    assert "widen the dates" not in captions.lower()


def test_dates_without_records_say_where_they_are(monkeypatch: pytest.MonkeyPatch, timeviews_duckdb_url: str) -> None:
    at = _app(monkeypatch, timeviews_duckdb_url, "overview",
              {"source": "canonical", "start": "2026-01-01", "end": "2026-01-31"})
    assert not at.exception
    info = _texts(at.info)
    assert "These filters have contacts from 04 May 2026 to 12 May 2026: widen the dates" in info


def test_capacity_forecasts_each_channel_from_its_own_end(
    monkeypatch: pytest.MonkeyPatch, timeviews_duckdb_url: str
) -> None:
    at = _app(monkeypatch, timeviews_duckdb_url, "capacity", {"channel": "ticket"})
    assert not at.exception
    text = _texts(at.markdown)
    assert "Forecast from 10 Mar 2024, this channel's last complete day of data" in text
    assert "Mon 11 Mar 2024 – Sun 07 Apr 2024" in text
    assert "This channel's data ends on 10 Mar 2024" in _texts(at.warning)
    assert _tiles(at)["Error on the days held out"] != "MASE 0.00"
    # tickets have no interval report: said as what the data lacks
    assert "Interval report: not measured — the sources and channels chosen carry no queue interval report" in (
        _texts(at.info))


def test_capacity_shows_the_interval_reports_as_history(
    monkeypatch: pytest.MonkeyPatch, timeviews_duckdb_url: str
) -> None:
    at = _app(monkeypatch, timeviews_duckdb_url, "capacity",
              {"channel": "voice", "start": "2026-05-04", "end": "2026-05-12"})
    assert not at.exception
    assert "Capacity history from the interval report" in _texts(at.subheader)
    assert "Source: mapped \\(acd, numbered\\)" in _texts(at.caption)
    report = [(m.label, m.value) for m in at.metric if "interval report" in m.label]
    assert report[0] == ("Offered (interval report)", "120") and report[5] == ("Offered (interval report)", "150")
    # the dated report's Monday profile: 09:00 seen on two Mondays (40 + 20 offered: 30 a day), 09:30 on one (60)
    heatmap = next(c for c in at.get("vega_lite_chart")
                   if json.loads(c.proto.spec).get("encoding", {}).get("color", {}).get("field") == "mean_offered")
    cells = convert_arrow_bytes_to_pandas_df(heatmap.proto.datasets[0].data.data)
    assert dict(zip(zip(cells["weekday"], cells["clock"], strict=True), cells["mean_offered"], strict=True)) == {
        ("Monday", "09:00"): 30.0, ("Monday", "09:30"): 60.0}
    assert "Weekday and time-of-day profile: not measured — the interval report numbers its intervals" in (
        _texts(at.info))


def test_data_health_judges_freshness_on_data_time(monkeypatch: pytest.MonkeyPatch, timeviews_duckdb_url: str) -> None:
    at = _app(monkeypatch, timeviews_duckdb_url, "data_health")
    assert not at.exception
    table = next(frame.value for frame in at.dataframe if "data_age" in frame.value.columns)
    states = dict(zip(table["source_name"], table["state"], strict=True))
    # loaded minutes ago, but the newest records are from 2024 and 2026-05 (months before this test runs)
    assert states == {"acd": "stale", "desk": "stale", "numbered": "no data time", "old_log": "stale"}
    assert "4 of" not in _texts(at.warning) and "3 of 4 sources are stale" in _texts(at.warning)
