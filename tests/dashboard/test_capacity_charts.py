"""The Capacity page's chart builders return Vega-Lite specs we can read."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.app_pages.capacity import charts as capacity_charts


def _forecast_frame() -> pd.DataFrame:
    history = pd.DataFrame({"date_day": pd.date_range("2026-10-01", periods=3),
                            "count_contacts_offered": [10.0, 12.0, 11.0]})
    forecast = pd.DataFrame({"date_day": pd.date_range("2026-10-04", periods=2), "forecast_contacts": [11.0, 9.0],
                             "lower_80": [8.0, 6.0], "upper_80": [14.0, 12.0],
                             "lower_95": [6.0, 4.0], "upper_95": [16.0, 14.0]})
    return pd.concat([history, forecast], ignore_index=True)


def test_forecast_chart_layers_two_bands_a_dashed_forecast_and_the_history() -> None:
    spec = capacity_charts.forecast_chart(_forecast_frame(), channel_label="Voice").to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["area", "area", "line", "line"]
    band_95, band_80, forecast, history = spec["layer"]
    assert band_95["encoding"]["y"]["field"] == "lower_95" and band_95["encoding"]["y2"]["field"] == "upper_95"
    assert band_80["encoding"]["y"]["field"] == "lower_80"
    assert band_95["mark"]["opacity"] < band_80["mark"]["opacity"]
    assert forecast["mark"]["strokeDash"] == [6, 4]
    assert forecast["encoding"]["y"]["field"] == "forecast_contacts"
    assert history["encoding"]["y"]["field"] == "count_contacts_offered"
    assert history["encoding"]["y"]["title"] == "Voice contacts per day"
    # each layer draws only its own rows: 2 forecast days, 3 history days
    sizes = sorted(len(rows) for rows in spec["datasets"].values())
    assert sizes == [2, 3]


def test_forecast_chart_without_a_forecast_draws_the_history_alone() -> None:
    frame = _forecast_frame().iloc[:3].assign(forecast_contacts=None)
    spec = capacity_charts.forecast_chart(frame, channel_label="Chat").to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line"]


def test_staffing_chart_sets_the_requirement_beside_the_implied_staffing() -> None:
    frame = pd.DataFrame({
        "interval_start_local": pd.date_range("2026-10-05 09:00", periods=3, freq="30min"),
        "agents_required": [2, 3, 2],
        "workload_handled_erlangs": [0.4, 1.2, None],
        "agents_active": [2, 2, None],
    })
    spec = capacity_charts.staffing_chart(frame, channel_label="Voice").to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["mark"]["interpolate"] == "step-after"
    colour = spec["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Agents required (Erlang C)", "Workload handled (Erlangs)",
                                         "Agents answering contacts"]
    assert colour["scale"]["range"] == [capacity_charts.REQUIRED_COLOUR, capacity_charts.WORKLOAD_COLOUR,
                                        capacity_charts.ACTIVE_COLOUR]
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 3 + 2 + 2  # nulls of the forecast interval are dropped


def test_empty_or_oversized_frames_raise() -> None:
    with pytest.raises(ValueError, match="no Voice volumes"):
        capacity_charts.forecast_chart(_forecast_frame().iloc[0:0], channel_label="Voice")
    big = pd.DataFrame({"interval_start_local": pd.date_range("2026-01-01", periods=5_001, freq="30min"),
                        "agents_required": 1})
    with pytest.raises(ValueError, match="aggregate"):
        capacity_charts.staffing_chart(big, channel_label="Voice")
    with pytest.raises(ValueError, match="no Chat staffing figures"):
        capacity_charts.staffing_chart(big.iloc[:3].assign(agents_required=None), channel_label="Chat")


def test_day_staffing_chart_draws_forecast_solid_and_history_dashed() -> None:
    frame = pd.DataFrame({
        "interval_start_local": pd.date_range("2026-11-23 09:00", periods=2, freq="30min"),
        "agents_required": [2, 3],
        "agents_required_busy_day": [None, None],  # all null: left out of the legend
        "history_agents_required": [1.5, 2.25],
        "workload_handled_erlangs": [0.5, 1.0],
        "agents_active": [1.0, 2.0],
    })
    spec = capacity_charts.day_staffing_chart(frame, channel_label="Voice",
                                              labels={"agents_active": "Answering (avg of 4 Mondays)"}).to_dict()
    (lines,) = spec["layer"]
    assert lines["mark"]["interpolate"] == "step-after" and lines["mark"]["strokeWidth"] == 2.5
    colour = lines["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Agents required (Erlang C)", "Required for the contacts that came (history)",
                                "Workload handled, Erlangs (history)", "Answering (avg of 4 Mondays)"]
    # the forecast's requirement solid, the three history series dashed
    assert lines["encoding"]["strokeDash"]["scale"]["range"] == [[1, 0], [6, 4], [6, 4], [6, 4]]
    assert lines["encoding"]["x"]["axis"]["format"] == "%H:%M"
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 4 * 2  # four series of two intervals; the all-null busy-day series adds no row


def test_day_staffing_chart_without_figures_raises() -> None:
    frame = pd.DataFrame({"interval_start_local": pd.date_range("2026-11-23", periods=2, freq="30min"),
                          "agents_required": [None, None]})
    with pytest.raises(ValueError, match="no Chat staffing figures"):
        capacity_charts.day_staffing_chart(frame, channel_label="Chat")


def _weekly() -> pd.DataFrame:
    # two weekdays x four 30-minute intervals; nothing needed before 01:00 or after 01:30 on either day
    return pd.DataFrame({
        "iso_day_of_week": [1, 1, 1, 1, 7, 7, 7, 7],
        "interval_of_day": [0, 1, 2, 3, 0, 1, 2, 3],
        "days": [4] * 8,
        "agents_required": [0.0, 0.0, 2.6, 0.25, 0.0, 0.0, 1.0, 0.0],
        "forecast_contacts": [0.0, 0.0, 8.0, 1.0, 0.0, 0.0, 3.0, 0.0],
    })


def test_heatmap_frame_keeps_the_busy_span_and_names_days_and_clock_times() -> None:
    frame = capacity_charts.heatmap_frame(_weekly(), interval_minutes=30)
    # intervals 2 and 3 (01:00 and 01:30) are the first and last with a requirement or a contact
    assert frame["clock"].tolist() == ["01:00", "01:30", "01:00", "01:30"]
    assert frame["weekday"].tolist() == ["Mon", "Mon", "Sun", "Sun"]
    # 2.6 rounds to 3 agents, 0.25 to 0 (left blank), 1.0 to 1, 0 blank
    assert frame["agents_text"].tolist() == ["3", "", "1", ""]
    assert capacity_charts.heatmap_frame(_weekly().assign(agents_required=0.0, forecast_contacts=0.0), 30).empty


def test_requirement_heatmap_is_rects_with_figures_on_a_weekday_grid() -> None:
    frame = capacity_charts.heatmap_frame(_weekly(), interval_minutes=30)
    spec = capacity_charts.requirement_heatmap(frame, channel_label="Voice").to_dict()
    cells, text = spec["layer"]
    assert cells["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    assert text["mark"]["fontSize"] >= 12
    assert cells["encoding"]["y"]["sort"] == list(capacity_charts.WEEKDAYS)
    assert cells["encoding"]["x"]["sort"] == ["01:00", "01:30"]
    assert cells["encoding"]["x"]["axis"]["values"] == ["01:00"]  # hours labelled, half hours not
    assert cells["encoding"]["color"]["scale"]["range"] == [capacity_charts.HEATMAP_LOW,
                                                            capacity_charts.FORECAST_COLOUR]
    # white figures on cells above 55% of the largest (2.6 x 0.55 = 1.43): the 2.6 cell only
    assert "datum.agents_required > 1.43" in text["encoding"]["color"]["condition"]["test"]
    with pytest.raises(ValueError, match="no Voice requirement"):
        capacity_charts.requirement_heatmap(frame.iloc[0:0], channel_label="Voice")


def test_the_busy_day_margin_is_drawn_wide_beneath_the_requirement() -> None:
    frame = pd.DataFrame({"interval_start_local": pd.date_range("2026-11-23 09:00", periods=2, freq="30min"),
                          "agents_required": [2, 2], "agents_required_busy_day": [2, 3]})
    spec = capacity_charts.day_staffing_chart(frame, channel_label="Chat").to_dict()
    wide, lines = spec["layer"]
    assert wide["encoding"]["color"]["scale"]["domain"] == ["Agents required on a busy day (upper 80%)",
                                                            "Agents required (Erlang C)"]
    assert wide["mark"]["strokeWidth"] == capacity_charts.BUSY_DAY_WIDTH and wide["mark"]["opacity"] < 1
    assert wide["transform"][0]["filter"] == "(datum.measure === 'Agents required on a busy day (upper 80%)')"
    assert lines["transform"][0]["filter"] == "(datum.measure !== 'Agents required on a busy day (upper 80%)')"
