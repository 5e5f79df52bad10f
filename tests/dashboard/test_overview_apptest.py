"""The Overview page end to end through Streamlit's AppTest, on a warehouse built by the real pipeline."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard.app_pages.overview import view as overview
from dashboard.filters import Filters, default_filters
from dashboard.formatting import MISSING
from dashboard.measure_evidence import NOT_MEASURED
from dashboard.widgets import service_operations
from etl.catalog import load_catalog

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
LABELS = [load_catalog()[name].label for name in overview.METRICS]


def _app(monkeypatch: pytest.MonkeyPatch, url: str, params: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/overview/page.py")
    return at.run()


def _tiles(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _texts(elements: object) -> str:
    return " ".join(str(element.value) for element in elements)  # type: ignore[attr-defined]


def test_default_filters_show_the_tiles_and_their_trends(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str
) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    tiles = _tiles(at)
    catalog = load_catalog()
    handling = [catalog[name].label for name in overview.HANDLING_METRICS]
    backlog = [catalog[name].label for name in service_operations.BACKLOG_TILES]
    assert list(tiles) == LABELS + handling + backlog
    # the demo carries talk, hold and after-call work, transfers and reopens: every tile is measured
    assert all(value and value not in (MISSING, NOT_MEASURED) for value in list(tiles.values())[:10]), tiles
    charts = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    trends = [spec for spec in charts if "layer" in spec]
    assert len(trends) == 10
    for spec in trends:
        marks = [layer["mark"]["type"] for layer in spec["layer"]]
        assert marks[:2] == ["line", "point"]
        assert spec["layer"][0]["encoding"]["x"]["field"] == "week_start"
    # targets: first reply, service level, abandonment, CSAT, sentiment and reopen rate
    assert sum(any(layer["mark"]["type"] == "rule" for layer in spec["layer"]) for spec in trends) == 6
    # the backlog by age at each week's end
    assert sum(spec.get("mark", {}).get("type") == "bar" for spec in charts) == 1
    # the demo has no interval report: said as what the data lacks
    assert "Interval report: not measured — the sources and channels chosen carry no queue interval report" in (
        _texts(at.info))
    assert "As of" in _texts(at.caption)
    assert len(at.expander) >= 10
    assert dict(at.query_params) == {}


def test_changing_a_filter_changes_the_figures_and_the_url(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str
) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    before = _tiles(at)["Interactions"]
    channel = at.multiselect(key="filter_channel")
    assert "voice" in channel.options
    channel.set_value(["voice"]).run()
    assert not at.exception
    after = _tiles(at)["Interactions"]
    assert after != before
    assert int(after.replace(",", "")) < int(before.replace(",", ""))
    assert at.query_params["channel"] in (["voice"], "voice")
    at.button[0].click().run()  # Reset filters
    assert at.multiselect(key="filter_channel").value == []
    assert _tiles(at)["Interactions"] == before
    assert "channel" not in at.query_params


def test_the_url_restores_the_filters(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    first = _app(monkeypatch, demo_warehouse_url)
    team = first.multiselect(key="filter_team").options[0]
    params = {"start": "2026-06-01", "end": "2026-08-31", "channel": "voice,chat", "team": team}
    at = _app(monkeypatch, demo_warehouse_url, params)
    assert not at.exception
    assert at.date_input(key="filter_dates").value == (dt.date(2026, 6, 1), dt.date(2026, 8, 31))
    assert at.multiselect(key="filter_channel").value == ["voice", "chat"]
    assert at.multiselect(key="filter_team").value == [team]
    assert at.multiselect(key="filter_intent").value == []
    assert "01 Jun 2026 – 31 Aug 2026" in _texts(at.caption)
    assert _tiles(at)["Interactions"] != _tiles(first)["Interactions"]


def test_bad_url_values_fall_back_to_defaults(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str
) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"start": "not-a-date", "channel": "fax,voice"})
    assert not at.exception
    assert at.multiselect(key="filter_channel").value == ["voice"]
    assert [metric.label for metric in at.metric][:6] == LABELS


def test_a_range_without_data_says_so(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"start": "2020-01-01", "end": "2020-01-31"})
    assert not at.exception
    first_day, last_day = queries.data_bounds(demo_warehouse_url, queries.data_version(demo_warehouse_url))
    assert first_day is not None and last_day is not None
    info = _texts(at.info)
    assert (f"No contacts between 01 Jan 2020 and 31 Jan 2020. These filters have contacts from "
            f"{first_day:%d %b %Y} to {last_day:%d %b %Y}: widen the dates") in info
    assert "Backlog: no records between 1 Jan 2020 and 31 Jan 2020" in info
    assert len(at.metric) == 0
    assert len(at.get("vega_lite_chart")) == 0


def test_a_missing_warehouse_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _app(monkeypatch, f"duckdb:///{tmp_path / 'not-built-yet.duckdb'}")
    assert not at.exception
    assert "No warehouse has been built yet" in _texts(at.warning)
    assert len(at.get("vega_lite_chart")) == 0


def test_an_empty_warehouse_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    at = _app(monkeypatch, f"duckdb:///{path}")
    assert not at.exception
    assert "does not hold the tables" in _texts(at.warning)
    assert len(at.get("vega_lite_chart")) == 0


def test_a_mart_without_rows_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_warehouse_url: str
) -> None:
    source = demo_warehouse_url.removeprefix("duckdb:///")
    path = tmp_path / "no_rows.duckdb"
    shutil.copyfile(source, path)
    connection = duckdb.connect(str(path))
    connection.execute("delete from marts.service_daily")
    connection.close()
    at = _app(monkeypatch, f"duckdb:///{path}")
    assert not at.exception
    assert "The data holds no contact for these filters" in _texts(at.info)
    assert not set(LABELS) & {metric.label for metric in at.metric}


def _demo_filters(demo_warehouse_url: str, **lists: tuple[str, ...]) -> Filters:
    version = queries.data_version(demo_warehouse_url)
    _, last_day = queries.data_bounds(demo_warehouse_url, version)
    return replace(default_filters(last_day, today=dt.date(2026, 11, 1)), **lists)


def test_tiles_and_trends_re_aggregate_the_same_sums(demo_warehouse_url: str) -> None:
    filters = _demo_filters(demo_warehouse_url)
    version = queries.data_version(demo_warehouse_url)
    periods = queries.period_figures(demo_warehouse_url, version, overview.METRICS, filters)
    weekly = queries.weekly_figures(demo_warehouse_url, version, overview.METRICS, filters)
    current = periods[periods["period"] == queries.CURRENT].set_index("metric")
    for name in overview.METRICS:
        weeks = weekly[weekly["metric"] == name]
        assert weeks["numerator"].sum() == pytest.approx(current.loc[name, "numerator"])
        metric = load_catalog()[name]
        expected = queries.metric_value(
            weeks["numerator"].sum(), weeks["denominator"].sum() if metric.is_ratio else None, metric.is_ratio
        )
        assert current.loc[name, "value"] == pytest.approx(expected)


def test_filter_values_are_bound_never_spliced(demo_warehouse_url: str) -> None:
    hostile = ("voice' or '1'='1", "x); drop table marts.service_daily; --")
    filters = _demo_filters(demo_warehouse_url, channels=hostile)
    version = queries.data_version(demo_warehouse_url)
    periods = queries.period_figures(demo_warehouse_url, version, overview.METRICS, filters)
    assert periods.empty
    assert queries.data_bounds(demo_warehouse_url, version)[1] is not None
