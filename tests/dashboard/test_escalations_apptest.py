"""The Escalations page through AppTest on the demo warehouse: every figure is checked against a query of the
core tables written here, independently of dashboard.app_pages.escalations.queries.

AppTest cannot click a chart or a table row; it sets the selection state Streamlit keeps under the widget's key
(what a click would set), and the query parameters the page also reads (drill_by, drill_week, drill_member,
conversation).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.formatting import escape_markdown
from etl.enrich.sentiment import ADAPTED_VERSION
from etl.warehouse import open_reader

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGE = "app_pages/escalations/page.py"


def _sql(url: str, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql, params)
    finally:
        reader.close()


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


def _dates(at: AppTest) -> tuple[dt.date, dt.date]:
    start, end = at.session_state["filter_dates"]
    return start, end


def _count(url: str, start: dt.date, end: dt.date, where: str = "true", params: dict[str, Any] | None = None) -> int:
    frame = _sql(url, f"select count(*) as n from core.fct_escalations where date_day between :start and :end"
                      f" and {where}", {"start": start, "end": end, **(params or {})})
    return int(frame.iat[0, 0])


def _list(at: AppTest) -> pd.DataFrame:
    tables = [d for d in at.dataframe if d.key and d.key.startswith("escalations_list_")]
    assert len(tables) == 1
    return tables[0].value


def _chart_spec(at: AppTest) -> dict[str, Any]:
    charts = at.get("vega_lite_chart")
    assert charts, "no chart"
    return json.loads(charts[0].proto.spec)


def test_default_filters_show_the_weekly_bars_and_the_newest_conversations(
        monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    assert "Escalations" in _texts(at.title)
    headers = _texts(at.subheader)
    assert "Escalations per week" in headers and "Escalated conversations" in headers
    assert "Transcript" not in headers  # nothing selected yet
    assert not {"drill_by", "drill_week", "drill_member", "conversation"} & set(at.query_params)
    spec = _chart_spec(at)
    assert spec["encoding"]["color"]["title"] == "Reason"
    assert spec["params"][0]["name"] == "drill"
    start, end = _dates(at)
    total = _count(demo_warehouse_url, start, end)
    assert total > 0
    assert f"{total:,} escalated conversations" in _texts(at.caption)
    listed = _list(at)
    assert len(listed) == min(total, 50)
    newest = _sql(demo_warehouse_url,
                  "select interaction_id from core.fct_escalations where date_day between :start and :end"
                  " order by created_at desc, interaction_id desc limit 50", {"start": start, "end": end})
    assert list(listed["Interaction"]) == list(newest["interaction_id"])
    assert {"Escalations", "Escalation rate"} <= {m.label for m in at.metric}


def test_a_changed_breakdown_and_a_filter(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    start, end = _dates(at)
    at.segmented_control(key="escalations_breakdown").set_value("trigger").run()
    assert not at.exception
    spec = _chart_spec(at)
    assert spec["encoding"]["color"]["title"] == "Trigger"
    triggers = set(_sql(demo_warehouse_url, "select distinct primary_trigger from core.fct_escalations"
                                            " where date_day between :start and :end",
                        {"start": start, "end": end})["primary_trigger"])
    assert set(spec["encoding"]["color"]["scale"]["domain"]) <= triggers | {"other"}
    # the same escalations, cut differently: the total does not change
    assert f"{_count(demo_warehouse_url, start, end):,} escalated conversations" in _texts(at.caption)
    at.multiselect(key="filter_channel").set_value(["chat"]).run()
    assert not at.exception
    chat = _count(demo_warehouse_url, start, end, "channel = 'chat'")
    assert f"{chat:,} escalated conversations" in _texts(at.caption)
    assert set(_list(at)["Channel"]) == {"chat"}


def _busiest_handoff_week(url: str, start: dt.date, end: dt.date) -> tuple[dt.date, int]:
    """The week (Monday) with the most bot handoffs that had no escalation event, counted here by hand."""
    frame = _sql(url, "select date_day from core.fct_escalations where date_day between :start and :end"
                      " and escalation_kind = 'bot_handoff' and escalation_reason is null",
                 {"start": start, "end": end})
    days = pd.to_datetime(frame["date_day"])
    weeks = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date
    counts = weeks.value_counts()
    return counts.index[0], int(counts.iloc[0])


def test_clicking_a_bar_drills_into_its_week_and_member(monkeypatch: pytest.MonkeyPatch,
                                                        demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    start, end = _dates(at)
    week, expected = _busiest_handoff_week(demo_warehouse_url, start, end)
    # what a click on the bar sets: the point selection "drill" of the chart's widget state
    at.session_state["escalations_chart_reason_0"] = {
        "selection": {"drill": [{"week": week.isoformat(), "member": "bot handoff"}]}}
    at.run()
    assert not at.exception
    assert "Drilled into the week of" in _texts(at.markdown)
    assert f"{expected:,} escalated conversations" in _texts(at.caption)
    listed = _list(at)
    assert set(listed["Reason"]) == {"bot handoff"}
    created = pd.to_datetime(listed["Created (UTC)"]).dt.date
    assert created.min() >= week and created.max() <= week + dt.timedelta(days=6)
    summary = next(d.value for d in at.dataframe if "Conversations" in d.value.columns)
    assert int(summary["Conversations"].sum()) == expected
    # the click is kept in the URL, and the same drill opens from a link
    assert {k: at.query_params[k] for k in ("drill_by", "drill_week", "drill_member")} == {
        "drill_by": "reason", "drill_week": week.isoformat(), "drill_member": "bot handoff"}
    linked = _app(monkeypatch, demo_warehouse_url, dict(at.query_params))
    assert f"{expected:,} escalated conversations" in _texts(linked.caption)
    assert list(_list(linked)["Interaction"]) == list(listed["Interaction"])
    # clear
    at.button(key="escalations_clear").click().run()
    assert "Drilled into" not in _texts(at.markdown)
    assert not {"drill_by", "drill_week", "drill_member"} & set(at.query_params)
    assert f"{_count(demo_warehouse_url, start, end):,} escalated conversations" in _texts(at.caption)


def test_selecting_a_row_shows_its_transcript(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    # the newest escalated chat (it has a transcript), through the channel filter
    at.multiselect(key="filter_channel").set_value(["chat"]).run()
    listed = _list(at)
    interaction_id = str(listed["Interaction"].iloc[0])
    key = next(d.key for d in at.dataframe if d.key and d.key.startswith("escalations_list_"))
    at.session_state[key] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    assert "Transcript of the chosen conversation" in _texts(at.subheader)
    assert f"Conversation {interaction_id}" in _texts(at.text)
    messages = _sql(demo_warehouse_url,
                    "select m.message_id, m.author_role, m.message_text, s.compound"
                    " from core.fct_messages as m left join core.enr_message_sentiment as s"
                    " on s.message_id = m.message_id and s.analyzer_version = :adapted"
                    " where m.interaction_id = :id order by m.sent_at, m.message_id",
                    {"id": interaction_id, "adapted": ADAPTED_VERSION})
    assert len(messages) > 0
    bubbles = list(at.chat_message)
    assert [b.text[0].value for b in bubbles] == list(messages["message_text"])
    assert [b.name for b in bubbles] == [r.capitalize() for r in messages["author_role"]]
    for bubble, message in zip(bubbles, messages.itertuples(index=False), strict=True):
        caption = bubble.caption[0].value
        if message.author_role == "customer" and not pd.isna(message.compound):
            assert f"sentiment {escape_markdown(f'{message.compound:+.2f}')}" in caption  # the caption is Markdown
        else:
            assert "sentiment" not in caption
    handoff = _sql(demo_warehouse_url, "select handed_off_at from core.fct_bot_sessions where interaction_id = :id"
                                       " and is_handed_off", {"id": interaction_id})
    if not handoff.empty:
        assert f"Handed off to a person at {pd.Timestamp(handoff.iat[0, 0]):%H:%M:%S}" in _texts(at.markdown)
    sla = _sql(demo_warehouse_url, "select status from core.fct_sla_events where interaction_id = :id",
               {"id": interaction_id})
    journey = _sql(demo_warehouse_url,
                   "select i.interaction_id from core.fct_interactions as i"
                   " inner join core.fct_interactions as this on this.interaction_id = :id"
                   " and i.customer_key = this.customer_key"
                   " where i.created_at between this.created_at - interval '30 days'"
                   " and this.created_at + interval '30 days'", {"id": interaction_id})
    tables = [d.value for d in at.dataframe]
    journey_tables = [t for t in tables if "Interaction" in t.columns and "Status" in t.columns
                      and "Escalated" in t.columns]
    assert len(journey_tables) == 1
    assert set(journey_tables[0]["Interaction"]) == set(journey["interaction_id"])
    assert list(journey_tables[0].loc[journey_tables[0][""] != "", "Interaction"]) == [interaction_id]
    sla_tables = [t for t in tables if "Elapsed" in t.columns]
    assert sum(len(t) for t in sla_tables) == len(sla)
    # the choice is kept in the URL, and the same conversation opens from a link
    assert at.query_params["conversation"] == interaction_id
    linked = _app(monkeypatch, demo_warehouse_url, dict(at.query_params))
    assert f"Conversation {interaction_id}" in _texts(linked.text)
    assert [b.text[0].value for b in linked.chat_message] == list(messages["message_text"])


def test_a_period_without_data_shows_a_message(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"start": "2001-01-01", "end": "2001-01-31"})
    assert not at.exception
    assert "No escalation for these filters" in _texts(at.info)
    assert not at.get("vega_lite_chart")


def test_a_link_drilling_into_another_breakdown_and_a_conversation_opens_both(
        monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    start, end = _dates(at)
    # the busiest week and trigger, counted here; then the newest conversation of that drill
    frame = _sql(demo_warehouse_url, "select date_day, primary_trigger, interaction_id, created_at"
                                     " from core.fct_escalations where date_day between :start and :end",
                 {"start": start, "end": end})
    days = pd.to_datetime(frame["date_day"])
    frame["week"] = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date
    counts = frame.groupby(["week", "primary_trigger"]).size().sort_values(ascending=False)
    (week, trigger), expected = counts.index[0], int(counts.iloc[0])
    drilled = frame[(frame["week"] == week) & (frame["primary_trigger"] == trigger)]
    newest = drilled.sort_values(["created_at", "interaction_id"], ascending=False)["interaction_id"].iloc[0]
    linked = _app(monkeypatch, demo_warehouse_url, {"drill_by": "trigger", "drill_week": week.isoformat(),
                                                    "drill_member": trigger, "conversation": newest})
    assert not linked.exception
    assert linked.segmented_control(key="escalations_breakdown").value == "trigger"
    assert f"{expected:,} escalated conversations" in _texts(linked.caption)
    assert trigger in _texts(linked.text)
    assert str(_list(linked)["Interaction"].iloc[0]) == newest
    assert f"Conversation {newest}" in _texts(linked.text)
    assert linked.query_params["conversation"] == newest


HOSTILE = ("**bold** <script>alert(1)</script> <img src=x onerror=alert(1)> [link](javascript:alert(1)) "
           ":red[red] :material/warning: $x^2$ # heading")


def test_a_hostile_or_unknown_conversation_id_is_shown_as_text_and_not_found(
        monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"conversation": HOSTILE, "drill_by": "reason",
                                                "drill_week": "2026-10-05", "drill_member": HOSTILE})
    assert not at.exception and not at.error
    assert "This conversation was not found or is not in your scope." in _texts(at.info)
    # the id and the drilled member come back verbatim as plain text, never through Markdown or HTML
    assert f"Conversation {HOSTILE}" in [str(t.value) for t in at.text]
    assert HOSTILE in [str(t.value) for t in at.text]
    rendered = " ".join(str(e.value) for kind in ("markdown", "caption", "info", "subheader", "title")
                        for e in at.get(kind))
    for fragment in ("<script>", "javascript:", ":red[", "**bold**", "onerror"):
        assert fragment not in rendered
    unknown = _app(monkeypatch, demo_warehouse_url, {"conversation": "no-such-conversation"})
    assert "This conversation was not found or is not in your scope." in _texts(unknown.info)
    assert "Conversation no-such-conversation" in _texts(unknown.text)
    assert not unknown.chat_message


def test_the_conversations_workbook_holds_every_row_not_the_page(monkeypatch: pytest.MonkeyPatch,
                                                                  demo_warehouse_url: str) -> None:
    import io

    import openpyxl

    from dashboard import download_buttons

    offered: dict[str, Any] = {}

    def keep(downloads: list) -> None:
        for download in downloads:
            offered[download.file_name] = download

    monkeypatch.setattr(download_buttons, "render_downloads", keep)
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    start, end = _dates(at)
    total = _count(demo_warehouse_url, start, end)
    assert total > 50  # more than the page the list shows
    assert not [name for name in offered if "this-page" in name]  # issue 11: the page-only workbook is gone
    workbook = next(d for name, d in offered.items() if "escalated-conversations" in name and name.endswith(".xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.make())).active
    assert sheet.max_row == total + 1
    headers = [c.value for c in sheet[1]]
    start_column = headers.index("Sentiment start")
    scored = [row[start_column] for row in sheet.iter_rows(min_row=2) if row[start_column].value is not None]
    assert scored and all(c.data_type == "n" and c.number_format == "+0.00;-0.00;0.00" for c in scored)
