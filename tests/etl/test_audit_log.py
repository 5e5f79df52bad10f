"""The audit log's store (etl/audit_log.py) on DuckDB and PostgreSQL: events appended by the app survive a build
that runs meanwhile, and a DuckDB warehouse holds them from the next run on, each once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from etl.audit_log import AUDIT_COLUMNS, event_line, open_audit_store, sidecar_path
from etl.load import bootstrap
from etl.pipeline import run_pipeline
from etl.warehouse import duckdb_path, open_writer
from tests.conftest import FIXTURES, audit_events, make_settings, query_frame

AT = dt.datetime(2026, 5, 4, 9, 30, 15, 250_000)


def _event(number: int) -> dict[str, object]:
    return {"event_id": f"ev{number:03d}", "occurred_at": AT + dt.timedelta(seconds=number),
            "identity": "ann@example.com", "role": "analyst", "signed_in": True, "event_kind": "page_view",
            "page": "executive", "filters": '{"teams": ["Billing"]}', "session_id": "s1"}


def test_the_bootstrap_table_has_the_store_s_columns(warehouse_url: str) -> None:
    with open_writer(warehouse_url) as warehouse:
        bootstrap(warehouse)
        assert warehouse.columns_of("ops.audit_events") == list(AUDIT_COLUMNS)


def test_an_event_line_is_one_json_object_of_the_columns() -> None:
    line = event_line({**_event(1), "export_columns": '["Ré", "b"]'})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {
        "event_id": "ev001", "occurred_at": "2026-05-04 09:30:16.250000", "identity": "ann@example.com",
        "role": "analyst", "signed_in": True, "event_kind": "page_view", "page": "executive",
        "filters": '{"teams": ["Billing"]}', "conversation_id": None, "export_name": None, "export_format": None,
        "export_rows": None, "export_columns": '["Ré", "b"]', "session_id": "s1"}
    with pytest.raises(ValueError, match="password"):
        event_line({**_event(1), "password": "x"})


def test_events_written_during_a_build_are_kept_and_reach_the_warehouse_once(warehouse_url: str) -> None:
    settings = make_settings(warehouse_url, FIXTURES / "canonical_small")
    store = open_audit_store(warehouse_url)
    try:
        for number in range(3):  # before the first run
            store.append(_event(number))

        def during(step: str) -> None:  # while the run holds the writer lock, after it copied the sidecar
            if step == "ingested":
                store.append(_event(3))
                store.append(_event(4))

        assert run_pipeline(settings, "run", hook=during).exit_code == 0
        assert audit_events(warehouse_url)["event_id"].tolist() == [f"ev{n:03d}" for n in range(5)]
        held = query_frame(warehouse_url, "select event_id from ops.audit_events order by event_id")
        # PostgreSQL: the app writes into the warehouse itself; DuckDB: the run copied what the sidecar held when it
        # started, and the two written meanwhile wait in the sidecar for the next run
        expected_first = 5 if warehouse_url.startswith("postgresql") else 3
        assert held["event_id"].tolist() == [f"ev{n:03d}" for n in range(expected_first)]

        for _ in range(2):  # the next runs: every event, each once
            assert run_pipeline(settings, "build").exit_code == 0
            events = query_frame(warehouse_url, "select * from ops.audit_events order by event_id")
            assert events["event_id"].tolist() == [f"ev{n:03d}" for n in range(5)]
        first = events.iloc[0]
        assert [first["identity"], first["role"], bool(first["signed_in"]), first["filters"]] == [
            "ann@example.com", "analyst", True, '{"teams": ["Billing"]}']
        assert first["occurred_at"] == AT
    finally:
        store.close()


def test_a_line_cut_short_by_a_crash_is_left_out_and_the_next_event_kept(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path}/warehouse.duckdb"
    store = open_audit_store(url)
    store.append(_event(1))
    with open(sidecar_path(duckdb_path(url).resolve()), "ab") as sidecar:
        sidecar.write(event_line(_event(2))[:40])
    assert audit_events(url)["event_id"].tolist() == ["ev001"]
    store.append(_event(3))
    assert audit_events(url)["event_id"].tolist() == ["ev001", "ev003"]
