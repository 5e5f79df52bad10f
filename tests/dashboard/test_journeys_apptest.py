"""The Journeys page through AppTest on the demo warehouse: figures checked against independent queries of the
marts and core tables (written here, not taken from the page's code)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from dashboard.filters import DEFAULT_DAYS
from dashboard.formatting import escape_markdown

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGE = "app_pages/journeys/page.py"


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


def _sql(url: str, sql: str, params: list[object] | None = None) -> pd.DataFrame:
    con = duckdb.connect(url.removeprefix("duckdb:///"), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def _default_period(url: str) -> tuple[dt.date, dt.date]:
    """The app's default dates: the last DEFAULT_DAYS days ending at the last day of marts.service_daily."""
    last = pd.Timestamp(_sql(url, "select max(date_day) as d from marts.service_daily").iat[0, 0]).date()
    return last - dt.timedelta(days=DEFAULT_DAYS - 1), last


def _metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if str(m.label).startswith(label))


def _charts(at: AppTest) -> list[object]:
    return list(at.get("vega_lite_chart"))


def _data_of(chart: object, field: str) -> list[dict]:
    """The rows of the first dataset of a chart that has `field` (Streamlit sends datasets as Arrow, apart from
    the spec)."""
    proto = chart.proto  # type: ignore[attr-defined]
    frames = [convert_arrow_bytes_to_pandas_df(dataset.data.data) for dataset in proto.datasets]
    frames += [pd.DataFrame(rows) for rows in json.loads(proto.spec).get("datasets", {}).values()]
    for frame in frames:
        if field in frame.columns:
            return frame.to_dict("records")
    raise AssertionError(f"no dataset with {field}")


def _paths_table(at: AppTest) -> pd.DataFrame:
    return next(element.value for element in at.dataframe if "Channel path" in element.value.columns)


def _mart_rate(url: str, numerator: str, denominator: str, start: dt.date, end: dt.date,
               channel: str | None = None, intent: str | None = None) -> float:
    where = "date_day between ? and ?"
    params: list[object] = [start, end]
    if channel:
        where += " and channel = ?"
        params.append(channel)
    if intent:
        where += " and intent = ?"
        params.append(intent)
    row = _sql(url, f"select sum({numerator}) as n, sum({denominator}) as d from marts.journey_daily where {where}",
               params)
    return float(row.iat[0, 0]) / float(row.iat[0, 1])


def _episodes_by_path(url: str, start: dt.date, end: dt.date, intent: str | None = None) -> pd.Series:
    """Independently, in pandas: episodes per channel path, by the reporting day of their first contact."""
    episodes = _sql(url, "select first_interaction_id, channel_path, intent from core.fct_episodes")
    days = _sql(url, "select interaction_id as first_interaction_id, date_day from core.fct_interactions")
    joined = episodes.merge(days, on="first_interaction_id")
    joined["date_day"] = pd.to_datetime(joined["date_day"]).dt.date
    kept = joined[(joined["date_day"] >= start) & (joined["date_day"] <= end)]
    if intent:
        kept = kept[kept["intent"] == intent]
    return kept["channel_path"].value_counts()


def test_journeys_default_filters(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    assert "Journeys and repeat contact" in _texts(at.title)
    headers = _texts(at.subheader)
    for heading in ("Week by week", "Where customers come back", "Channel paths of episodes · all episodes",
                    "How sure are we the problem was solved?"):
        assert heading in headers
    labels = [str(m.label) for m in at.metric]
    for label in ("First-contact resolution", "Repeat contact rate", "Channel switch rate", "Contacts per resolved",
                  "Episode resolution rate"):
        assert any(x.startswith(label) for x in labels), label
    start, end = _default_period(demo_warehouse_url)
    # FCR = sum(count_first_contact_resolved) / sum(count_fcr_eligible_contacts) over the default 90 days
    fcr = _mart_rate(demo_warehouse_url, "count_first_contact_resolved", "count_fcr_eligible_contacts", start, end)
    assert _metric(at, "First-contact resolution") == f"{fcr * 100:.1f}%"
    repeat = _mart_rate(demo_warehouse_url, "count_repeat_contacts", "count_repeat_eligible_contacts", start, end)
    assert _metric(at, "Repeat contact rate") == f"{repeat * 100:.1f}%"
    charts = _charts(at)
    assert len(charts) == 5  # two trends, the ranked bars, the paths, the ladder
    # the ranked chart: the intent with the highest repeat rate among those with >= 30 contacts judged comes first
    ranked = _data_of(charts[2], "is_thin")
    by_intent = _sql(demo_warehouse_url, "select intent, sum(count_repeat_contacts) as n, "
                     "sum(count_repeat_eligible_contacts) as d from marts.journey_daily "
                     "where date_day between ? and ? group by intent having sum(count_repeat_eligible_contacts) >= 30",
                     [start, end])
    by_intent["rate"] = by_intent["n"] / by_intent["d"]
    worst = by_intent.sort_values("rate", ascending=False).iloc[0]
    assert ranked[0]["member"] == worst["intent"]
    assert ranked[0]["value"] == pytest.approx(worst["rate"])
    assert not ranked[0]["is_thin"]
    # the paths: every episode of the period counted once, and the top path as counted in pandas
    table = _paths_table(at)
    expected = _episodes_by_path(demo_warehouse_url, start, end)
    mart_episodes = _sql(demo_warehouse_url, "select sum(count_episodes) as e from marts.journey_daily "
                         "where date_day between ? and ?", [start, end]).iat[0, 0]
    assert int(expected.sum()) == int(mart_episodes)
    ordered = sorted(expected.items(), key=lambda item: (-item[1], item[0]))  # most episodes first, then by name
    assert len(ordered) > 50  # two pages of 50 on the demo
    assert table["Channel path"].tolist() == [path.replace(">", " → ") for path, _ in ordered[:50]]
    assert table["Episodes"].tolist() == [count for _, count in ordered[:50]]
    at.number_input(key="journeys_paths_page").set_value(2).run()
    second = _paths_table(at)
    assert second["Channel path"].tolist() == [path.replace(">", " → ") for path, _ in ordered[50:100]]
    assert int(table["Episodes"].sum()) + int(second["Episodes"].sum()) == int(mart_episodes)
    ladder = _data_of(_charts(at)[4], "rung")
    assert {row["group"] for row in ladder} == {"All episodes"}
    assert sum(row["share"] for row in ladder) == pytest.approx(1.0)
    assert "Kept apart" in _texts(at.caption)


def test_a_channel_filter_changes_the_figures(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    at.multiselect(key="filter_channel").set_value(["chat"]).run()
    assert not at.exception
    start, end = _default_period(demo_warehouse_url)
    fcr_all = _mart_rate(demo_warehouse_url, "count_first_contact_resolved", "count_fcr_eligible_contacts", start, end)
    fcr_chat = _mart_rate(demo_warehouse_url, "count_first_contact_resolved", "count_fcr_eligible_contacts", start,
                          end, channel="chat")
    assert f"{fcr_chat * 100:.1f}%" != f"{fcr_all * 100:.1f}%"
    assert _metric(at, "First-contact resolution") == f"{fcr_chat * 100:.1f}%"
    # episodes are filtered on their first contact's channel: every path starts with chat
    table = _paths_table(at)
    assert all(path.startswith("chat") for path in table["Channel path"])


def test_choosing_an_intent_drills_down(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    at.selectbox(key="journeys_focus").set_value("billing_dispute").run()
    assert not at.exception
    assert f"Channel paths of episodes · intent {escape_markdown('billing_dispute')}" in _texts(at.subheader)
    start, end = _default_period(demo_warehouse_url)
    expected = _episodes_by_path(demo_warehouse_url, start, end, intent="billing_dispute")
    table = _paths_table(at)
    assert int(table["Episodes"].sum()) == int(expected.sum())
    charts = _charts(at)
    ladder = _data_of(charts[4], "rung")
    assert [g for g in dict.fromkeys(row["group"] for row in ladder)] == ["All episodes", "Intent billing_dispute"]
    chosen = [row for row in _data_of(charts[2], "is_thin") if row["state"] == "Chosen"]
    assert [row["member"] for row in chosen] == ["billing_dispute"]
    # the headline figures keep to the global filters
    fcr = _mart_rate(demo_warehouse_url, "count_first_contact_resolved", "count_fcr_eligible_contacts", start, end)
    assert _metric(at, "First-contact resolution") == f"{fcr * 100:.1f}%"


def test_the_breakdown_switches_to_channels(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    at.button_group[0].set_value("channel").run()
    assert not at.exception
    channels = set(_sql(demo_warehouse_url, "select distinct channel from marts.journey_daily")["channel"])
    members = {row["member"] for row in _data_of(_charts(at)[2], "is_thin")}
    assert members and members <= channels


def test_no_data_for_the_dates_shows_a_message(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"start": "2001-01-01", "end": "2001-01-31"})
    assert not at.exception
    assert "No contacts match these filters" in _texts(at.info)
    assert not at.get("vega_lite_chart")


def test_the_paths_download_holds_every_path_not_the_page(monkeypatch: pytest.MonkeyPatch,
                                                          demo_warehouse_url: str) -> None:
    import io

    import openpyxl
    import streamlit as st

    from dashboard import download_buttons
    from dashboard.app_pages.journeys import queries as queries_journeys
    offered: dict[str, object] = {}

    def keep(downloads: list) -> None:
        for download in downloads:
            offered[download.file_name] = download

    # pages of 3 paths, so that the table has several pages (the demo has fewer paths than a page of 50)
    st.cache_data.clear()
    monkeypatch.setattr(queries_journeys, "PAGE_SIZE", 3)
    monkeypatch.setattr(download_buttons, "render_downloads", keep)
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    start, end = _default_period(demo_warehouse_url)
    paths = _sql(demo_warehouse_url,
                 "select coalesce(e.channel_path, 'unknown') as path, count(*) as episodes from core.fct_episodes e"
                 " join core.fct_interactions i on i.interaction_id = e.first_interaction_id"
                 " where i.date_day between ? and ? group by 1", [start, end])
    assert len(paths) > 3
    workbook = next(d for name, d in offered.items() if "channel-paths" in name and name.endswith(".xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.make())).active  # type: ignore[attr-defined]
    assert sheet.max_row == len(paths) + 1
    headers = [c.value for c in sheet[1]]
    episodes = [row[headers.index("Episodes")] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "n" and c.number_format == "#,##0" for c in episodes)
    assert sum(c.value for c in episodes) == int(paths["episodes"].sum())
    st.cache_data.clear()
