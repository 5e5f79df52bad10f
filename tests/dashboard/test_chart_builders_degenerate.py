"""Every chart builder on the frames real exports give: no rows, all-null figures, NULL members, text as
pandas 3 `str` or plain object columns, and numbers as Decimal (PostgreSQL numeric) or object.

A builder either draws a chart that serialises, or says there is nothing to draw with ValueError (the page
shows a message then). Anything else (TypeError from a cumsum over an object column, KeyError, a NaN cast to
int) would reach the viewer as an exception: issue 11, "Journeys crashes on real data".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from dashboard import charts
from dashboard.app_pages.automation import charts as charts_automation
from dashboard.app_pages.capacity import charts as capacity_charts
from dashboard.app_pages.escalations import charts as charts_escalations
from dashboard.app_pages.experience import charts as charts_experience
from dashboard.app_pages.journeys import charts as charts_journeys
from dashboard.app_pages.risk import charts as charts_risk
from etl.catalog import catalog_for

CATALOG = catalog_for({})
REPEAT = CATALOG["repeat_contact_rate"]
RUNG_METRICS = {"confirmed": "resolution_confirmed_share", "no_return": "resolution_no_return_share",
                "tone_not_negative": "resolution_tone_not_negative_share",
                "unconfirmed": "resolution_unconfirmed_share"}
RUNGS = {rung: CATALOG[name] for rung, name in RUNG_METRICS.items()}
RUNG_LABELS = {rung: metric.label for rung, metric in RUNGS.items()}
MONDAY = dt.date(2026, 3, 2)
NOON = dt.datetime(2026, 3, 2, 12, 0)


def _ladder(frame: pd.DataFrame) -> object:
    # a second group with no figures at all: the case that crashed Journeys
    return charts_journeys.ladder_chart(
        charts_journeys.ladder_frame({"All episodes": frame, "Intent x": frame.iloc[0:0]}, RUNGS), RUNG_LABELS)


def _escalations(frame: pd.DataFrame) -> object:
    top = charts_escalations.top_members(frame)
    return charts_escalations.escalations_chart(charts_escalations.lump_members(frame, top),
                                                breakdown_label="Reason")


# builder -> (a call drawing the chart from one frame, a valid frame of two rows)
BUILDERS: dict[str, tuple[Callable[[pd.DataFrame], Any], dict[str, list[Any]]]] = {
    "trend_chart": (
        lambda f: charts.trend_chart(f, label="Service level", unit="rate", target=0.8, direction="higher_is_better"),
        {"week_start": [MONDAY, MONDAY + dt.timedelta(days=7)], "value": [0.5, 0.6], "days_in_range": [7, 3]}),
    "load_volume_chart": (
        charts.load_volume_chart,
        {"load_day": [MONDAY, MONDAY], "rows_loaded": [10, 5], "rows_duplicate": [0, 1], "rows_rejected": [1, 0]}),
    "quadrant_chart": (
        lambda f: charts.quadrant_chart(f, breakdown_label="Segment", sla_threshold=0.8, xla_threshold=0.5),
        {"member": ["a", "b"], "sla_measured": [2, 3], "sla_met": [2, 1], "xla_measured": [2, 2], "xla_met": [0, 2],
         "sla_attainment": [1.0, 1 / 3], "xla_attainment": [0.0, 1.0], "is_watermelon": [True, False],
         "missed": ["CSAT", ""], "cases": [40.0, 50.0]}),
    "escalations_chart": (
        _escalations,
        {"week_start": [MONDAY, MONDAY], "member": ["billing", "tech"], "count_escalations": [3, 4]}),
    "ranked_rate_chart": (
        lambda f: charts_journeys.ranked_rate_chart(charts_journeys.ranked_frame(f, REPEAT, 30), member_title="Intent",
                                                    metric_label="Repeat contact rate", overall=0.2),
        {"member": ["a", "b"], "period": ["current", "current"], "metric": ["repeat_contact_rate"] * 2,
         "numerator": [3.0, 20.0], "denominator": [10.0, 100.0], "sum_of_squares": [None, None],
         "value": [0.3, 0.2]}),
    "paths_chart": (
        lambda f: charts_journeys.paths_chart(charts_journeys.paths_frame(f)),
        {"channel_path": ["chat", "chat>email"], "episodes": [10, 4], "resolved_episodes": [6, 1],
         "determined_episodes": [8, 4]}),
    "ladder_chart": (
        _ladder,
        {"period": ["current"] * 2, "metric": ["resolution_confirmed_share", "resolution_no_return_share"],
         "value": [0.25, 0.75], "numerator": [1.0, 3.0], "denominator": [4.0, 4.0]}),
    "outcome_chart": (
        charts_automation.outcome_chart,
        {"week_start": [MONDAY, MONDAY], "outcome": ["contained_confirmed", "abandoned"],
         "outcome_label": ["Contained, confirmed", "Abandoned"], "sessions": [3, 1], "share": [0.75, 0.25]}),
    "intent_rate_chart": (
        lambda f: charts_automation.intent_rate_chart(f, rate_label="Handoff rate", cases_label="sessions",
                                                      threshold=0.3, threshold_label="30%", min_cases=5),
        {"intent": ["billing", "tech"], "value": [0.4, 0.1], "cases": [10, 3]}),
    "sentiment_handoff_chart": (
        charts_automation.sentiment_handoff_chart,
        {"intent": ["billing", "tech"], "mean_before": [-0.2, 0.1], "mean_after": [0.1, 0.2],
         "count_before": [5, 6], "count_after": [5, 6]}),
    "cost_by_path_chart": (
        lambda f: charts_automation.cost_by_path_chart(f, label="Cost per resolved episode"),
        {"episode_path": ["bot_only", "human_only"], "value": [1.5, 7.25], "denominator": [10, 20]}),
    "end_tone_chart": (
        charts_experience.end_tone_chart, {"tone": ["negative", "positive"], "contacts": [3, 7]}),
    "weekly_tone_chart": (
        charts_experience.weekly_tone_chart,
        {"week_start": [MONDAY, MONDAY], "tone": ["negative", "positive"], "contacts": [3, 7]}),
    "rate_by_member_chart": (
        lambda f: charts_experience.rate_by_member_chart(f, member_label="Team", value_label="CSAT", target=0.8,
                                                         direction="higher_is_better", cases_label="Answers"),
        {"member": ["a", "b"], "value": [0.9, 0.5], "cases": [40, 3], "is_thin": [False, True]}),
    "effort_by_intent_chart": (
        lambda f: charts_experience.effort_by_intent_chart(f, target=5.0),
        {"intent": ["billing", "tech"], "survey": [5.5, None], "survey_answers": [40, 0],
         "survey_thin": [False, True], "inferred": [5.0, 4.0], "inferred_contacts": [100, 80]}),
    "confidence_chart": (
        lambda f: charts_experience.confidence_chart(f, {name: name for name in charts_experience.CONFIDENCE_RUNGS}),
        {"member": ["All", "All"], "metric": ["resolution_confirmed_share", "resolution_unconfirmed_share"],
         "value": [0.4, 0.6], "cases": [50, 50]}),
    "calibration_chart": (
        charts_risk.calibration_chart,
        {"decile": [1, 2], "count_accounts": [10, 10], "mean_predicted": [0.1, 0.3], "observed_rate": [0.1, 0.2],
         "count_churned": [1, 2]}),
    "odds_ratio_chart": (
        charts_risk.odds_ratio_chart,
        {"label": ["Repeats", "Tenure"], "odds_ratio": [1.8, 0.7], "odds_ratio_ci_low": [1.2, 0.5],
         "odds_ratio_ci_high": [2.5, 0.9], "sentence": ["more repeats", "longer tenure"]}),
    "rule_points_chart": (charts_risk.rule_points_chart, {"label": ["Repeats", "Silence"], "points": [2, 1]}),
    "revenue_bars": (
        lambda f: charts_risk.revenue_bars(f, category="Segment"),
        {"member": ["smb", "enterprise"], "value": [1000.0, 5000.0], "value_text": ["$1,000.00", "$5,000.00"]}),
    "risk_history_chart": (
        charts_risk.risk_history_chart,
        {"fitted_at": [NOON, NOON + dt.timedelta(days=1)], "churn_probability": [0.2, 0.3]}),
    "forecast_chart": (
        lambda f: capacity_charts.forecast_chart(f, channel_label="Chat"),
        {"date_day": [MONDAY, MONDAY + dt.timedelta(days=1)], "count_contacts_offered": [10.0, None],
         "forecast_contacts": [None, 12.0], "lower_80": [None, 9.0], "upper_80": [None, 15.0],
         "lower_95": [None, 7.0], "upper_95": [None, 17.0]}),
    "staffing_chart": (
        lambda f: capacity_charts.staffing_chart(f, channel_label="Chat"),
        {"interval_start_local": [NOON, NOON + dt.timedelta(minutes=30)], "agents_required": [3.0, 4.0],
         "workload_handled_erlangs": [2.5, None], "agents_active": [3.0, None]}),
    "day_staffing_chart": (
        lambda f: capacity_charts.day_staffing_chart(f, channel_label="Chat"),
        {"interval_start_local": [NOON, NOON + dt.timedelta(minutes=30)], "agents_required": [3.0, 4.0],
         "agents_required_busy_day": [4.0, 5.0], "history_agents_required": [2.0, 3.0],
         "workload_handled_erlangs": [2.5, None], "agents_active": [3.0, None]}),
    "requirement_heatmap": (
        lambda f: capacity_charts.requirement_heatmap(capacity_charts.heatmap_frame(f, 30), channel_label="Chat"),
        {"iso_day_of_week": [1, 2], "interval_of_day": [20, 21], "agents_required": [3.0, 0.2],
         "forecast_contacts": [30.0, 2.0], "days": [4, 4]}),
}


def _is_number_column(values: list[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)


def _variant(columns: dict[str, list[Any]], kind: str) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    if kind == "valid":
        return frame
    if kind == "no_rows_untyped":  # what pd.DataFrame(rows, columns=...) gives with no rows: object columns
        return pd.DataFrame(columns=list(columns))
    if kind == "no_rows_typed":
        return frame.iloc[0:0]
    if kind == "numbers_null":  # every figure NULL, as a LEFT JOIN without a match gives
        return frame.assign(**{c: pd.Series([None] * len(frame), dtype=object) for c, v in columns.items()
                               if _is_number_column(v)})
    if kind == "second_row_numbers_null":  # one row measured, the other not
        return frame.assign(**{c: pd.Series([vals[0], None], dtype=object) for c, vals in columns.items()
                               if _is_number_column(vals)})
    if kind == "everything_null":
        return pd.DataFrame({c: pd.Series([None] * len(frame), dtype=object) for c in columns})
    if kind == "null_members":  # the text keys NULL (an unknown intent, a source without the field)
        return frame.assign(**{c: pd.Series([None] * len(frame), dtype=object) for c, v in columns.items()
                               if all(isinstance(x, str) for x in v if x is not None) and c not in
                               {"period", "metric", "outcome", "tone", "episode_path"}})
    if kind == "object_columns":  # every column object dtype (DB-API rows, PostgreSQL through some drivers)
        return frame.astype(object)
    if kind == "decimal_numbers":  # PostgreSQL numeric -> Decimal objects
        return frame.assign(**{c: pd.Series([None if v is None else Decimal(str(v)) for v in vals], dtype=object)
                               for c, vals in columns.items() if _is_number_column(vals)})
    if kind == "pandas_str":  # pandas 3 string columns (NaN for missing)
        return frame.assign(**{c: frame[c].astype("str") for c, v in columns.items()
                               if all(isinstance(x, str) for x in v)})
    raise AssertionError(kind)


VARIANTS = ("valid", "no_rows_untyped", "no_rows_typed", "numbers_null", "second_row_numbers_null",
            "everything_null", "null_members",
            "object_columns", "decimal_numbers", "pandas_str")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_a_builder_draws_or_says_there_is_nothing_to_draw(builder: str, variant: str) -> None:
    draw, columns = BUILDERS[builder]
    frame = _variant(columns, variant)
    try:
        chart = draw(frame)
    except ValueError:
        assert variant != "valid", f"{builder} refused a valid frame"
        return
    spec = chart.to_dict()  # serialises: what st.altair_chart does
    assert spec["datasets"], f"{builder} drew a chart without data from the {variant} frame"


@pytest.mark.parametrize(("number_format", "step"), [(",.0f", 1.0), (".0%", 0.01), ("+.2f", 0.01), (",.1~f", 0.1),
                                                     (".1f", 0.1), ("~s", 1.0)])
def test_axis_ticks_never_step_finer_than_their_format_shows(number_format: str, step: float) -> None:
    assert charts.min_tick_step(number_format) == pytest.approx(step)


def test_small_counts_and_zero_rates_get_distinct_tick_labels() -> None:
    # seen on real data: 3 interactions drew "3 3 2 2 1 1 0", three 0% rates "0% 0% 0% 1% 1% 1%"
    trend = charts.trend_chart(pd.DataFrame({"week_start": [MONDAY], "value": [3.0], "days_in_range": [7]}),
                               label="Interactions", unit="count").to_dict()
    assert trend["layer"][0]["encoding"]["y"]["axis"]["tickMinStep"] == 1
    zero = pd.DataFrame({"member": ["a", "b"], "period": ["current"] * 2, "metric": ["repeat_contact_rate"] * 2,
                         "numerator": [0.0, 0.0], "denominator": [1.0, 1.0], "sum_of_squares": [None, None],
                         "value": [0.0, 0.0]})
    ranked = charts_journeys.ranked_rate_chart(charts_journeys.ranked_frame(zero, REPEAT, 30), member_title="Intent",
                                               metric_label="Repeat contact rate").to_dict()
    x = ranked["layer"][0]["encoding"]["x"]
    assert x["scale"]["domain"] == [0, 0.05] and x["axis"]["tickMinStep"] == 0.01


# charts whose rows are categories (a bar per member): their height is a Step per row. Streamlit fits a fixed
# total height around the legend and the axis too, so three bars in 140 pixels were drawn a few pixels high.
ROW_CHARTS = ("ranked_rate_chart", "paths_chart", "ladder_chart", "intent_rate_chart", "sentiment_handoff_chart",
              "cost_by_path_chart", "end_tone_chart", "rate_by_member_chart", "effort_by_intent_chart",
              "confidence_chart", "odds_ratio_chart", "rule_points_chart", "revenue_bars", "requirement_heatmap")


@pytest.mark.parametrize("builder", ROW_CHARTS)
def test_charts_of_rows_grow_a_step_per_row(builder: str) -> None:
    draw, columns = BUILDERS[builder]
    spec = draw(pd.DataFrame(columns)).to_dict()
    assert isinstance(spec["height"], dict) and spec["height"]["step"] >= 26


@pytest.mark.parametrize(("builder", "channel"), [("end_tone_chart", "x"), ("paths_chart", "x"),
                                                  ("escalations_chart", "y")])
def test_count_axes_step_by_whole_numbers(builder: str, channel: str) -> None:
    # seen on real data: 1 and 2 contacts drew the ticks "0 1 1 2 2 3"
    draw, columns = BUILDERS[builder]
    spec = draw(pd.DataFrame(columns)).to_dict()
    encodings = [layer["encoding"] for layer in spec.get("layer", [spec])]
    assert encodings[0][channel]["axis"]["tickMinStep"] == 1
