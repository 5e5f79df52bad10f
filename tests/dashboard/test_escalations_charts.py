"""Chart builders and pure helpers of the Escalations page."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.app_pages.escalations import charts
from dashboard.app_pages.escalations import view as page
from dashboard.charts import PALETTE


def _weekly() -> pd.DataFrame:
    # two weeks, eight members: a..h with totals a 20, b 18, c 16, d 14, e 12, f 10, g 3, h 2
    rows = []
    totals = {"a": 20, "b": 18, "c": 16, "d": 14, "e": 12, "f": 10, "g": 3, "h": 2}
    for member, total in totals.items():
        rows.append({"week_start": pd.Timestamp("2026-10-05"), "member": member, "count_escalations": total - 1})
        rows.append({"week_start": pd.Timestamp("2026-10-12"), "member": member, "count_escalations": 1})
    return pd.DataFrame(rows)


def test_top_members_are_the_six_largest_over_the_period() -> None:
    assert charts.top_members(_weekly()) == ("a", "b", "c", "d", "e", "f")
    assert charts.top_members(_weekly().iloc[:0]) == ()


def test_lumping_sums_the_rest_into_other_and_keeps_the_total() -> None:
    lumped = charts.lump_members(_weekly(), charts.top_members(_weekly()))
    other = lumped[lumped["member"] == charts.OTHER].set_index("week")["count_escalations"]
    # g and h: week 1 (3-1) + (2-1) = 3, week 2 1 + 1 = 2
    assert other.to_dict() == {"2026-10-05": 3, "2026-10-12": 2}
    assert int(lumped["count_escalations"].sum()) == 20 + 18 + 16 + 14 + 12 + 10 + 3 + 2
    assert lumped.loc[lumped["member"] == charts.OTHER, "member_order"].unique().tolist() == [6]


def test_the_chart_stacks_weeks_by_member_with_a_point_selection_and_svg() -> None:
    lumped = charts.lump_members(_weekly(), charts.top_members(_weekly()))
    spec = charts.escalations_chart(lumped, breakdown_label="Reason").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["field"] == "week"
    assert spec["encoding"]["y"]["field"] == "count_escalations"
    assert spec["encoding"]["color"]["title"] == "Reason"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["a", "b", "c", "d", "e", "f", "other"]
    assert spec["encoding"]["color"]["scale"]["range"] == [*PALETTE[:6], charts.OTHER_COLOUR]
    assert spec["params"][0]["name"] == charts.SELECTION
    assert spec["params"][0]["select"]["fields"] == ["week", "member"]
    assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
    assert spec["config"]["axis"]["labelFontSize"] >= 12


def test_an_empty_frame_is_refused() -> None:
    with pytest.raises(ValueError):
        charts.escalations_chart(charts.lump_members(_weekly().iloc[:0], ()), breakdown_label="Reason")


def test_selected_point_reads_the_streamlit_event() -> None:
    assert charts.selected_point({"drill": [{"week": "2026-10-05", "member": "a"}]}) == ("2026-10-05", "a")
    assert charts.selected_point({"drill": []}) is None
    assert charts.selected_point({}) is None
    assert charts.selected_point(None) is None


def test_drill_from_params_needs_the_current_breakdown_and_a_date() -> None:
    params = {"drill_by": "reason", "drill_week": "2026-10-05", "drill_member": "bot handoff"}
    assert page.drill_from_params(params, "reason") == ("2026-10-05", "bot handoff")
    assert page.drill_from_params(params, "trigger") is None
    assert page.drill_from_params({**params, "drill_week": "not a date"}, "reason") is None
    # a date Python reads in another spelling is written back the way the chart names weeks
    assert page.drill_from_params({**params, "drill_week": "20261005"}, "reason") == ("2026-10-05", "bot handoff")


def test_the_drill_round_trips_through_its_query_parameters() -> None:
    drill = ("2026-10-05", "bot handoff")
    params = page.drill_params("trigger", drill)
    assert params == {"drill_by": "trigger", "drill_week": "2026-10-05", "drill_member": "bot handoff"}
    assert page.drill_from_params(params, "trigger") == drill
    assert page.drill_params("reason", None) == {}
    assert page.breakdown_from_params(params) == "trigger"
    assert page.breakdown_from_params({"drill_by": "'; drop table x"}) == "reason"
    assert page.breakdown_from_params({}) == "reason"


def test_a_click_wins_a_click_taken_back_shows_nothing_else_the_link() -> None:
    link, click = ("2026-10-05", "a"), ("2026-10-12", "b")
    assert page.chosen(click, None, link) == click
    assert page.chosen(None, None, link) == link  # opened from a link, nothing clicked yet
    assert page.chosen(None, click, link) is None  # the bar clicked again: the drill is taken back
    assert page.chosen(None, None, None) is None


def test_an_id_from_a_link_is_shown_shortened() -> None:
    assert page.shown_id("I-1") == "I-1"
    assert page.shown_id("x" * 500) == "x" * page.SHOWN_ID_LENGTH + "…"


def test_sentiment_text() -> None:
    assert page.sentiment_text(-0.4588, "negative") == "-0.46 (negative)"
    assert page.sentiment_text(None, None) == "—"
    assert page.sentiment_text(float("nan"), "neutral") == "—"


def test_journey_frame_marks_this_contact() -> None:
    frame = pd.DataFrame({"interaction_id": ["X1", "X2"], "created_at": ["2026-10-01 10:00", "2026-10-02 11:00"],
                          "channel": ["chat", "voice"], "intent": ["billing", "billing"], "status": ["solved", "open"],
                          "is_escalated": [False, True], "service_path": ["human_only", "human_only"]})
    journey = page.journey_frame(frame, "X2")
    assert journey[""].tolist() == ["", "▶ this"]
    assert journey["Escalated"].tolist() == [False, True]


def test_the_list_shows_sentiment_start_to_end_in_one_column_and_triggers_in_words() -> None:
    frame = pd.DataFrame({
        "interaction_id": ["X1", "X2"], "created_at": ["2026-10-01 10:00", "2026-10-02 11:00"],
        "channel": ["chat", "chat"], "intent": ["billing", "billing"], "queue_name": ["Q", "Q"],
        "team_name": ["T", "T"], "reason": ["bot handoff", "tag:escalated"],
        "primary_trigger": ["customer_request", "other"], "customer_sentiment_start": [-0.3182, None],
        "customer_sentiment_end": [0.1701, None], "is_restatement": [True, None], "is_sla_breached": [False, True],
    })
    table = page.list_frame(frame)
    assert table[page.SENTIMENT_HEADER].tolist() == ["-0.32 → +0.17", "—"]
    assert table["Primary trigger"].tolist() == ["customer asked for a person", "other"]
    assert "Sentiment end" not in table.columns and table.columns[-1] == "Interaction"
