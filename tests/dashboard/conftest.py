"""Scaffolding shared by the dashboard's tests: a small warehouse built by the real pipeline, the escalated-chats
warehouse, and the timeviews warehouse (tests/fixtures/timeviews: three sources with their own time and two
interval reports), built once per test module and engine."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from etl.pipeline import SUCCEEDED, run_pipeline
from tests.conftest import FIXTURES, empty_warehouse, make_settings

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "a-test-cookie-secret-of-32-chars",
        "client_id": "cxpulse", "client_secret": "test-client-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
"""A usable [auth] section of .streamlit/secrets.toml for AppTest (st.user is AppTest's; nothing is fetched)."""


def open_page(monkeypatch: pytest.MonkeyPatch, url: str, page: str, params: dict[str, str] | None = None,
              user: dict[str, Any] | None = None) -> AppTest:
    """The app on the warehouse at `url`, opened with the query parameters `params` (signed in as `user`, st.user's
    fields, when given), switched to dashboard/app_pages/<page>/page.py and run."""
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    if user is not None:
        at.user = user
        at.secrets["auth"] = dict(AUTH)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}/page.py")
    return at.run()


@pytest.fixture(scope="module")
def small_warehouse_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A DuckDB warehouse of tests/fixtures/canonical_small (8 contacts, May 2026), by `cxpulse run`'s pipeline."""

    url = f"duckdb:///{tmp_path_factory.mktemp('small_warehouse') / 'small.duckdb'}"
    result = run_pipeline(make_settings(url, FIXTURES / "canonical_small"), "run")
    assert result.exit_code == 0, result.problems
    return url


# More escalations than a page of the list (queries_escalations.PAGE_ROWS = 50): 130 chats of customer C1 from
# 4 May 2026 09:00, one every 90 minutes, every third one at the same minute as the one before (ties on
# created_at, ordered by id), each escalated five minutes in with one of two reasons.
ESCALATED_CHATS = 130
ESCALATION_REASONS = ("customer_request", "negative_sentiment")
FIRST_CHAT_AT = dt.datetime(2026, 5, 4, 9, 0)


def escalated_chat_times() -> list[dt.datetime]:
    times: list[dt.datetime] = []
    for number in range(ESCALATED_CHATS):
        times.append(times[-1] if number % 3 == 2 else FIRST_CHAT_AT + dt.timedelta(minutes=90 * number))
    return times


def write_escalated_chats(folder: Path) -> Path:
    """Canonical exports of ESCALATED_CHATS escalated chats (with canonical_small's queues, agents, customers
    and accounts) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("queues.csv", "agents.csv", "customers.csv", "accounts.csv"):
        (folder / name).write_bytes((FIXTURES / "canonical_small" / name).read_bytes())
    header = ("interaction_id,channel,customer_id,queue_id,agent_id,intent,priority,status,created_at,updated_at,"
              "closed_at,subject,talk_seconds,hold_seconds,acw_seconds")
    lines, events = [header], []
    for number, created in enumerate(escalated_chat_times()):
        stamp = f"{created:%Y-%m-%dT%H:%M:%SZ}"
        closed = f"{created + dt.timedelta(minutes=20):%Y-%m-%dT%H:%M:%SZ}"
        lines.append(f"X{number:03d},chat,C1,Q2,AG1,billing_dispute,normal,closed,{stamp},{closed},{closed},,,,")
        events.append(json.dumps({
            "event_id": f"XE{number:03d}", "interaction_id": f"X{number:03d}",
            "occurred_at": f"{created + dt.timedelta(minutes=5):%Y-%m-%dT%H:%M:%SZ}", "event_type": "escalated",
            "reason": ESCALATION_REASONS[number % 2]}))
    (folder / "interactions-2026-05.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "events-2026-05.jsonl").write_text("\n".join(events) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def escalated_warehouse_url(warehouse_url: str, tmp_path: Path) -> str:
    """ESCALATED_CHATS escalated chats loaded by the real pipeline, on DuckDB and on PostgreSQL."""

    folder = write_escalated_chats(tmp_path / "escalated_chats")
    result = run_pipeline(make_settings(warehouse_url, folder), "run")
    assert result.exit_code == 0, result.problems
    return warehouse_url

TIMEVIEWS = FIXTURES / "timeviews"


def timeviews_sources(folder: Path = TIMEVIEWS) -> list[dict[str, object]]:
    """The `[[sources]]` of the timeviews fixture: a canonical desk (May 2026), an old mapped ticket log (March
    2024), a dated and an undated mapped interval report."""
    return [
        {"name": "desk", "format": "canonical", "path": str(folder / "desk")},
        {"name": "old_log", "format": "mapped", "path": str(folder / "old_log"),
         "mapping": str(folder / "old_log.yml")},
        {"name": "acd", "format": "mapped", "path": str(folder / "acd"), "mapping": str(folder / "acd.yml")},
        {"name": "numbered", "format": "mapped", "path": str(folder / "acd_undated"),
         "mapping": str(folder / "acd_undated.yml")},
    ]


def build_timeviews(url: str) -> str:
    result = run_pipeline(make_settings(url, TIMEVIEWS, sources=timeviews_sources()), "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 0
    return url


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def timeviews_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The timeviews warehouse on each engine, built once for the module."""
    with empty_warehouse(request.param, tmp_path_factory, "timeviews") as url:
        yield build_timeviews(url)


@pytest.fixture(scope="module")
def timeviews_duckdb_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The timeviews warehouse on DuckDB alone (for AppTest, which reads the file the app would)."""
    return build_timeviews(f"duckdb:///{tmp_path_factory.mktemp('timeviews_app') / 'warehouse.duckdb'}")


@pytest.fixture
def offered_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Every download a page offers, by file name, kept as the page renders its buttons (which it still does):
    a test calls `.make()` for the bytes a click would give (AppTest cannot click a download button)."""
    from dashboard import download_buttons

    offered: dict[str, Any] = {}
    render = download_buttons.render_downloads

    def keep(downloads: list[Any]) -> None:
        offered.update({download.file_name: download for download in downloads})
        render(downloads)

    monkeypatch.setattr(download_buttons, "render_downloads", keep)
    return offered


# Two teams for the access tests: canonical_small (Billing: I1-I5 and I7 on queues Q1/Q2; Support: I6 on Q3; the
# fax I8 is quarantined) with one escalated conversation in each team (I5, Billing chat; I6, Support e-mail).
TWO_TEAMS_ESCALATIONS = (
    {"event_id": "XE1", "interaction_id": "I5", "occurred_at": "2026-05-05T13:05:00Z", "event_type": "escalated",
     "reason": "customer_request"},
    {"event_id": "XE2", "interaction_id": "I6", "occurred_at": "2026-05-06T08:30:00Z", "event_type": "escalated",
     "reason": "customer_request"},
)


def build_two_teams(url: str, folder: Path) -> str:
    """canonical_small plus TWO_TEAMS_ESCALATIONS, loaded by the real pipeline into `url`."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in (FIXTURES / "canonical_small").iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    events = folder / "events-2026-05.jsonl"
    events.write_text(events.read_text(encoding="utf-8").rstrip("\n") + "\n"
                      + "\n".join(json.dumps(event) for event in TWO_TEAMS_ESCALATIONS) + "\n", encoding="utf-8")
    result = run_pipeline(make_settings(url, folder), "run")
    assert result.exit_code == 0, result.problems
    return url


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def two_teams_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The two-team warehouse on DuckDB and on PostgreSQL."""
    with empty_warehouse(request.param, tmp_path_factory, "two_teams") as url:
        yield build_two_teams(url, tmp_path_factory.mktemp("two_teams_exports"))


@pytest.fixture(scope="module")
def two_teams_duckdb_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The two-team warehouse on DuckDB (for the app tests)."""
    url = f"duckdb:///{tmp_path_factory.mktemp('two_teams_app') / 'warehouse.duckdb'}"
    return build_two_teams(url, tmp_path_factory.mktemp("two_teams_app_exports"))


def signed_in_app(monkeypatch: pytest.MonkeyPatch, config_folder: Path, access: str, url: str,
                  user: dict[str, Any], params: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    """The app with sign-in on (`access`: an [access] section), on the warehouse at `url`, as `user` (st.user's
    claims), opened with the query parameters `params` on `page` (dashboard/app_pages/<page>/page.py) and run."""
    config = config_folder / "cxpulse.toml"
    config.write_text(access, encoding="utf-8")
    monkeypatch.setenv("CXPULSE_CONFIG", str(config))
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.user = user  # type: ignore[assignment]
    at.secrets["auth"] = dict(AUTH)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}/page.py")
        at.run()
    return at


SHOWN_KINDS = ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success",
               "exception", "code", "toast")


def everything_shown(at: AppTest) -> str:
    """Every text element of the rendered page (main area and sidebar), one per line."""
    return "\n".join(str(element.value) for kind in SHOWN_KINDS for element in at.get(kind))
