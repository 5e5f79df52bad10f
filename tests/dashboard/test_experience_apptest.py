"""The Experience page through AppTest on the demo warehouse, its figures checked against queries written here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from etl.warehouse import open_reader

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGE = "app_pages/experience/page.py"
# The whole demo (six months to 2026-10-31), so that agents have enough negative starts to be ranked.
WHOLE = {"start": "2026-05-01", "end": "2026-10-31"}
MIN_CASES = 30  # the settings' default [metrics] min_cases


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


def _metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label.removesuffix(" (thin)") == label]
    assert values, f"no tile {label!r} in {[m.label for m in at.metric]}"
    return str(values[0])


def _one(url: str, sql: str, params: dict[str, object]) -> pd.DataFrame:
    return open_reader(url).query_df(sql, params)


def _csat_text(url: str, channel: str | None = None) -> str:
    frame = _one(url, "select sum(count_csat_satisfied) as satisfied, sum(count_csat_responses) as answers"
                      " from marts.service_daily where date_day between :start and :end"
                      " and (:channel = '' or channel = :channel)", {**WHOLE, "channel": channel or ""})
    satisfied, answers = float(frame.iat[0, 0]), float(frame.iat[0, 1])
    return f"{satisfied / answers * 100:.1f}%"


def _chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The data of every chart on the page (Streamlit sends a chart's data beside its spec, as Arrow)."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        assert json.loads(chart.proto.spec)["config"]
        frames += [convert_arrow_bytes_to_pandas_df(dataset.data.data) for dataset in chart.proto.datasets]
    return frames


def _tone_rows(at: AppTest) -> dict[str, int]:
    for frame in _chart_frames(at):
        if {"tone_label", "label"} <= set(frame.columns) and "week_label" not in frame.columns:
            return {str(t): int(c) for t, c in zip(frame["tone"], frame["contacts"], strict=True)}
    raise AssertionError("no end-tone chart")


def test_experience_on_the_demo_warehouse(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, WHOLE)
    assert not at.exception
    assert "Experience" in _texts(at.title)
    headers = _texts(at.header)
    for heading in ("How customers feel", "How hard it was", "Can we be confident we solved it?"):
        assert heading in headers
    subheaders = _texts(at.subheader)
    for heading in ("Tone when the customer left", "Weekly mix of end tones", "Recovery from a negative start",
                    "Survey CES and inferred effort by intent"):
        assert heading in subheaders
    # end tone, weekly mix, recovery trend, recovery by team, effort by intent, confidence ladder
    assert len(at.get("vega_lite_chart")) == 6

    # CSAT: satisfied answers / answers over the dates, summed from the mart here
    assert _metric(at, "CSAT") == _csat_text(demo_warehouse_url)

    # The end-tone buckets, counted here from the contacts (VADER thresholds -0.05 / +0.05)
    expected = _one(demo_warehouse_url, (
        "select case when e.customer_sentiment_end < -0.05 then 'negative'"
        " when e.customer_sentiment_end > 0.05 then 'positive' else 'neutral' end as tone, count(*) as contacts"
        " from core.fct_contact_experience e join core.fct_interactions i on i.interaction_id = e.interaction_id"
        " where e.customer_sentiment_end is not null and i.date_day between :start and :end group by 1"), WHOLE)
    assert _tone_rows(at) == {str(t): int(c) for t, c in zip(expected["tone"], expected["contacts"], strict=True)}

    # The agent ranking: human agents with at least MIN_CASES negative starts, the best rate first
    agents = _one(demo_warehouse_url, (
        "select i.agent_id, count(case when e.is_started_negative then 1 end) as negative,"
        " count(case when e.is_recovered then 1 end) as recovered"
        " from core.fct_interactions i join core.fct_contact_experience e on e.interaction_id = i.interaction_id"
        " join core.dim_agents a on a.agent_id = i.agent_id"
        " where not a.is_bot and i.date_day between :start and :end group by 1"), WHOLE)
    ranked = agents[agents["negative"] >= MIN_CASES]
    assert len(ranked) > 0
    tables = [frame.value for frame in at.dataframe if "Started negative" in frame.value.columns]
    worst, best = tables[0], tables[1]
    assert len(worst) == min(10, len(ranked))
    low_rate = (ranked["recovered"] / ranked["negative"]).min() * 100
    assert worst["Recovered (%)"].iloc[0] == pytest.approx(low_rate)
    assert len(best) == min(10, len(ranked))
    top_rate = (ranked["recovered"] / ranked["negative"]).max() * 100
    assert best["Recovered (%)"].iloc[0] == pytest.approx(top_rate)
    assert f"Ranked: {len(ranked)} agent" in _texts(at.caption)

    # The effort model's held-out error, read here from the stored fit
    model = _one(demo_warehouse_url, "select heldout_mae from core.enr_effort_model"
                                     " order by fitted_at desc limit 1", {})
    assert _metric(at, "Typical error per contact") == f"±{float(model.iat[0, 0]):.2f}"
    assert "No inferred effort for now" not in _texts(at.warning)


def test_a_channel_filter_changes_the_figures(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, WHOLE)
    everyone = _metric(at, "CSAT")
    at.multiselect(key="filter_channel").set_value(["email"]).run()
    assert not at.exception
    email = _metric(at, "CSAT")
    assert email == _csat_text(demo_warehouse_url, "email")
    assert email != everyone


def test_choosing_a_team_shows_its_agents(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, WHOLE)
    assert "Choose a team to see its agents" in _texts(at.caption)
    team = "Billing"
    at.selectbox(key="experience_team").set_value(team).run()
    assert not at.exception
    drill = [frame.value for frame in at.dataframe
             if "Started negative" in frame.value.columns and "Team" not in frame.value.columns]
    assert len(drill) == 1
    expected = _one(demo_warehouse_url, (
        "select i.agent_id, count(*) as contacts, count(case when e.is_started_negative then 1 end) as negative"
        " from core.fct_interactions i join core.fct_contact_experience e on e.interaction_id = i.interaction_id"
        " join core.dim_agents a on a.agent_id = i.agent_id"
        " where not a.is_bot and i.team_name = :team and i.date_day between :start and :end group by 1"),
        {**WHOLE, "team": team})
    table = drill[0]
    assert len(table) == len(expected)
    assert sorted(table["Contacts"]) == sorted(int(c) for c in expected["contacts"])
    assert sorted(table["Started negative"]) == sorted(int(c) for c in expected["negative"])
    assert f"agents of {team}" in _texts(at.caption) or f"agent of {team}" in _texts(at.caption)


def test_dates_without_data_show_a_message(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"start": "2001-01-01", "end": "2001-01-31"})
    assert not at.exception
    assert "No contacts for these filters" in _texts(at.info)
    assert len(at.get("vega_lite_chart")) == 0


def test_too_few_ces_answers_say_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                    demo_warehouse_url: str) -> None:
    # The demo warehouse, with a later fit that had too few answers (as etl/enrich/effort.py writes it)
    path = tmp_path / "few_answers.duckdb"
    shutil.copyfile(demo_warehouse_url.removeprefix("duckdb:///"), path)
    connection = duckdb.connect(str(path))
    connection.execute(
        "insert into core.enr_effort_model (model_version, run_id, fitted_at, training_data_hash, status, reason,"
        " formula, n_ces_contacts, n_train, n_heldout)"
        " select model_version, run_id + 1, fitted_at + interval '1 day', 'x', 'insufficient_data',"
        " '3 contacts with a CES answer, fewer than the 50 needed', formula, 3, 0, 0"
        " from core.enr_effort_model limit 1")
    connection.close()
    at = _app(monkeypatch, f"duckdb:///{path}", WHOLE)
    assert not at.exception
    warning = _texts(at.warning)
    assert "No inferred effort for now" in warning
    assert "3 contacts with a CES answer" in warning
    assert "Typical error per contact" not in [m.label for m in at.metric]
