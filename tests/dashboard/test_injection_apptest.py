"""Stored and reflected injection (issue 13): export values and the `conversation` URL parameter carry link,
image, script and emphasis payloads; no page may hand them to Streamlit's Markdown unescaped.

The fixture is tests/fixtures/canonical_small with every free-text and name field replaced by a payload: the
intent, queue, team, agent, customer, account, segment, industry, subject, message texts, the escalation reason
and a survey comment. Every page is rendered under AppTest on DuckDB and PostgreSQL; every element Streamlit
renders as Markdown (markdown, title, headers, captions, alerts, metric labels and help, widget labels, radio
options, tab and expander labels) must hold none of the payloads' live parts. Escaped text ("evil\\.example")
and plain-text elements (st.text, st.dataframe, st.code) are fine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.pipeline import run_pipeline
from tests.conftest import FIXTURES, empty_warehouse, make_settings
from tests.dashboard.conftest import open_page

PAYLOAD = ("[click](https://evil.example/a) ![x](https://evil.example/x.png) <script>alert(1)</script> "
           "<img src=https://evil.example/y.png> **bold** www.evil.example")
"""No comma and no quote, so it stays one CSV field and one JSON string as written."""

LIVE_PARTS = re.compile(r"evil\.example|(?<!\\)<(script|img)|\*\*bold\*\*")
"""What only an unescaped payload shows: escaping turns "evil.example" into "evil\\.example", "<" into "\\<" and
"*" into "\\*"."""

PAGES = ("executive", "escalations", "overview", "journeys", "automation", "experience", "risk", "capacity",
         "data_health", "definitions", "detector_quality", "intent_discovery", "home")

# canonical_small's values, each replaced everywhere in the file(s) named
REPLACED = {
    "interactions-2026-05.csv": ("billing_dispute", "password_reset"),
    "queues.csv": ("Billing voice", "Billing chat", "Support e-mail", "Billing", "Support"),
    "agents.csv": ("Dana Agent", "Billing"),
    "customers.csv": ("Ada Lovelace", "Bob Small", "Carla Nobody"),
    "accounts.csv": ("Acme Corp", "Tiny Shop", "manufacturing", "retail"),
    "events-2026-05.jsonl": ("negative_sentiment",),
    "surveys-2026-05.csv": ("still not fixed",),
}


def write_payload_exports(folder: Path) -> Path:
    """canonical_small with PAYLOAD in every name and free-text field, empty subjects filled with it, and the
    escalated chat I5 opening with a negative message."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in (FIXTURES / "canonical_small").iterdir():
        text = source.read_text(encoding="utf-8")
        for index, value in enumerate(REPLACED.get(source.name, ())):
            text = text.replace(value, f"{value}{index} {PAYLOAD}")
        if source.name.startswith("messages"):  # I5 starts negative, so the Experience page lists its team
            text = text.replace("The book was good.", "This is terrible and awful.")
            text = re.sub(r'"text":"([^"]*)"', rf'"text":"\1 {PAYLOAD}"', text)
        if source.name.startswith("interactions"):
            rows = text.splitlines()
            text = "\n".join([rows[0]] + [re.sub(r",,(\d*),(\d*),(\d*)$", rf",{PAYLOAD},\1,\2,\3", row)
                                         for row in rows[1:]]) + "\n"
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def payload_warehouse_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exports = write_payload_exports(tmp_path_factory.mktemp("payload_exports"))
    with empty_warehouse(request.param, tmp_path_factory, "payload") as url:
        result = run_pipeline(make_settings(url, exports), "run")
        assert result.exit_code == 0, result.problems
        yield url


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
