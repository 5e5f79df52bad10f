"""The `mapped` connector through the whole pipeline, on DuckDB and PostgreSQL, with the hand-made fixtures in
tests/fixtures/mapped/ (one per shape) and their mapping files beside them.

Every expected figure is worked out by hand from the fixture files (the working is in each test). Ids are
'mapped:<source name>:<id>' and the source is named "fixture".
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from etl.pipeline import COMPLETED_WITH_ERRORS, SUCCEEDED, RunResult, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

MAPPED = FIXTURES / "mapped"


def _run(url: str, data: Path, mapping: Path) -> RunResult:
    source = {"name": "fixture", "format": "mapped", "path": str(data), "mapping": str(mapping)}
    return run_pipeline(make_settings(url, data, sources=[source]), "run")


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _rejects(url: str) -> list[tuple[str, int, str | None]]:
    frame = _query(url, "select stream, source_line, field_name from ops.rejected_records order by source_line")
    return [(s, int(line), f) for s, line, f in frame.itertuples(index=False)]


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime.fromisoformat(text))


def _count(url: str, table: str) -> int:
    return int(_query(url, f"select count(*) as n from {table}").iloc[0, 0])


# ---------------------------------------------------------------- an event log (latin-1, semicolons)


def test_event_log_becomes_tickets_with_their_events(warehouse_url: str) -> None:
    """ticket_log.csv (latin-1, ';', day-first Rome times, "Variant" twice in the header), 10 rows:

    line 11 (T3 "Teletrasporto") has no entry in the activity map -> quarantined on event_type.
    9 events load; the two identical T2 "Attesa" rows (lines 8 and 9) are two events.
    Rome is UTC+1 until 2024-03-31 02:00, UTC+2 after:
      T1 created 01/03 09:00 -> 08:00 UTC; last status event "Chiuso" 31/03 11:00 -> 09:00 UTC: closed then;
         last agent Mario Rossi (the "Chiuso" row has none); queue Gruppo A.
      T2 created 02/03 10:00 -> 09:00 UTC; no solved/closed event -> open; agent Niccolò Bianchi (latin-1 ò).
      T3 created 03/03 08:00 -> 07:00 UTC; open; no agent on its one loaded event; customer Cliente 1.
    """
    result = _run(warehouse_url, MAPPED / "ticket_log", MAPPED / "ticket_log.yml")
    assert result.status == SUCCEEDED, result.problems
    assert _rejects(warehouse_url) == [("event_rows", 11, "event_type")]
    assert _count(warehouse_url, "raw.mapped__event_rows") == 9
    contacts = _query(
        warehouse_url,
        "select interaction_id, channel, status, created_at, closed_at, agent_id, queue_id, customer_id"
        " from core.fct_interactions",
    ).set_index("interaction_id")
    assert sorted(contacts.index) == ["mapped:fixture:T1", "mapped:fixture:T2", "mapped:fixture:T3"]
    t1, t2, t3 = (contacts.loc[f"mapped:fixture:{i}"] for i in ("T1", "T2", "T3"))
    assert (t1["status"], t2["status"], t3["status"]) == ("closed", "open", "open")
    assert set(contacts["channel"]) == {"ticket"}
    assert t1["created_at"] == _ts("2024-03-01 08:00:00")
    assert t1["closed_at"] == _ts("2024-03-31 09:00:00")
    assert t2["created_at"] == _ts("2024-03-02 09:00:00")
    assert t3["created_at"] == _ts("2024-03-03 07:00:00")
    assert pd.isna(t2["closed_at"])
    assert t1["agent_id"] == "mapped:fixture:Mario Rossi"
    assert t2["agent_id"] == "mapped:fixture:Niccolò Bianchi"
    assert t1["queue_id"] == "mapped:fixture:Gruppo A"
    assert t3["customer_id"] == "mapped:fixture:Cliente 1"
    per_contact = _query(
        warehouse_url,
        "select interaction_id, count(*) as n from core.fct_interaction_events group by interaction_id",
    ).set_index("interaction_id")["n"]
    assert {k: int(v) for k, v in per_contact.items()} == {
        "mapped:fixture:T1": 4, "mapped:fixture:T2": 4, "mapped:fixture:T3": 1,
    }
    waits = _query(
        warehouse_url,
        "select event_type, reason from core.fct_interaction_events"
        " where interaction_id = 'mapped:fixture:T2' and occurred_at = cast('2024-03-02 09:20:00' as timestamp)",
    )
    assert list(waits.itertuples(index=False, name=None)) == [("status_changed", "Attesa")] * 2
    agent_names = set(_query(warehouse_url, "select agent_name from core.dim_agents")["agent_name"])
    assert agent_names == {"Mario Rossi", "Niccolò Bianchi"}
    kept = _query(warehouse_url, "select attributes from raw.mapped__event_rows where interaction_id = 'T1'")
    assert set(kept["attributes"]) == {'{"Variant":"V1","Variant_2":"V1-bis"}'}


def test_an_event_delivered_again_in_a_later_file_is_stored_once(warehouse_url: str, tmp_path: Path) -> None:
    """The same ten rows in a second file (a later, overlapping export) add nothing: the 9 events stay 9,
    including the second copy of T2's repeated "Attesa" row, which is the second copy in both files."""
    data = tmp_path / "exports"
    data.mkdir()
    shutil.copy(MAPPED / "ticket_log" / "ticket_log.csv", data / "ticket_log-1.csv")
    first = _run(warehouse_url, data, MAPPED / "ticket_log.yml")
    assert first.status == SUCCEEDED, first.problems
    shutil.copy(MAPPED / "ticket_log" / "ticket_log.csv", data / "ticket_log-2.csv")
    # a trailing empty line makes the second file's digest differ, so it is read rather than skipped as seen
    (data / "ticket_log-2.csv").write_bytes((data / "ticket_log-2.csv").read_bytes() + b"\r\n")
    second = _run(warehouse_url, data, MAPPED / "ticket_log.yml")
    assert second.status == SUCCEEDED, second.problems
    assert [f.status for f in second.files] == ["skipped", "loaded"]
    assert _count(warehouse_url, "raw.mapped__event_rows") == 9
    assert _count(warehouse_url, "core.fct_interaction_events") == 9


# ---------------------------------------------------------------- one message per row (Twitter style)


def test_tweets_become_social_contacts_with_one_message_each(warehouse_url: str) -> None:
    """tweets.csv (UTF-8 with a byte-order mark), 4 tweets over 6 lines (tweet 2's text spans lines 3-4):

    tweet 4 (line 6) has the timestamp "yesterday" -> quarantined on created_at. Tweets 1-3 load.
    1 cust_a inbound 22:10:47 +0000 -> customer, 2 BrandCo outbound 22:14:05 +0000 -> agent (queue BrandCo),
    3 cust_b inbound Wed Nov 01 08:00:00 +0100 -> 07:00:00 UTC.
    """
    result = _run(warehouse_url, MAPPED / "tweets", MAPPED / "tweets.yml")
    assert result.status == SUCCEEDED, result.problems
    assert _rejects(warehouse_url) == [("interaction_rows", 6, "created_at")]
    contacts = _query(
        warehouse_url,
        "select interaction_id, channel, status, customer_id, queue_id, direction from core.fct_interactions",
    ).set_index("interaction_id")
    assert sorted(contacts.index) == ["mapped:fixture:1", "mapped:fixture:2", "mapped:fixture:3"]
    assert set(contacts["channel"]) == {"social"}
    assert set(contacts["status"]) == {"closed"}
    assert contacts.loc["mapped:fixture:1", "customer_id"] == "mapped:fixture:cust_a"
    assert contacts.loc["mapped:fixture:2", "queue_id"] == "mapped:fixture:BrandCo"
    assert pd.isna(contacts.loc["mapped:fixture:2", "customer_id"])
    assert contacts["direction"].to_dict() == {
        "mapped:fixture:1": "inbound", "mapped:fixture:2": "outbound", "mapped:fixture:3": "inbound"}
    messages = _query(
        warehouse_url, "select message_id, sent_at, author_role, message_text from core.fct_messages"
    ).set_index("message_id")
    assert dict(messages["author_role"]) == {
        "mapped:fixture:1": "customer", "mapped:fixture:2": "agent", "mapped:fixture:3": "customer",
    }
    assert messages.loc["mapped:fixture:2", "message_text"] == "@cust_a Sorry! Please DM us\nthe order number."
    assert messages.loc["mapped:fixture:1", "message_text"] == "@BrandCo my order, it never came"
    assert messages.loc["mapped:fixture:1", "sent_at"] == _ts("2017-10-31 22:10:47")
    assert messages.loc["mapped:fixture:3", "sent_at"] == _ts("2017-11-01 07:00:00")
    queues = _query(warehouse_url, "select queue_name, channel from core.dim_queues")
    assert list(queues.itertuples(index=False, name=None)) == [("BrandCo", "social")]


# ---------------------------------------------------------------- an interval report


INTERVALS_BY_HAND: dict[str, dict[str, Any]] = {
    # Index: offered, answered, abandoned, ASA "0:00:20" = 20 s, talk "0:03:00" = 180 s, SL "80.00%" = 0.8
    "1": {"count_offered": 100, "count_answered": 90, "count_abandoned": 10, "avg_speed_of_answer_seconds": 20.0,
          "avg_talk_seconds": 180.0, "service_level_rate": 0.8, "answer_rate": 0.9, "abandon_rate": 0.1},
    # ASA "0:01:05" = 65 s, talk "0:02:30" = 150 s, SL "61.50%" = 0.615; 45 / 50 = 0.9, 5 / 50 = 0.1
    "2": {"count_offered": 50, "count_answered": 45, "count_abandoned": 5, "avg_speed_of_answer_seconds": 65.0,
          "avg_talk_seconds": 150.0, "service_level_rate": 0.615, "answer_rate": 0.9, "abandon_rate": 0.1},
    # no calls: rates are undefined (null), not 0
    "3": {"count_offered": 0, "count_answered": 0, "count_abandoned": 0, "avg_speed_of_answer_seconds": None,
          "avg_talk_seconds": None, "service_level_rate": None, "answer_rate": None, "abandon_rate": None},
}


def _check_intervals(url: str) -> None:
    frame = _query(url, "select * from core.fct_queue_intervals").set_index("interval_label")
    assert sorted(frame.index) == ["1", "2", "3"]
    for label, expected in INTERVALS_BY_HAND.items():
        for column, value in expected.items():
            got = frame.loc[label, column]
            if value is None:
                assert pd.isna(got), (label, column)
            else:
                assert float(got) == pytest.approx(value), (label, column)
    assert set(frame["queue_id"]) == {"mapped:fixture:main"}
    assert set(frame["channel"]) == {"voice"}
    assert frame["is_offered_balanced"].astype(bool).all()
    # speed of answer over both busy intervals, a ratio of sums: (20 * 90 + 65 * 45) / (90 + 45) = 4725 / 135
    assert float(frame["sum_speed_of_answer_seconds"].sum()) / float(frame["count_answered"].sum()) == (
        pytest.approx(35.0)
    )


def test_interval_report_lands_counts_rates_and_averages(warehouse_url: str) -> None:
    """interval_report.csv: row 4 (line 5) says "n/a" incoming calls -> quarantined on count_offered."""
    result = _run(warehouse_url, MAPPED / "interval_report", MAPPED / "interval_report.yml")
    assert result.status == SUCCEEDED, result.problems
    assert _rejects(warehouse_url) == [("interval_rows", 5, "count_offered")]
    _check_intervals(warehouse_url)


def test_interval_report_read_from_a_named_sheet_of_a_workbook(warehouse_url: str, tmp_path: Path) -> None:
    """The same three intervals as an XLSX workbook whose report is its second sheet, with numbers as numbers
    and shares as fractions (0.8 rather than "80.00%")."""
    pytest.importorskip("openpyxl")
    import xlsxwriter

    data = tmp_path / "exports"
    data.mkdir()
    workbook = xlsxwriter.Workbook(str(data / "report.xlsx"))
    workbook.add_worksheet("Notes").write(0, 0, "Exported by the ACD")
    sheet = workbook.add_worksheet("Report")
    rows = [
        ["Index", "Incoming Calls", "Answered Calls", "Abandoned Calls", "Answer Speed (AVG)", "Talk Duration (AVG)",
         "Service Level (20 Seconds)"],
        [1, 100, 90, 10, "0:00:20", "0:03:00", 0.8],
        [2, 50, 45, 5, "0:01:05", "0:02:30", 0.615],
        [3, 0, 0, 0, None, None, None],
    ]
    for row_number, row in enumerate(rows):
        for column_number, value in enumerate(row):
            if value is not None:
                sheet.write(row_number, column_number, value)
    workbook.close()
    mapping = tmp_path / "report.yml"
    mapping.write_text(
        (MAPPED / "interval_report.yml").read_text(encoding="utf-8")
        .replace("  type: csv", "  type: xlsx\n  sheet: Report")
        .replace("  stated_answer_rate: Answer Rate\n", ""),
        encoding="utf-8",
    )
    result = _run(warehouse_url, data, mapping)
    assert result.status == SUCCEEDED, result.problems
    assert _rejects(warehouse_url) == []
    _check_intervals(warehouse_url)


# ---------------------------------------------------------------- mistakes are reported, not guessed


def test_a_mapping_that_reads_a_missing_column_fails_the_file_naming_both(warehouse_url: str, tmp_path: Path) -> None:
    mapping = tmp_path / "wrong.yml"
    mapping.write_text(
        (MAPPED / "interval_report.yml").read_text(encoding="utf-8").replace("Incoming Calls", "Offered Calls"),
        encoding="utf-8",
    )
    result = _run(warehouse_url, MAPPED / "interval_report", mapping)
    assert result.status == COMPLETED_WITH_ERRORS
    (problem,) = result.problems
    assert str(mapping) in problem and "Offered Calls" in problem and "interval_report.csv" in problem


def test_an_invalid_mapping_fails_the_source_naming_the_key(warehouse_url: str, tmp_path: Path) -> None:
    mapping = tmp_path / "wrong.yml"
    mapping.write_text("shape: events\ncolumns:\n  interaction_id: Caso\n  occurred_at: Data\n", encoding="utf-8")
    result = _run(warehouse_url, MAPPED / "ticket_log", mapping)
    assert result.status == COMPLETED_WITH_ERRORS
    (problem,) = result.problems
    assert f"mapping file {mapping}: columns.event_type: required for shape events" in problem


# ---------------------------------------------------------------- JSONL with nested keys


def test_jsonl_chat_events_give_queue_outcomes(warehouse_url: str) -> None:
    """chat_events.jsonl: line 5 is cut short (not JSON) -> quarantined with its line and no field.
    C1: created 10:00:00Z, queued 10:00:05Z, answered 10:00:35Z -> 30 s in queue, above the 20 s threshold;
    ended 12:09:00+02:00 = 10:09:00 UTC -> solved; agent a7 and queue billing from the nested keys."""
    result = _run(warehouse_url, MAPPED / "chat_events", MAPPED / "chat_events.yml")
    assert result.status == SUCCEEDED, result.problems  # 1 of 5 quarantined: under the tests' 50% threshold
    assert _rejects(warehouse_url) == [("event_rows", 5, None)]
    contact = _query(
        warehouse_url,
        "select interaction_id, channel, status, agent_id, queue_id, speed_of_answer_seconds, is_answered,"
        " is_answered_within_threshold, last_solved_at from core.fct_interactions",
    )
    assert len(contact) == 1
    row = contact.iloc[0]
    assert (row["interaction_id"], row["channel"], row["status"]) == ("mapped:fixture:C1", "chat", "solved")
    assert (row["agent_id"], row["queue_id"]) == ("mapped:fixture:a7", "mapped:fixture:billing")
    assert float(row["speed_of_answer_seconds"]) == 30.0
    assert bool(row["is_answered"]) is True
    assert bool(row["is_answered_within_threshold"]) is False
    assert row["last_solved_at"] == _ts("2024-05-01 10:09:00")
