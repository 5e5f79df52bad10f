"""The Experience page's chart builders (spec checks) and its pure helpers, on hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.app_pages.experience import charts as charts_experience
from dashboard.app_pages.experience.view import agents_table, effort_frame, member_rates, model_summary
from etl.catalog import load_catalog


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec["datasets"].values() for row in rows]


def _marks(spec: dict) -> list[str]:
    return [layer["mark"]["type"] for layer in spec.get("layer", [spec])]


@pytest.fixture(scope="module")
def catalog() -> dict:
    return load_catalog()


def test_end_tone_bars_are_labelled_with_count_and_share() -> None:
    counts = pd.DataFrame({"tone": ["negative", "neutral", "positive"], "contacts": [20, 30, 50]})
    spec = charts_experience.end_tone_chart(counts).to_dict()
    assert _marks(spec) == ["bar", "text"]
    labels = {row["tone_label"]: row["label"] for row in _rows(spec)}
    # 20 / (20 + 30 + 50) = 20 %, 30 / 100 = 30 %, 50 / 100 = 50 %
    assert labels == {"Negative": "20 (20%)", "Neutral": "30 (30%)", "Positive": "50 (50%)"}
    colours = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colours["domain"] == ["Negative", "Neutral", "Positive"]
    assert colours["range"][0] == charts_experience.OKABE_ITO["vermillion"]


def test_end_tone_without_contacts_refuses() -> None:
    with pytest.raises(ValueError):
        charts_experience.end_tone_chart(pd.DataFrame({"tone": [], "contacts": []}))


def test_weekly_tones_are_shares_of_each_week() -> None:
    weekly = pd.DataFrame({
        "week_start": pd.to_datetime(["2026-08-03", "2026-08-03", "2026-08-10", "2026-08-10", "2026-08-10"]),
        "tone": ["negative", "positive", "negative", "neutral", "positive"],
        "contacts": [1, 3, 2, 2, 4],
    })
    spec = charts_experience.weekly_tone_chart(weekly).to_dict()
    shares = {(row["week_label"], row["tone"]): row["share"] for row in _rows(spec)}
    # week of 3 Aug: 1 of 4 negative, 3 of 4 positive; week of 10 Aug: 2, 2, 4 of 8
    assert shares == {("03 Aug", "negative"): 0.25, ("03 Aug", "positive"): 0.75, ("10 Aug", "negative"): 0.25,
                      ("10 Aug", "neutral"): 0.25, ("10 Aug", "positive"): 0.5}
    assert spec["encoding"]["y"]["stack"] == "normalize"
    assert spec["encoding"]["x"]["sort"] == ["03 Aug", "10 Aug"]


def test_rate_by_member_marks_thin_members_and_draws_the_target() -> None:
    frame = pd.DataFrame({"member": ["Billing", "Onboarding"], "value": [0.6, 0.9], "cases": [40, 5],
                          "is_thin": [False, True]})
    spec = charts_experience.rate_by_member_chart(frame, member_label="Team", value_label="Recovered", target=0.5,
                                                  direction="higher_is_better", cases_label="Started negative")
    spec = spec.to_dict()
    assert _marks(spec) == ["bar", "text", "rule"]
    rows = [row for row in _rows(spec) if "member_text" in row]
    assert {row["member_text"] for row in rows} == {"Billing", "Onboarding (thin)"}
    # the thin member goes last although its rate is higher
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Billing", "Onboarding (thin)"]
    assert {row["label"] for row in rows} == {"60% of 40", "90% of 5"}
    assert any(row.get("text") == "Target ≥ 50.0%" for row in _rows(spec))


def test_effort_dots_put_the_hardest_intent_first_and_hollow_thin_surveys() -> None:
    frame = pd.DataFrame({
        "intent": ["billing", "password", "outage"], "survey": [4.0, 6.0, None], "survey_answers": [40, 3, 0],
        "survey_thin": [False, True, True], "inferred": [4.8, 5.5, 4.5], "inferred_contacts": [400, 300, 100],
    })
    spec = charts_experience.effort_by_intent_chart(frame, target=5.0).to_dict()
    assert _marks(spec) == ["rule", "line", "point"]
    dots = spec["layer"][2]["encoding"]
    # sorted by survey, else inferred: billing 4.0, outage 4.5 (inferred), password 6.0
    assert dots["y"]["sort"] == ["billing", "outage", "password"]
    measures = {(row["intent"], row["measure"]): row for row in _rows(spec) if "measure" in row}
    assert ("outage", charts_experience.SURVEY) not in measures  # no survey answer: no dot
    assert measures[("password", charts_experience.SURVEY)]["is_thin"] is True
    assert measures[("password", charts_experience.SURVEY)]["cases_text"] == "3 answers (thin)"
    assert measures[("billing", charts_experience.INFERRED)]["score_text"] == "4.80 / 7"
    scale = spec["layer"][1]["encoding"]["x"]["scale"]
    # 4.0 - 0.3 = 3.7 and 6.0 + 0.3 = 6.3, widened to hold the target 5.0 +- 0.2 (already inside)
    assert scale["domain"] == pytest.approx([3.7, 6.3])
    assert scale["zero"] is False


def test_confidence_bars_stack_the_four_rungs_in_ladder_order() -> None:
    rungs = list(charts_experience.CONFIDENCE_RUNGS)
    frame = pd.DataFrame({"member": ["All episodes"] * 4, "metric": rungs, "value": [0.4, 0.3, 0.2, 0.1],
                          "cases": [100] * 4})
    labels = {name: name.replace("_", " ") for name in rungs}
    spec = charts_experience.confidence_chart(frame, labels).to_dict()
    assert _marks(spec) == ["bar", "text"]
    rows = _rows(spec)
    assert [row["rung_order"] for row in rows] == [0, 1, 2, 3]
    assert {row["member_text"] for row in rows} == {"All episodes (100)"}
    # labels only where the segment is wide enough (6 % or more)
    assert [row["label"] for row in rows] == ["40%", "30%", "20%", "10%"]
    assert spec["layer"][0]["encoding"]["x"]["stack"] == "zero"


def test_member_rates_marks_thin_teams(catalog: dict) -> None:
    figures = pd.DataFrame({
        "member": ["A", "B", "A"], "metric": ["negative_start_recovery_rate"] * 3,
        "period": ["current", "current", "previous"], "numerator": [15, 2, 1], "denominator": [30, 4, 2],
        "value": [0.5, 0.5, 0.5],
    })
    out = member_rates(figures, catalog["negative_start_recovery_rate"], min_cases=30)
    assert out["member"].tolist() == ["A", "B"]
    assert out["cases"].tolist() == [30, 4]
    assert out["is_thin"].tolist() == [False, True]  # 30 is enough, 4 is not


def test_agents_table_divides_the_counts_and_marks_thin_agents(catalog: dict) -> None:
    frame = pd.DataFrame({"agent_name": ["Ann", "Bo"], "team_name": ["Billing", "Billing"],
                          "count_contacts": [100, 10], "count_negative_start": [40, 0], "count_recovered": [30, 0]})
    table = agents_table(frame, catalog["negative_start_recovery_rate"], min_cases=30)
    # 30 / 40 = 75 %; Bo has no negative start: no rate, and 0 < 30 cases is thin
    assert table["Recovered (%)"].tolist()[0] == pytest.approx(75.0)
    assert pd.isna(table["Recovered (%)"].tolist()[1])
    assert table["Agent"].tolist() == ["Ann", "Bo (thin)"]
    assert table["Started negative"].tolist() == [40, 0]


def test_effort_frame_pairs_survey_and_inferred_per_intent(catalog: dict) -> None:
    figures = pd.DataFrame({
        "member": ["billing", "billing", "setup"], "metric": ["ces", "inferred_effort_score", "inferred_effort_score"],
        "period": ["current"] * 3, "numerator": [160.0, 480.0, 50.0], "denominator": [40.0, 100.0, 10.0],
        "value": [4.0, 4.8, 5.0],
    })
    frame = effort_frame(figures, catalog["ces"], min_cases=30)
    billing, setup = frame.to_dict("records")
    assert (billing["survey"], billing["survey_answers"], billing["survey_thin"]) == (4.0, 40.0, False)
    assert (billing["inferred"], billing["inferred_contacts"]) == (4.8, 100.0)
    assert pd.isna(setup["survey"]) and setup["survey_answers"] == 0 and setup["survey_thin"]


def test_model_summary_reads_the_fit_or_its_absence() -> None:
    assert model_summary(pd.DataFrame()) is None
    model = pd.DataFrame({
        "status": ["insufficient_data"], "reason": ["3 contacts with a CES answer, fewer than the 50 needed"],
        "fitted_at": [pd.Timestamp("2026-11-01")], "n_ces_contacts": [3], "n_train": [0], "n_heldout": [0],
        "r_squared": [None], "heldout_mae": [None], "heldout_rmse": [None], "baseline_heldout_mae": [None],
    })
    summary = model_summary(model)
    assert summary is not None
    assert summary["status"] == "insufficient_data" and summary["heldout_mae"] is None
    assert summary["reason"].startswith("3 contacts")
