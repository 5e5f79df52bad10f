"""Awkward input, on both engines: every record is loaded or quarantined with its reason; nothing disappears."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.pipeline import run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

SMALL = FIXTURES / "canonical_small"
HEADER = "interaction_id,channel,customer_id,queue_id,status,created_at,updated_at,subject"


def _copy_fixture(tmp_path: Path) -> Path:
    source = tmp_path / "exports"
    shutil.copytree(SMALL, source)
    return source


def _scalar(url: str, sql: str) -> object:
    reader = open_reader(url)
    try:
        return reader.scalar(sql)
    finally:
        reader.close()


def test_an_empty_file_loads_as_an_empty_batch(warehouse_url: str, tmp_path: Path) -> None:
    source = _copy_fixture(tmp_path)
    (source / "interactions-2026-07.csv").write_bytes(b"")
    (source / "events-2026-07.jsonl").write_text("\n\n", encoding="utf-8")
    result = run_pipeline(make_settings(warehouse_url, source), "run")
    empty = [f for f in result.files if f.path.name.endswith("-2026-07.csv") or f.path.name.endswith("-2026-07.jsonl")]
    assert [(f.status, f.records_read) for f in empty] == [("loaded", 0), ("loaded", 0)]
    assert _scalar(warehouse_url, "select count(*) from core.fct_interactions") == 7


def test_unknown_columns_are_kept_in_the_payload_and_reported_once(warehouse_url: str, tmp_path: Path) -> None:
    source = _copy_fixture(tmp_path)
    (source / "interactions-2026-07.csv").write_text(
        HEADER + ",vendor_score,region\n"
        "N1,email,C1,Q3,open,2026-07-01T10:00:00Z,2026-07-01T10:00:00Z,hello,0.7,EMEA\n"
        "N2,email,C2,Q3,open,2026-07-01T11:00:00Z,2026-07-01T11:00:00Z,again,0.2,APAC\n",
        encoding="utf-8",
    )
    result = run_pipeline(make_settings(warehouse_url, source), "run")
    report = next(f for f in result.files if f.path.name == "interactions-2026-07.csv")
    assert report.unknown_fields == ("region", "vendor_score")
    assert _scalar(
        warehouse_url, "select unknown_fields from ops.batches where source_file like '%interactions-2026-07.csv'"
    ) == "region, vendor_score"
    payload = _scalar(warehouse_url, "select _payload from raw.canonical__interactions where interaction_id = 'N2'")
    assert '"region":"APAC"' in str(payload)


def test_events_out_of_order_give_the_same_milestones(warehouse_url: str, tmp_path: Path) -> None:
    source = _copy_fixture(tmp_path)
    events = source / "events-2026-05.jsonl"
    lines = events.read_text(encoding="utf-8").splitlines()
    # the truncated last line stays last (so it is still rejected); the others are reversed
    events.write_text("\n".join([*reversed(lines[:-1]), lines[-1]]) + "\n", encoding="utf-8")
    run_pipeline(make_settings(warehouse_url, source), "run")
    # I1 queued 09:00:30 and answered 09:00:45 (15 s), whatever the order of the lines
    assert _scalar(
        warehouse_url, "select queue_wait_seconds from core.fct_interactions where interaction_id = 'I1'"
    ) == 15
    assert _scalar(warehouse_url, "select sum(count_answered_within_threshold) from marts.service_daily") == 2


def test_a_changed_record_keeps_its_history_in_raw(warehouse_url: str) -> None:
    run_pipeline(make_settings(warehouse_url, SMALL), "run")
    # accounts.csv holds A2 twice with different content: both versions stay in raw, the later one wins in core
    assert _scalar(warehouse_url, "select count(*) from raw.canonical__accounts where account_id = 'A2'") == 2
    assert _scalar(warehouse_url, "select segment from core.dim_accounts where account_id = 'A2'") == "smb"


@pytest.mark.slow
def test_a_100_megabyte_field_loads_whole(warehouse_url: str, tmp_path: Path) -> None:
    source = _copy_fixture(tmp_path)
    size = 100 * 1024 * 1024
    with open(source / "interactions-2026-07.csv", "w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        handle.write('B1,email,C1,Q3,open,2026-07-01T10:00:00Z,2026-07-01T10:00:00Z,"')
        handle.write("x" * size)
        handle.write('"\n')
    result = run_pipeline(make_settings(warehouse_url, source), "run")
    assert result.rows_rejected == 3  # the fixture's own three, nothing more
    assert _scalar(warehouse_url, "select length(subject) from staging.stg_canonical__interactions"
                                  " where interaction_id = 'B1'") == size
