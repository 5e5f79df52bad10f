"""The Automation page through AppTest on the demo warehouse: figures checked against independent queries of
the marts written here, a changed filter, the intent drill-down and an empty period."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from dashboard.app_pages.automation import view as automation
from dashboard.data import reader_for

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGE = "app_pages/automation/page.py"


def _app(monkeypatch: pytest.MonkeyPatch, url: str, params: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE)
    return at.run()


def _texts(elements: object) -> str:
    return " ".join(str(element.value) for element in elements)  # type: ignore[attr-defined]


def _tiles(at: AppTest) -> list[tuple[str, str]]:
    return [(metric.label.removesuffix(" (few cases)"), metric.value) for metric in at.metric]


def _query(url: str, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    return reader_for(url).query_df(sql, params)


def _default_period(url: str) -> tuple[dt.date, dt.date]:
    """The app's default: the last 90 days ending on the last day of marts.service_daily."""
    last = pd.Timestamp(_query(url, "select max(date_day) as d from marts.service_daily").iat[0, 0]).date()
    return last - dt.timedelta(days=89), last


def _percent(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator * 100:.1f}%"


def _charts(at: AppTest) -> list[tuple[dict[str, Any], list[pd.DataFrame]]]:
    """Each chart's spec with its datasets (Streamlit sends a chart's data beside the spec, as Arrow), the
    dataset of the spec's first layer first."""
    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        frames = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets}
        names = [part.get("data", {}).get("name") for part in [spec, *spec.get("layer", [])]]
        ordered = [frames[n] for n in dict.fromkeys(names) if n in frames]
        out.append((spec, ordered + [f for n, f in frames.items() if n not in names]))
    return out


def _chart_with(at: AppTest, column: str) -> pd.DataFrame:
    """The data of the one chart whose main dataset has `column`."""
    found = [frames[0] for _, frames in _charts(at) if frames and column in frames[0].columns]
    assert len(found) == 1, f"{len(found)} charts with {column}"
    return found[0]


def _rate_chart(at: AppTest, rate_label: str) -> pd.DataFrame:
    for spec, frames in _charts(at):
        layers = spec.get("layer", [])
        if layers and layers[0].get("encoding", {}).get("x", {}).get("title") == rate_label:
            return frames[0]
    raise AssertionError(f"no chart of {rate_label}")


def test_default_filters_show_every_part_with_the_marts_figures(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str
) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    assert "Automation" in _texts(at.title)
    headers = _texts(at.subheader)
    for heading in ("Which intents does the bot hand off most?", "Did customers have to repeat themselves?",
                    "What did the bot do with each session?", "Did the customer's mood change at the handoff?",
                    "What does a resolution cost on each path?"):
        assert heading in headers
    assert len(at.get("vega_lite_chart")) == 5

    start, end = _default_period(demo_warehouse_url)
    sums = _query(demo_warehouse_url, (
        "select sum(count_bot_sessions) as sessions, sum(count_handoffs) as handoffs,"
        " sum(count_truly_contained) as truly, sum(count_bot_sessions_return_known) as known,"
        " sum(count_contained) as contained, sum(count_restatements) as restated,"
        " sum(count_handoffs_restatement_comparable) as comparable"
        " from marts.automation_daily where date_day between :start and :end"), {"start": start, "end": end}).iloc[0]
    tiles = dict(_tiles(at))
    # each tile is a ratio of the mart's sums over the 90 days, e.g. handoff rate = handoffs / bot sessions
    assert tiles["Handoff rate"] == _percent(sums["handoffs"], sums["sessions"])
    assert tiles["True containment"] == _percent(sums["truly"], sums["known"])
    assert tiles["Bot containment"] == _percent(sums["contained"], sums["sessions"])
    assert tiles["Restatement after handoff"] == _percent(sums["restated"], sums["comparable"])
    assert f"**{int(sums['sessions']):,} bot sessions**" in _texts(at.markdown)

    # the Handoff Highway: one bar per intent with bot sessions, highest rate first, flagged at or above the
    # [signals] threshold (0.5 by default) when the intent has at least min_cases (30) sessions
    by_intent = _query(demo_warehouse_url, (
        "select intent, sum(count_handoffs) as handoffs, sum(count_bot_sessions) as sessions"
        " from marts.automation_daily where date_day between :start and :end group by intent"
        " having sum(count_bot_sessions) > 0"), {"start": start, "end": end})
    by_intent["rate"] = by_intent["handoffs"] / by_intent["sessions"]
    rows = _rate_chart(at, "Handoff rate")
    assert set(rows["intent"]) == set(by_intent["intent"])
    top = by_intent[by_intent["sessions"] >= 30].sort_values("rate", ascending=False).iloc[0]
    bars = {r["intent"]: r for r in rows.to_dict("records")}
    assert bars[top["intent"]]["value_text"] == _percent(top["handoffs"], top["sessions"])
    # the answer at a glance names it first
    # (the intent escaped for Markdown: an underscore as "\_")
    top_name = top["intent"].replace("_", "\\_")
    assert f"**Handed off most:** {top_name} {_percent(top['handoffs'], top['sessions'])}" in _texts(at.markdown)
    for record in by_intent.itertuples():
        expected = "flagged" if record.sessions >= 30 and record.rate >= 0.5 else (
            "thin" if record.sessions < 30 else "below")
        assert bars[record.intent]["band"] == expected

    # the flags: every flagged intent-month of the months the 90 days touch, in the tab's count
    flagged = _query(demo_warehouse_url, (
        "select count(*) as n from marts.signal_handoff_highway_monthly where dimension = 'intent' and is_flagged"
        " and period_month between :first and :last"), {"first": start.replace(day=1), "last": end.replace(day=1)})
    count = int(flagged.iat[0, 0])
    assert count > 0
    tables = [element.value for element in at.dataframe]
    highway = next(t for t in tables if "Handoff rate" in t.columns)
    assert len(highway) == min(count, 50)
    assert set(highway["Triggered by"]) <= {"≥ 50.0%"} | {t for t in highway["Triggered by"] if "rising" in t}
    assert any("Repetition Loop" in t.columns or "Restatement" in t.columns for t in tables)

    # cost per resolution by path: cost of resolved episodes / resolved episodes, in dollars
    cost = _query(demo_warehouse_url, (
        "select episode_path, sum(sum_resolved_episode_cost_amount) as cost,"
        " sum(count_resolved_episodes_costed) as episodes from marts.cost_episodes_daily"
        " where date_day between :start and :end group by episode_path"), {"start": start, "end": end})
    cost_rows = _chart_with(at, "episode_path")
    shown = dict(zip(cost_rows["episode_path"], cost_rows["value_text"], strict=True))
    for record in cost.itertuples():
        assert shown[record.episode_path] == f"${record.cost / record.episodes:,.2f}"


def test_a_segment_filter_changes_the_figures(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    start, end = _default_period(demo_warehouse_url)
    segments = _query(demo_warehouse_url, (
        "select segment, sum(count_bot_sessions) as sessions, sum(count_handoffs) as handoffs"
        " from marts.automation_daily where date_day between :start and :end group by segment"
        " having sum(count_bot_sessions) > 0 order by sessions desc"), {"start": start, "end": end})
    largest = segments.iloc[0]
    at.multiselect(key="filter_segment").set_value([largest["segment"]])
    at.run()
    assert not at.exception
    tiles = dict(_tiles(at))
    assert tiles["Handoff rate"] == _percent(largest["handoffs"], largest["sessions"])
    # even the largest segment holds fewer bot sessions than all segments together
    assert f"**{int(largest['sessions']):,} bot sessions**" in _texts(at.markdown)
    assert largest["sessions"] < segments["sessions"].sum()
    assert _chart_with(at, "outcome")["sessions"].sum() == largest["sessions"]


def test_choosing_an_intent_filters_the_outcomes_and_shows_its_figures(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str
) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    all_sessions = _chart_with(at, "outcome")["sessions"].sum()
    start, end = _default_period(demo_warehouse_url)
    intent = "password_reset"
    sums = _query(demo_warehouse_url, (
        "select sum(count_bot_sessions) as sessions, sum(count_handoffs) as handoffs,"
        " sum(count_restatements) as restated, sum(count_handoffs_restatement_comparable) as comparable"
        " from marts.automation_daily where date_day between :start and :end and intent = :intent"),
        {"start": start, "end": end, "intent": intent}).iloc[0]

    at.selectbox(key=automation.INTENT_KEY).set_value(intent)
    at.run()
    assert not at.exception
    tiles = _tiles(at)
    # the drill-down row follows the six headline tiles: bot sessions, handoff rate, restatement, true containment
    drill = dict(tiles[6:])
    assert drill["Bot sessions"] == f"{int(sums['sessions']):,}"
    assert drill["Handoff rate"] == _percent(sums["handoffs"], sums["sessions"])
    assert drill["Restatement after handoff"] == _percent(sums["restated"], sums["comparable"])
    # the five outcomes add up to the intent's bot sessions: every session has exactly one outcome
    assert _chart_with(at, "outcome")["sessions"].sum() == sums["sessions"]
    assert sums["sessions"] < all_sessions
    assert intent.replace("_", "\\_") in _texts(at.caption)


def test_a_period_without_data_says_so(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"start": "2001-01-01", "end": "2001-01-31"})
    assert not at.exception
    assert "No bot sessions match these filters" in _texts(at.info)
    assert not at.get("vega_lite_chart")
