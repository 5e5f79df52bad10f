"""The Capacity page through AppTest on the demo warehouse: figures checked against independent queries of
marts.capacity_intervals and core.fct_volume_forecast* written here, not taken from the page's code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGE = "app_pages/capacity/page.py"


def _app(monkeypatch: pytest.MonkeyPatch, url: str, params: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE)
    return at.run()


def _texts(elements: object) -> str:
    return " ".join(str(element.value) for element in elements)  # type: ignore[attr-defined]


def _sql(url: str, sql: str, params: list[object] | None = None) -> pd.DataFrame:
    con = duckdb.connect(url.removeprefix("duckdb:///"), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def _metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if str(m.label).startswith(label))


def _forecast_total(url: str, channel: str) -> float:
    return float(_sql(url, "select sum(forecast_contacts) from marts.capacity_intervals "
                           "where channel = ? and is_forecast", [channel]).iat[0, 0])


def _busiest_day(url: str, channel: str) -> dt.date:
    """The busiest of the first seven forecast days (the earliest on a tie), from the daily forecast."""
    days = _sql(url, "select date_day, forecast_contacts from core.fct_volume_forecast "
                     "where channel = ? and is_forecast order by date_day limit 7", [channel])
    top = days["forecast_contacts"].max()
    return pd.Timestamp(days.loc[days["forecast_contacts"] == top, "date_day"].min()).date()


def _peak(url: str, channel: str, day: dt.date, column: str = "agents_required") -> int:
    return int(_sql(url, f"select max({column}) from marts.capacity_intervals where channel = ? and date_day = ?",
                    [channel, day]).iat[0, 0])


def test_capacity_default_filters(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    url = demo_warehouse_url
    at = _app(monkeypatch, url)
    assert not at.exception
    assert "Capacity" in _texts(at.title)
    headers = _texts(at.subheader)
    for heading in ("Contacts coming · Voice", "Agents needed · Voice", "Agents required by weekday and time"):
        assert heading in headers
    # the forecast of the next 28 days: the mart's forecast contacts summed over voice's forecast intervals
    assert _metric(at, "Forecast contacts, next 28 days") == f"{round(_forecast_total(url, 'voice')):,}"
    chosen = _sql(url, "select model_name, holdout_mase from core.fct_volume_forecast_models "
                       "where channel = 'voice' and is_chosen")
    assert len(chosen) == 1
    assert _metric(at, "Error on the days held out") == f"MASE {chosen['holdout_mase'].iat[0]:.2f}"
    assert "lowest error on the last 28 days held out" in _texts(at.markdown)
    table = next(t.value for t in at.dataframe if "Model" in t.value.columns)
    candidates = _sql(url, "select count(*) from core.fct_volume_forecast_models where channel = 'voice'").iat[0, 0]
    assert len(table) == candidates and table["Chosen"].tolist().count("Chosen") == 1
    # the day to plan defaults to the busiest of the coming week; its peak is the mart's largest requirement
    day = _busiest_day(url, "voice")
    assert at.selectbox(key="capacity_day").value == day
    assert _metric(at, "Peak agents required") == str(_peak(url, "voice", day))
    # Erlang A over the day: callers expected to hang up (rate x contacts per interval) / the day's contacts
    erlang_a = _sql(url, "select sum(expected_abandon_rate_erlang_a * forecast_contacts) / sum(forecast_contacts)"
                         " from marts.capacity_intervals where channel = 'voice' and date_day = ?"
                         " and expected_abandon_rate_erlang_a is not null", [day]).iat[0, 0]
    assert _metric(at, "Hang-ups (Erlang A)") == f"{erlang_a * 100:.1f}%"
    assert "80% of contacts answered within 20 seconds" in _texts(at.markdown)
    assert "before shrinkage" in _texts(at.caption)
    assert len(at.get("vega_lite_chart")) == 3  # the forecast, the day's staffing, the heatmap


def test_a_channel_filter_for_email_explains_why_no_agents_are_computed(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str,
) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    at.multiselect(key="filter_channel").set_value(["email"]).run()
    assert not at.exception
    assert "Contacts coming · E-mail" in _texts(at.subheader)
    assert _metric(at, "Forecast contacts, next 28 days") == f"{round(_forecast_total(demo_warehouse_url, 'email')):,}"
    assert "E-mail gets no agents-required figure" in _texts(at.info)
    assert len(at.get("vega_lite_chart")) == 1  # the forecast only


def test_choosing_chat_a_day_and_the_busy_day_margin_drills_down(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str,
) -> None:
    url = demo_warehouse_url
    at = _app(monkeypatch, url)
    at.button_group(key="capacity_channel").set_value("chat").run()
    assert not at.exception
    assert "Agents needed · Chat" in _texts(at.subheader)
    assert _metric(at, "Forecast contacts, next 28 days") == f"{round(_forecast_total(url, 'chat')):,}"
    last = pd.Timestamp(_sql(url, "select max(date_day) from core.fct_volume_forecast where channel = 'chat'")
                        .iat[0, 0]).date()
    at.selectbox(key="capacity_day").set_value(last).run()
    assert not at.exception
    day_contacts = float(_sql(url, "select sum(forecast_contacts) from marts.capacity_intervals "
                                   "where channel = 'chat' and date_day = ?", [last]).iat[0, 0])
    assert _metric(at, f"Contacts forecast, {last:%a %d %b}") == f"{round(day_contacts):,}"
    assert _metric(at, "Peak agents required") == str(_peak(url, "chat", last))
    at.toggle(key="capacity_busy_day").set_value(True).run()
    assert not at.exception
    assert _metric(at, "Peak agents (busy day)") == str(_peak(url, "chat", last,
                                                                      "agents_required_upper_80"))
    assert _peak(url, "chat", last, "agents_required_upper_80") >= _peak(url, "chat", last)


def test_dates_without_history_show_a_message_and_keep_the_forecast(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str,
) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"start": "2001-01-01", "end": "2001-01-31"})
    assert not at.exception
    infos = _texts(at.info)
    assert "No voice history between 01 Jan 2001 and 31 Jan 2001" in infos
    # the history's staffing beside the requirement needs past days of that weekday: none in January 2001
    assert "of history in the sidebar dates" in _texts(at.caption)
    assert at.get("vega_lite_chart")  # the forecast does not depend on the dates
