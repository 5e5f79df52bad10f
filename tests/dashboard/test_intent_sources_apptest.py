"""The "Intent from" line beside by-intent figures and the "Include low-confidence intents" toggle, through AppTest
on the demo warehouse. Expected shares come from core (contacts and bot sessions counted there by how their
intent was found), not from the marts or the page's code."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.filters import DEFAULT_DAYS
from tests.conftest import query_frame
from tests.dashboard.conftest import open_page

LABELS = {"vendor": "vendor field", "rule": "rules", "unclassified": "unclassified"}


def _share(part: int, total: int) -> str:
    """Whole percent, "<1%" for a share above 0 that would read 0, ">99%" below 100 that would read 100."""
    value = 100 * part / total
    text = f"{value:.0f}"
    return "<1%" if value > 0 and text == "0" else ">99%" if value < 100 and text == "100" else f"{text}%"


def _default_period(url: str) -> tuple[dt.date, dt.date]:
    last = pd.Timestamp(query_frame(url, "select max(date_day) as d from marts.service_daily").iat[0, 0]).date()
    return last - dt.timedelta(days=DEFAULT_DAYS - 1), last


def _core_counts(url: str, bot_sessions: bool) -> dict[str, int]:
    start, end = _default_period(url)
    join = " inner join core.fct_bot_sessions b on b.interaction_id = i.interaction_id" if bot_sessions else ""
    frame = query_frame(url, f"select i.intent_basis, count(*) as n from core.fct_interactions i{join}"
                             f" where i.direction <> 'outbound' and i.date_day between '{start}' and '{end}'"
                             " group by i.intent_basis")
    return {str(basis): int(n) for basis, n in zip(frame["intent_basis"], frame["n"], strict=True)}


def _lines(at: AppTest) -> list[str]:
    return [str(element.value) for element in at.get("text") if str(element.value).startswith("Intent from:")]


def _expected_parts(counts: dict[str, int]) -> list[str]:
    total = sum(counts.values())
    assert total > 0
    parts = [f"{LABELS[basis]} {_share(n, total)}" for basis, n in counts.items() if basis in LABELS and n]
    model = sum(n for basis, n in counts.items() if basis.startswith("model_"))
    if model:
        parts.append(f"model {_share(model, total)}")
    return parts


def test_journeys_shows_how_the_intents_were_found(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = open_page(monkeypatch, demo_warehouse_url, "journeys")
    assert not at.exception
    lines = _lines(at)
    # the sidebar (contacts in the filters) and the ranked chart by intent (the default breakdown)
    assert len(lines) == 2
    for part in _expected_parts(_core_counts(demo_warehouse_url, bot_sessions=False)):
        assert all(part in line for line in lines), (part, lines)
    frames = [element.value for element in at.dataframe if "Found by" in element.value.columns]
    assert len(frames) == 1
    table = frames[0]
    start, end = _default_period(demo_warehouse_url)
    per_intent = query_frame(demo_warehouse_url, "select intent, count(*) as n from core.fct_interactions"
                                                 f" where direction <> 'outbound' and date_day between '{start}'"
                                                 f" and '{end}' group by intent")
    assert dict(zip(table["Intent"], table["Contacts"], strict=True)) == {
        str(i): int(n) for i, n in zip(per_intent["intent"], per_intent["n"], strict=True)}
    assert table["Found by"].str.len().gt(0).all()


def test_automation_line_counts_bot_sessions(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = open_page(monkeypatch, demo_warehouse_url, "automation")
    assert not at.exception
    lines = _lines(at)
    assert len(lines) == 2  # the sidebar's, then the Handoff Highway's
    for part in _expected_parts(_core_counts(demo_warehouse_url, bot_sessions=True)):
        assert part in lines[1], (part, lines[1])


def test_the_toggle_reads_and_writes_the_url(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = open_page(monkeypatch, demo_warehouse_url, "journeys", {"low_confidence": "exclude"})
    assert not at.exception
    toggle = next(t for t in at.toggle if t.label == "Include low-confidence intents")
    assert toggle.value is False
    assert at.query_params["low_confidence"] == "exclude"
    toggle.set_value(True).run()
    assert "low_confidence" not in at.query_params
    toggle = next(t for t in at.toggle if t.label == "Include low-confidence intents")
    toggle.set_value(False).run()
    assert at.query_params["low_confidence"] == "exclude"
