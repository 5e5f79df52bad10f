"""Chart builders return Vega-Lite specs we can read."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import charts
from dashboard.queries import days_of_week_in_range, metric_value


def _weekly(values: list[float | None], days: list[int] | None = None) -> pd.DataFrame:
    weeks = pd.date_range("2026-08-03", periods=len(values), freq="7D")
    return pd.DataFrame({"week_start": weeks, "value": values, "days_in_range": days or [7] * len(values)})


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_trend_has_a_line_with_points_and_tooltips() -> None:
    spec = charts.trend_chart(_weekly([0.7, 0.8, 0.75]), label="Service level", unit="rate").to_dict()
    line, points = _layers(spec)[:2]
    assert line["mark"]["type"] == "line"
    assert points["mark"]["type"] == "point"
    assert line["encoding"]["x"]["field"] == "week_start"
    assert line["encoding"]["x"]["type"] == "temporal"
    assert line["encoding"]["y"]["title"] == "Service level (%)"
    assert line["encoding"]["y"]["axis"]["format"] == ".0%"
    assert [t["title"] for t in line["encoding"]["tooltip"]] == ["Week", "Service level"]


def test_target_is_a_dashed_rule() -> None:
    spec = charts.trend_chart(
        _weekly([0.7, 0.8]), label="Service level", unit="rate", target=0.8, direction="higher_is_better"
    ).to_dict()
    rules = [layer for layer in _layers(spec) if layer["mark"]["type"] == "rule"]
    assert len(rules) == 1
    assert rules[0]["mark"]["strokeDash"]
    texts = [layer for layer in _layers(spec) if layer["mark"]["type"] == "text"]
    assert texts and texts[0]["encoding"]["text"]["field"] == "target_key"
    datasets = spec["datasets"]
    assert any(row.get("target_text") == "Target ≥ 80.0%" for rows in datasets.values() for row in rows)


def test_no_target_no_rule() -> None:
    spec = charts.trend_chart(_weekly([10, 12]), label="Interactions", unit="count").to_dict()
    assert all(layer["mark"]["type"] != "rule" for layer in _layers(spec))
    assert _layers(spec)[0]["encoding"]["y"]["title"] == "Interactions per week"
    assert _layers(spec)[0]["encoding"]["y"]["scale"]["zero"] is True


def test_seconds_are_shown_in_minutes_with_the_unit_in_the_title() -> None:
    chart = charts.trend_chart(
        _weekly([2400, 3000]), label="First reply time", unit="seconds", target=3600,
        direction="lower_is_better",
    )
    spec = chart.to_dict()
    assert _layers(spec)[0]["encoding"]["y"]["title"] == "First reply time (minutes)"
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert {row["shown"] for row in rows if "shown" in row} == {40.0, 50.0}
    assert any(row.get("target") == 60.0 for row in rows)


def test_partial_weeks_are_marked() -> None:
    frame, _, _ = charts.trend_frame(_weekly([5, 6], days=[7, 3]), "count")
    assert frame["is_partial"].tolist() == [False, True]
    assert "partial: 3 of 7 days" in frame["week_text"].iloc[1]


def test_theme_sets_readable_fonts_and_the_palette() -> None:
    spec = charts.trend_chart(_weekly([1, 2]), label="Interactions", unit="count").to_dict()
    assert spec["config"]["axis"]["labelFontSize"] >= 12
    assert spec["config"]["axis"]["titleFontSize"] >= 12
    assert spec["config"]["range"]["category"][0] == charts.OKABE_ITO["blue"]


def test_nothing_to_draw_raises() -> None:
    with pytest.raises(ValueError):
        charts.trend_chart(_weekly([]), label="CSAT", unit="rate")
    with pytest.raises(ValueError):
        charts.trend_chart(_weekly([None, None]), label="CSAT", unit="rate")


def test_metric_value_is_a_ratio_of_sums_and_none_without_a_denominator() -> None:
    assert metric_value(3.0, 4.0, is_ratio=True) == 0.75
    assert metric_value(3.0, 0.0, is_ratio=True) is None
    assert metric_value(3.0, None, is_ratio=True) is None
    assert metric_value(None, 4.0, is_ratio=True) is None
    assert metric_value(12.0, None, is_ratio=False) == 12.0


def test_days_of_week_in_range() -> None:
    monday = pd.Timestamp("2026-08-03").date()
    assert days_of_week_in_range(monday, monday, pd.Timestamp("2026-08-31").date()) == 7
    thursday, end = pd.Timestamp("2026-08-06").date(), pd.Timestamp("2026-08-31").date()
    assert days_of_week_in_range(monday, thursday, end) == 4
    assert days_of_week_in_range(monday, monday, monday) == 1
