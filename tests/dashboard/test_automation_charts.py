"""Chart builders (dashboard.app_pages.automation.charts) and pure helpers (dashboard.app_pages.automation.view) of the
Automation page: spec checks and hand-worked values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from dashboard.app_pages.automation import charts as charts_automation
from dashboard.app_pages.automation import view as automation
from dashboard.charts import OKABE_ITO
from etl.catalog import load_catalog


def _data(spec: dict[str, Any], layer: int = 0) -> list[dict[str, Any]]:
    part = spec["layer"][layer] if "layer" in spec else spec
    name = part.get("data", spec.get("data", {})).get("name")
    return spec["datasets"][name]


def _outcome_frame() -> pd.DataFrame:
    weeks = [pd.Timestamp("2026-06-01"), pd.Timestamp("2026-06-08")]
    rows = []
    for week, days in zip(weeks, [7, 3], strict=True):
        for outcome in charts_automation.OUTCOME_ORDER:
            rows.append({"week_start": week, "outcome": outcome, "outcome_label": outcome.replace("_", " "),
                         "sessions": 10, "share": 0.2, "days_in_range": days})
    return pd.DataFrame(rows)


def test_outcome_chart_stacks_the_five_outcomes_per_week_in_their_colours() -> None:
    spec = charts_automation.outcome_chart(_outcome_frame()).to_dict()
    assert spec["mark"]["type"] == "bar"
    encoding = spec["encoding"]
    assert encoding["y"]["field"] == "share" and encoding["y"]["stack"] == "zero"
    assert encoding["y"]["axis"]["format"] == ".0%"
    assert encoding["color"]["scale"]["range"] == [OKABE_ITO["green"], OKABE_ITO["sky_blue"], OKABE_ITO["orange"],
                                                   OKABE_ITO["vermillion"], OKABE_ITO["purple"]]
    rows = _data(spec)
    # the second week covers 3 days of the range: starred on the axis, said in the tooltip
    assert sorted({r["week_label"] for r in rows}) == ["01 Jun", "08 Jun*"]
    assert any("partial: 3 of 7 days" in r["week_text"] for r in rows)
    assert spec["config"]["axis"]["labelFontSize"] >= 12


def test_outcome_chart_can_show_sessions_and_refuses_an_empty_frame() -> None:
    spec = charts_automation.outcome_chart(_outcome_frame(), as_share=False).to_dict()
    assert spec["encoding"]["y"]["field"] == "sessions"
    with pytest.raises(ValueError):
        charts_automation.outcome_chart(_outcome_frame().assign(sessions=0))


def test_intent_rate_chart_ranks_and_flags_intents_against_the_threshold() -> None:
    frame = pd.DataFrame({"intent": ["billing", "refund", "invoice", "rare"], "value": [0.5, 0.8, 0.2, 0.9],
                          "cases": [100, 40, 200, 5]})
    chart = charts_automation.intent_rate_chart(frame, rate_label="Handoff rate", cases_label="bot sessions",
                                                threshold=0.5, threshold_label="x", min_cases=30,
                                                selected="refund", selection_name="pick")
    spec = chart.to_dict()
    rows = {r["intent"]: r for r in _data(spec)}
    # 0.5 is at the threshold: flagged; 0.9 on 5 sessions is thin, never flagged; 0.2 is below
    assert {i: r["band"] for i, r in rows.items()} == {"billing": "flagged", "refund": "flagged",
                                                       "invoice": "below", "rare": "thin"}
    assert rows["refund"]["value_text"] == "80.0%"
    assert sorted(i for i, r in rows.items() if not r["is_selected"]) == ["billing", "invoice", "rare"]
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == ["rare", "refund", "billing", "invoice"]
    assert bars["encoding"]["color"]["scale"]["range"] == [OKABE_ITO["vermillion"], OKABE_ITO["blue"], "#9AA5B1"]
    assert spec["params"][0]["name"] == "pick" and spec["params"][0]["select"]["fields"] == ["intent"]
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "text", "rule"]
    assert _data(spec, 2)[0]["threshold"] == 0.5


def test_intent_rate_chart_refuses_a_frame_without_rates() -> None:
    with pytest.raises(ValueError):
        charts_automation.intent_rate_chart(pd.DataFrame({"intent": ["a"], "value": [None], "cases": [3]}),
                                            rate_label="r", cases_label="c", threshold=0.5, threshold_label="x",
                                            min_cases=30)


def test_sentiment_chart_puts_the_largest_rise_on_top() -> None:
    frame = pd.DataFrame({"intent": ["a", "b", "c"], "mean_before": [-0.4, 0.3, None],
                          "mean_after": [0.2, 0.1, 0.5], "count_before": [10, 10, 0], "count_after": [8, 9, 4]})
    spec = charts_automation.sentiment_handoff_chart(frame).to_dict()
    dots = spec["layer"][2]
    # a rose by +0.6, b fell by 0.2; c has no "before" and is left out
    assert dots["encoding"]["y"]["sort"] == ["a", "b"]
    assert dots["encoding"]["x"]["scale"]["domain"] == [-1, 1]
    assert {r["mean_text"] for r in _data(spec, 2)} == {"-0.40", "+0.20", "+0.30", "+0.10"}
    with pytest.raises(ValueError):
        charts_automation.sentiment_handoff_chart(frame[frame["intent"] == "c"])


def test_cost_chart_labels_paths_in_order_with_money_in_the_currency() -> None:
    frame = pd.DataFrame({"episode_path": ["human_only", "bot_only", "bot_then_human"], "value": [6.02, 0.62, 6.49],
                          "denominator": [4448, 1293, 1687]})
    spec = charts_automation.cost_by_path_chart(frame, label="Cost per resolved episode", currency="EUR").to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == ["Bot only", "Bot, then a person", "Person only"]
    assert {r["path_label"]: r["value_text"] for r in _data(spec)} == {
        "Person only": "€6.02", "Bot only": "€0.62", "Bot, then a person": "€6.49"}
    assert bars["encoding"]["x"]["title"] == "Cost per resolved episode (EUR)"
    with pytest.raises(ValueError):
        charts_automation.cost_by_path_chart(frame.assign(value=None), label="c")


# ---------------------------------------------------------------- pure helpers of the view


def test_outcome_frame_takes_counts_and_shares_from_the_catalog_metrics() -> None:
    catalog = load_catalog()
    weekly = pd.DataFrame([
        {"metric": name, "week_start": pd.Timestamp("2026-06-01"), "numerator": float(n), "denominator": 20.0,
         "value": n / 20, "days_in_range": 7}
        for name, n in zip(automation.OUTCOME_METRICS.values(), [6, 4, 3, 5, 2], strict=True)
    ])
    frame = automation.outcome_frame(weekly, catalog)
    assert frame["outcome"].tolist() == list(automation.OUTCOME_METRICS)
    # 6 + 4 + 3 + 5 + 2 = 20 sessions, the week's bot sessions
    assert frame["sessions"].sum() == 20
    assert frame.loc[0, "share"] == pytest.approx(0.3)
    assert frame["outcome_label"].tolist() == ["Contained, confirmed", "Contained, unconfirmed",
                                               "Handed off on request", "Handed off by the bot", "Abandoned"]
    assert automation.outcome_frame(pd.DataFrame(), catalog).empty


def test_intent_rates_reads_the_current_period_ranked() -> None:
    by_intent = pd.DataFrame([
        {"member": "a", "period": "current", "metric": "handoff_rate", "numerator": 3, "denominator": 10,
         "value": 0.3},
        {"member": "b", "period": "current", "metric": "handoff_rate", "numerator": 9, "denominator": 10,
         "value": 0.9},
        {"member": "b", "period": "previous", "metric": "handoff_rate", "numerator": 1, "denominator": 10,
         "value": 0.1},
    ])
    frame = automation.intent_rates(by_intent, "handoff_rate")
    assert frame.to_dict("records") == [{"intent": "b", "value": 0.9, "cases": 10},
                                        {"intent": "a", "value": 0.3, "cases": 10}]


def test_flag_tables_say_what_triggered_each_flag() -> None:
    june = dt.date(2026, 6, 1)
    highway = pd.DataFrame([{"period_month": june, "member": "billing", "count_bot_sessions": 80.0,
                             "count_handoffs": 52.0, "handoff_rate": 0.65, "previous_handoff_rate": 0.5,
                             "is_above_threshold": True, "is_rising": True}])
    table = automation.highway_flags_table(highway, 0.5)
    assert table.to_dict("records") == [{"Month": "Jun 2026", "Intent": "billing",
                                         "Triggered by": "≥ 50.0%; rising 50.0% → 65.0%", "Handoff rate": "65.0%",
                                         "Bot sessions": 80}]
    loops = pd.DataFrame([{"period_month": june, "member": "refund", "restatement_rate": None,
                           "previous_restatement_rate": None, "repeat_contact_rate": 0.25,
                           "previous_repeat_contact_rate": 0.2, "is_restatement_above_threshold": False,
                           "is_restatement_rising": False, "is_repeat_above_threshold": True,
                           "is_repeat_rising": True}])
    table = automation.repetition_flags_table(loops, 0.3, 0.2)
    assert table.loc[0, "Triggered by"] == "repeat contacts ≥ 20.0%; repeat contacts rising 20.0% → 25.0%"
    assert table.loc[0, "Restatement"] == "—"


def test_flag_downloads_are_typed_cells() -> None:
    import io

    import openpyxl

    from dashboard.exports import table_xlsx

    loops = pd.DataFrame([{"period_month": dt.date(2026, 6, 1), "member": "=refund", "restatement_rate": None,
                           "previous_restatement_rate": None, "count_handoffs_comparable": 0,
                           "repeat_contact_rate": 0.25, "previous_repeat_contact_rate": 0.2,
                           "count_repeat_eligible_contacts": 1200, "is_restatement_above_threshold": False,
                           "is_restatement_rising": False, "is_repeat_above_threshold": True,
                           "is_repeat_rising": True}])
    frame = automation.repetition_flags_export(loops, 0.3, 0.2)
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(frame, automation.REPETITION_EXPORT_UNITS))).active
    assert sheet is not None
    cells = dict(zip([c.value for c in sheet[1]], sheet[2], strict=True))
    assert cells["Month"].is_date and cells["Month"].value == dt.datetime(2026, 6, 1)
    assert cells["Intent"].value == "'=refund"  # neutralised
    assert cells["Restatement"].value is None  # unknown: empty, never 0
    assert (cells["Repeat contacts"].value, cells["Repeat contacts"].number_format) == (0.25, "0.0%")
    assert (cells["Repeat-eligible contacts"].value, cells["Repeat-eligible contacts"].number_format) == (
        1200, "#,##0")
    assert cells["Repeat contacts at or above 20.0%"].value is True
    assert cells["Restatement rising"].value is False


def test_picked_intent_reads_a_point_selection() -> None:
    assert automation.picked_intent({"selection": {"pick": [{"intent": "billing"}]}}, "pick") == "billing"
    assert automation.picked_intent({"selection": {"pick": {}}}, "pick") is None
    assert automation.picked_intent({"selection": {"pick": {"intent": ["refund"]}}}, "pick") == "refund"
    assert automation.picked_intent(None, "pick") is None


def test_cost_sentence_compares_the_two_human_paths() -> None:
    frame = pd.DataFrame({"episode_path": ["bot_only", "bot_then_human", "human_only"], "value": [0.62, 6.49, 6.02],
                          "denominator": [1293, 1687, 4448]})
    text = automation.cost_sentence(frame, "USD")
    assert text.startswith("A problem that went from the bot to a person cost **$6.49** to resolve, more than one "
                           "a person handled alone (**$6.02**).")
    assert "bot only 1,293" in text
    assert automation.cost_sentence(frame.assign(value=None), "USD") == ""


def test_top_intents_skips_thin_intents() -> None:
    rates = pd.DataFrame({"intent": ["rare", "billing", "refund", "invoice", "faq"],
                          "value": [0.95, 0.904, 0.887, 0.5, 0.1], "cases": [5, 100, 40, 60, 300]})
    # rare has 5 cases (< 30): left out; then the next three by rate
    assert automation.top_intents(rates, 30) == "billing 90.4%, refund 88.7%, invoice 50.0%"
    assert automation.top_intents(rates.iloc[:1], 30) == ""


def test_top_intents_escapes_intent_names_for_markdown() -> None:
    rates = pd.DataFrame({"intent": ["[x](https://evil.example)"], "value": [0.5], "cases": [40]})
    assert automation.top_intents(rates, 30) == "\\[x\\]\\(https\\://evil\\.example\\) 50.0%"
