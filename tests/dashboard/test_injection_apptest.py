"""Stored and reflected injection (issue 13): export values and the `conversation` URL parameter carry link,
image, script and emphasis payloads; no page may hand them to Streamlit's Markdown unescaped.

The fixture (tests/conftest.py, payload_warehouse_url) is tests/fixtures/canonical_small with a payload in every
free-text and name field: the intent, queue, team, agent and its site, customer, account, industry, subject, message
texts, the escalation reason, a survey comment, the source's name, the name of a file the source ignores and a
rejected record (segment and channel are closed lists the ingest validates). Every URL parameter of every page
(tests/conftest.py, payload_url_params) carries it too. Every page is rendered under AppTest on DuckDB and PostgreSQL;
every element Streamlit renders as Markdown (markdown, title, headers, captions, alerts, metric labels and help,
widget labels, radio options, tab and expander labels) must hold none of the payloads' live parts. Escaped text
("evil\\.example") and plain-text elements (st.text, st.dataframe, st.code) are fine.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import FILE_PAYLOAD, PAYLOAD, PAYLOAD_SOURCE, payload_url_params
from tests.dashboard.conftest import open_page

LIVE_PARTS = re.compile(r"evil\.example|(?<!\\)<(script|img)|\*\*bold\*\*")
"""What only an unescaped payload shows: escaping turns "evil.example" into "evil\\.example", "<" into "\\<" and
"*" into "\\*"."""

PAGES = ("executive", "escalations", "overview", "journeys", "automation", "experience", "risk", "capacity",
         "data_health", "definitions", "detector_quality", "intent_discovery", "home")

def markdown_texts(at: AppTest) -> list[str]:
    """Every string of the rendered page that Streamlit reads as Markdown."""
    shown: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success",
                 "toast"):
        shown += [str(element.value) for element in getattr(at, kind)]
    shown += [f"{metric.label} {metric.proto.help}" for metric in at.metric]
    for kind in ("selectbox", "multiselect", "radio", "checkbox", "toggle", "text_input", "date_input",
                 "slider", "select_slider", "button", "number_input", "text_area"):
        shown += [str(widget.label) for widget in getattr(at, kind)]
    shown += [str(option) for radio in at.radio for option in radio.options]
    shown += [str(tab.label) for tab in at.tabs] + [str(expander.label) for expander in at.expander]
    return shown


def live_payloads(at: AppTest) -> list[str]:
    return [text for text in markdown_texts(at) if LIVE_PARTS.search(text)]


def test_the_fixture_carries_the_payloads(payload_warehouse_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The payloads reach the pages: the escalated chat's transcript shows them as plain text."""
    at = open_page(monkeypatch, payload_warehouse_url, "escalations",
                   {"start": "2026-05-01", "end": "2026-05-31", "conversation": "I5"})
    plain = " ".join(str(element.value) for element in at.text)
    assert "chat1 [click](https://evil.example/a)" in plain  # the queue "Billing chat", as text
    assert "negative_sentiment0 [click](https://evil.example/a)" in plain  # the escalation reason
    assert "Thanks! How can I help you today? [click](https://evil.example/a)" in plain  # a message


def test_the_fixture_carries_the_payloads_to_data_health(payload_warehouse_url: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The source's name and the name of a file it ignored reach Data health, as plain text and table cells."""
    at = open_page(monkeypatch, payload_warehouse_url, "data_health", {"start": "2026-05-01", "end": "2026-05-31"})
    plain = " ".join([str(element.value) for element in at.text] + [frame.value.to_string() for frame in at.dataframe])
    assert PAYLOAD_SOURCE[:40] in plain
    assert f"notes {FILE_PAYLOAD}"[:40] in plain


@pytest.mark.parametrize("page", PAGES)
def test_every_url_parameter_carries_a_payload_and_none_is_markdown(
        payload_warehouse_url: str, page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    params = payload_url_params(payload_warehouse_url, {"start": "2026-05-01", "end": "2026-05-31"})
    assert "evil.example" in params["intent"].split(",")[0]  # a payload intent of the warehouse is chosen
    at = open_page(monkeypatch, payload_warehouse_url, page, params)
    assert not at.exception
    assert live_payloads(at) == []


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_an_export_payload_as_markdown(payload_warehouse_url: str, page: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(monkeypatch, payload_warehouse_url, page, {"start": "2026-05-01", "end": "2026-05-31"})
    assert not at.exception
    assert live_payloads(at) == []


@pytest.mark.parametrize("conversation", [PAYLOAD, "I5"])
def test_the_conversation_parameter_is_never_markdown(payload_warehouse_url: str, conversation: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(monkeypatch, payload_warehouse_url, "escalations",
                   {"start": "2026-05-01", "end": "2026-05-31", "conversation": conversation})
    assert not at.exception
    assert live_payloads(at) == []


def test_the_experience_team_drill_down_escapes_the_team(payload_warehouse_url: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(monkeypatch, payload_warehouse_url, "experience", {"start": "2026-05-01", "end": "2026-05-31"})
    teams = [str(option) for option in at.selectbox(key="experience_team").options if "evil.example" in str(option)]
    assert teams  # the payload team is offered (a selectbox option is plain text)
    at.selectbox(key="experience_team").select(teams[0]).run()
    assert not at.exception
    shown = " ".join(markdown_texts(at))
    assert "\\[click\\]\\(https\\://evil\\.example/a\\)" in shown  # named, escaped
    assert live_payloads(at) == []
