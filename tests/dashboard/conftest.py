"""Scaffolding shared by the dashboard's tests: a small warehouse built by the real pipeline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, make_settings

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def small_warehouse_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A DuckDB warehouse of tests/fixtures/canonical_small (8 contacts, May 2026), by `cxpulse run`'s pipeline."""
    from etl.pipeline import run_pipeline

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
    from etl.pipeline import run_pipeline

    folder = write_escalated_chats(tmp_path / "escalated_chats")
    result = run_pipeline(make_settings(warehouse_url, folder), "run")
    assert result.exit_code == 0, result.problems
    return warehouse_url
