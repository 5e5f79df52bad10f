"""The Capacity page's chart builders return Vega-Lite specs we can read."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import capacity_charts


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
