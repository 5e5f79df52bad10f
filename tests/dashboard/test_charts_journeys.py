"""Chart builders and pure helpers of the Journeys page: figures worked out by hand, spec checks."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.app_pages.journeys import charts as charts_journeys
from dashboard.app_pages.journeys.view import focus_filters, picked_member, settled_weeks
from dashboard.charts import OKABE_ITO
from dashboard.filters import Filters
from etl.catalog import catalog_for

CATALOG = catalog_for({})
REPEAT = CATALOG["repeat_contact_rate"]
RUNGS = {rung: CATALOG[name] for rung, name in {
    "confirmed": "resolution_confirmed_share", "no_return": "resolution_no_return_share",
    "tone_not_negative": "resolution_tone_not_negative_share", "unconfirmed": "resolution_unconfirmed_share"}.items()}


def _by_member() -> pd.DataFrame:
    # a: 3 repeats of 3 contacts (100%, but thin: under 30 cases); b: 20 of 100 = 20%; c: 45 of 150 = 30%;
    # d: no contact judged (no value); c's previous period must be ignored
    return pd.DataFrame({
        "member": ["a", "b", "c", "d", "c"],
        "period": ["current", "current", "current", "current", "previous"],
        "metric": ["repeat_contact_rate"] * 5,
        "numerator": [3.0, 20.0, 45.0, 0.0, 90.0],
        "denominator": [3.0, 100.0, 150.0, 0.0, 100.0],
        "sum_of_squares": [None] * 5,
        "value": [1.0, 0.2, 0.3, None, 0.9],
    })


def _spec(chart: object) -> dict:
    return chart.to_dict()  # type: ignore[attr-defined]


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec["datasets"].values() for row in rows]


def test_ranked_frame_puts_thin_members_last() -> None:
    frame = charts_journeys.ranked_frame(_by_member(), REPEAT, min_cases=30)
    # c 30% and b 20% have enough cases, worst first; a (3 contacts) is thin although its 100% is the highest
    assert frame["member"].tolist() == ["c", "b", "a"]
    assert frame["is_thin"].tolist() == [False, False, True]
    assert frame["value"].tolist() == pytest.approx([0.3, 0.2, 1.0])
    assert frame["cases"].tolist() == [150.0, 100.0, 3.0]
    assert frame["label"].tolist() == ["30.0% · 150 contacts", "20.0% · 100 contacts", "100.0% · 3 contacts · thin"]
    assert charts_journeys.ranked_frame(_by_member(), REPEAT, min_cases=30, top=1)["member"].tolist() == ["c"]
    assert charts_journeys.ranked_frame(pd.DataFrame(), REPEAT, min_cases=30).empty


def test_ranked_chart_is_clickable_and_marks_the_choice() -> None:
    frame = charts_journeys.ranked_frame(_by_member(), REPEAT, min_cases=30)
    spec = _spec(charts_journeys.ranked_rate_chart(frame, member_title="Intent", metric_label="Repeat contact rate",
                                                   overall=0.25, selected="b"))
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert params[0]["name"] == charts_journeys.SELECTION
    assert params[0]["select"]["fields"] == ["member"]
    states = {row["member"]: row["state"] for row in _rows(spec) if "state" in row}
    assert states == {"c": "Enough cases", "b": "Chosen", "a": "Thin (too few cases)"}
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["color"]["scale"]["range"] == [OKABE_ITO["blue"], OKABE_ITO["vermillion"],
                                                           charts_journeys.MUTED]
    assert bars["encoding"]["y"]["sort"] == ["c", "b", "a"]
    assert spec["config"]["axis"]["labelFontSize"] >= 12
    assert any(row.get("value") == 0.25 and "text" in row for row in _rows(spec))  # the overall rule
    with pytest.raises(ValueError):
        charts_journeys.ranked_rate_chart(frame.head(0), member_title="Intent", metric_label="Repeat contact rate")


def test_path_kind() -> None:
    assert charts_journeys.path_kind("chat") == "One contact"
    assert charts_journeys.path_kind("voice>voice") == "Came back on the same channel"
    assert charts_journeys.path_kind("chat>voice>chat") == "Switched channel"


def test_paths_frame_and_chart() -> None:
    paths = pd.DataFrame({
        "channel_path": ["chat", "chat>voice"], "episodes": [10, 5], "resolved_episodes": [3, 0],
        # chat: 3 resolved of 4 known = 75%; chat>voice: none known yet, no rate
        "determined_episodes": [4, 0], "censored_episodes": [6, 5], "undetermined_episodes": [0, 0],
    })
    frame = charts_journeys.paths_frame(paths)
    assert frame["resolution_rate"].tolist()[0] == pytest.approx(0.75)
    assert pd.isna(frame["resolution_rate"].iloc[1])
    assert frame["path_text"].tolist() == ["chat", "chat → voice"]
    assert frame["label"].tolist() == ["10 · 75% resolved", "5 · — resolved"]
    assert frame["kind"].tolist() == ["One contact", "Switched channel"]
    spec = _spec(charts_journeys.paths_chart(frame))
    bars = spec["layer"][0]
    assert bars["encoding"]["color"]["scale"]["range"] == [OKABE_ITO["blue"], OKABE_ITO["sky_blue"],
                                                           OKABE_ITO["orange"]]
    assert bars["encoding"]["y"]["sort"] == ["chat", "chat → voice"]
    assert len(_spec(charts_journeys.paths_chart(frame, top=1))["datasets"]) == 1
    with pytest.raises(ValueError):
        charts_journeys.paths_chart(frame.head(0))


def _ladder_figures(shares: list[float], determined: int) -> pd.DataFrame:
    return pd.DataFrame({
        "period": ["current"] * 4,
        "metric": [m.name for m in RUNGS.values()],
        "numerator": [share * determined for share in shares],
        "denominator": [float(determined)] * 4,
        "value": shares,
    })


def test_ladder_frame_stacks_the_rungs_in_order() -> None:
    # 40 confirmed, 35 no return, 15 tone not negative, 10 unconfirmed of 100 known
    frame = charts_journeys.ladder_frame({"All episodes": _ladder_figures([0.4, 0.35, 0.15, 0.1], 100)}, RUNGS)
    assert frame["rung"].tolist() == ["confirmed", "no_return", "tone_not_negative", "unconfirmed"]
    assert frame["rung_label"].tolist() == [m.label for m in RUNGS.values()]
    assert frame["episodes"].tolist() == [40, 35, 15, 10]
    # cumulative: 0.4, 0.75, 0.9, 1.0; the second segment runs 0.4-0.75, middle 0.575
    assert frame["end"].tolist() == pytest.approx([0.4, 0.75, 0.9, 1.0])
    assert frame["start"].tolist() == pytest.approx([0.0, 0.4, 0.75, 0.9])
    assert frame["middle"].tolist()[1] == pytest.approx(0.575)


def test_ladder_chart_two_groups_and_small_labels_hidden() -> None:
    frame = charts_journeys.ladder_frame({
        "All episodes": _ladder_figures([0.4, 0.35, 0.15, 0.1], 100),
        "Intent x": _ladder_figures([0.5, 0.46, 0.03, 0.01], 100),
    }, RUNGS)
    spec = _spec(charts_journeys.ladder_chart(frame, {rung: m.label for rung, m in RUNGS.items()}))
    rows = _rows(spec)
    inside = {(row["group"], row["rung"]): row["inside"] for row in rows}
    assert inside[("Intent x", "tone_not_negative")] == ""  # 3% is too thin a segment for its label
    assert inside[("Intent x", "confirmed")] == "50.0%"
    bars = spec["layer"][0]
    assert bars["encoding"]["color"]["scale"]["range"] == [OKABE_ITO["green"], OKABE_ITO["sky_blue"],
                                                           OKABE_ITO["orange"], OKABE_ITO["vermillion"]]
    assert bars["encoding"]["y"]["sort"] == ["All episodes", "Intent x"]
    with pytest.raises(ValueError):
        charts_journeys.ladder_chart(frame.head(0), {})


def test_ladder_of_a_group_without_figures_is_left_out_and_an_all_empty_ladder_is_refused() -> None:
    # issue 11: on the help-desk log, the Twitter sample and ABCD the chosen intent had no episode whose outcome
    # is known; its period figures came back empty (or with every share NULL) and the stacking crashed with
    # "cumsum is not supported for object dtype"
    labels = {rung: m.label for rung, m in RUNGS.items()}
    all_null = _ladder_figures([0.0] * 4, 0).assign(value=[None] * 4, numerator=[None] * 4, denominator=[None] * 4)
    frame = charts_journeys.ladder_frame({"All episodes": _ladder_figures([0.5, 0.5, 0.0, 0.0], 10),
                                          "Intent x": pd.DataFrame(), "Intent y": all_null}, RUNGS)
    assert frame["group"].unique().tolist() == ["All episodes"]
    # 5 of 10 confirmed, 5 of 10 no return: segments 0-0.5 and 0.5-1.0, then two of width 0 at 1.0
    assert frame["end"].tolist() == pytest.approx([0.5, 1.0, 1.0, 1.0])
    assert frame["episodes"].tolist() == [5, 5, 0, 0]
    nothing = charts_journeys.ladder_frame({"All episodes": pd.DataFrame(), "Intent y": all_null}, RUNGS)
    assert nothing.empty
    assert nothing["share"].dtype == "float64" and nothing["end"].dtype == "float64"
    with pytest.raises(ValueError, match="no episodes whose outcome is known"):
        charts_journeys.ladder_chart(nothing, labels)


def test_settled_weeks_drop_weeks_whose_windows_are_open() -> None:
    weeks = pd.DataFrame({"week_start": pd.to_datetime(["2026-11-02", "2026-11-09", "2026-11-16"]),
                          "value": [0.8, 0.7, 0.1]})
    # last day 21 Nov, window 7: the week of 2 Nov ends Sun 8 Nov, + 7 = 15 Nov <= 21 Nov: kept;
    # the week of 9 Nov ends 15 Nov, + 7 = 22 Nov > 21 Nov: left out, and so is the week of 16 Nov
    kept = settled_weeks(weeks, dt.date(2026, 11, 21), 7)
    assert kept["week_start"].tolist() == [pd.Timestamp("2026-11-02")]
    assert len(settled_weeks(weeks, dt.date(2026, 11, 22), 7)) == 2  # 22 Nov: the week of 9 Nov settles
    assert settled_weeks(weeks, None, 7) is weeks


def test_focus_filters_and_picked_member() -> None:
    filters = Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31), channels=("chat",))
    assert focus_filters(filters, "intent", None) is filters
    narrowed = focus_filters(filters, "intent", "billing")
    assert narrowed.intents == ("billing",) and narrowed.channels == ("chat",)
    assert focus_filters(filters, "team", "Tier 1").teams == ("Tier 1",)
    assert picked_member({"selection": {"pick": [{"member": "billing"}]}}) == "billing"
    assert picked_member({"selection": {"pick": {"member": ["refunds"]}}}) == "refunds"
    assert picked_member({"selection": {"pick": []}}) is None
    assert picked_member(None) is None
