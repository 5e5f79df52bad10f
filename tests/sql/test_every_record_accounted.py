"""Issue 11, "every record accounted for", on both engines: explicit paths whatever their name, files that match
no pattern reported, JSON under unexpected or null keys, concatenated and cut-short files, nesting too deep,
the rejected share in source records, one bad file never stopping the others, and the per-file record in
ops.file_loads, `cxpulse status` and nothing lost in silence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from etl.cli import app
from etl.load import FAILED, IGNORED, LOADED, PARTIAL
from etl.pipeline import RunResult, run_pipeline
from tests.conftest import FIXTURES, make_settings, query_frame

ZENDESK = FIXTURES / "zendesk"
SALESFORCE = FIXTURES / "salesforce"
SURVEYS = FIXTURES / "surveys" / "survey-export-2026-05.csv"


def _ingest(url: str, path: Path, source_format: str, share: float = 0.5) -> RunResult:
    settings = make_settings(url, path, source_format, ingest={"max_rejected_share": share})
    return run_pipeline(settings, "ingest", do_build=False)



def _ticket(ticket_id: int) -> dict[str, object]:
    return {"id": ticket_id, "created_at": "2026-05-04T09:00:00Z", "updated_at": "2026-05-04T09:00:00Z",
            "status": "open", "subject": f"ticket {ticket_id}"}


def _balanced(report: object) -> bool:
    return report.records_read == (report.rows_loaded + report.rows_duplicate + report.rows_rejected  # type: ignore[attr-defined]
                                   + report.records_unrecoverable)  # type: ignore[attr-defined]


def test_an_explicit_path_is_read_whatever_the_case_of_its_name(warehouse_url: str, tmp_path: Path) -> None:
    upper = tmp_path / "Tickets-0001.JSON"
    shutil.copy(ZENDESK / "tickets-0001.json", upper)
    result = _ingest(warehouse_url, upper, "zendesk")
    (report,) = result.files
    assert report.status == LOADED and report.stream == "tickets"
    page = json.loads(upper.read_text(encoding="utf-8"))
    # the page holds 4 tickets, 5 side-loaded users and 2 groups: 11 rows; ticket 35441's created_at is
    # 2026-05-32, so it is quarantined: 10 loaded, 1 quarantined, 3 tickets in raw
    assert (len(page["tickets"]), len(page["users"]), len(page["groups"])) == (4, 5, 2)
    assert (report.records_read, report.rows_loaded, report.rows_rejected) == (11, 10, 1)
    assert query_frame(warehouse_url, "select count(*) as n from raw.zendesk__tickets")["n"].iat[0] == 3

    lower = tmp_path / "case.csv"
    shutil.copy(SALESFORCE / "Case.csv", lower)
    cases = pd.read_csv(lower, dtype=str)
    (case_report,) = _ingest(warehouse_url, lower, "salesforce").files
    # 6 case rows, read one by one (one of them is quarantined by the fixture's design)
    assert case_report.status == LOADED and case_report.records_read == len(cases) == 6
    assert case_report.rows_loaded + case_report.rows_rejected == 6 and case_report.rows_loaded >= 5


def test_an_explicit_path_of_a_one_kind_format_is_read_under_any_name(warehouse_url: str, tmp_path: Path) -> None:
    odd = tmp_path / "answers-may.txt"
    shutil.copy(SURVEYS, odd)
    (report,) = _ingest(warehouse_url, odd, "surveys").files
    answers = pd.read_csv(SURVEYS, dtype=str)
    assert report.status == LOADED
    assert report.records_read == len(answers) == report.rows_loaded + report.rows_rejected


def test_an_explicit_path_matching_no_kind_is_refused_with_the_patterns(warehouse_url: str, tmp_path: Path) -> None:
    odd = tmp_path / "export.json"
    shutil.copy(ZENDESK / "tickets-0001.json", odd)
    result = _ingest(warehouse_url, odd, "zendesk")
    (report,) = result.files
    assert report.status == FAILED
    assert "matches no pattern of zendesk" in str(report.error) and "tickets*.json*" in str(report.error)
    assert result.exit_code == 1 and any(str(odd) in problem for problem in result.problems)


def test_a_file_in_a_folder_matching_no_pattern_is_reported_not_skipped(warehouse_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "zendesk"
    shutil.copytree(ZENDESK, folder)
    (folder / "Tickets-0003.JSON").write_text(json.dumps({"tickets": [_ticket(70001)]}), encoding="utf-8")
    (folder / "notes.txt").write_text("exported by hand\n", encoding="utf-8")
    result = _ingest(warehouse_url, folder, "zendesk")
    by_name = {f.path.name: f for f in result.files}
    assert by_name["Tickets-0003.JSON"].status == LOADED and by_name["Tickets-0003.JSON"].rows_loaded == 1
    assert by_name["notes.txt"].status == IGNORED
    assert "ignored: matches no pattern of zendesk: organizations*.json*" in str(by_name["notes.txt"].error)
    recorded = query_frame(warehouse_url, "select source_file, status, reason from ops.file_loads")
    ignored = recorded[recorded["source_file"].str.endswith("notes.txt")]
    assert list(ignored["status"]) == ["ignored"] and "ticket_audits*.json*" in ignored["reason"].iat[0]
    # every file of the folder has its row: 6 fixture files + the two new ones
    assert len(recorded) == 8


def test_zendesk_json_records_under_other_keys_null_keys_and_concatenated_pages(warehouse_url: str,
                                                                                tmp_path: Path) -> None:
    folder = tmp_path / "zendesk"
    folder.mkdir()
    (folder / "tickets-results.json").write_text(
        json.dumps({"results": [_ticket(1), _ticket(2)], "count": 2}), encoding="utf-8")
    (folder / "tickets-null.json").write_text('{"tickets": null, "next_page": null}', encoding="utf-8")
    (folder / "tickets-two-pages.json").write_text(
        json.dumps({"tickets": [_ticket(3)]}) + "\n" + json.dumps({"tickets": [_ticket(4), _ticket(5)]}),
        encoding="utf-8")
    (folder / "tickets-ndjson.json").write_text(
        "\n".join(json.dumps(_ticket(n)) for n in (6, 7, 8)) + "\n", encoding="utf-8")
    (folder / "tickets-bare-array.json").write_text(json.dumps([_ticket(9)]), encoding="utf-8")
    result = _ingest(warehouse_url, folder, "zendesk")
    by_name = {f.path.name: f for f in result.files}
    counts = {name: (f.status, f.records_read, f.rows_loaded, f.rows_rejected) for name, f in by_name.items()}
    assert counts == {
        "tickets-results.json": (LOADED, 2, 0, 2),  # 2 records under "results": quarantined, not dropped
        "tickets-null.json": (LOADED, 0, 0, 0),
        "tickets-two-pages.json": (LOADED, 3, 3, 0),  # 1 + 2 tickets over two documents
        "tickets-ndjson.json": (LOADED, 3, 3, 0),
        "tickets-bare-array.json": (LOADED, 1, 1, 0),
    }
    assert "'tickets' is null" in str(by_name["tickets-null.json"].reason)
    reasons = query_frame(warehouse_url, "select reason from ops.rejected_records where source_file like"
                                    " '%tickets-results.json'")
    assert list(reasons["reason"]) == ["under the top-level key 'results', not 'tickets'"] * 2
    # 2 of 2 source records rejected: over the 50% threshold, named
    assert result.exit_code == 1
    assert [p for p in result.problems if "tickets-results.json" in p]
    assert all(_balanced(f) for f in result.files)


def _audits_cut_in_the_fourth(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture's first 3 audits complete, then the 4th cut in its middle; and the 3 alone for comparison."""
    audits = json.loads((ZENDESK / "ticket_audits.json").read_text(encoding="utf-8"))["audits"]
    complete = ",\n".join(json.dumps(audit) for audit in audits[:3])
    fourth = json.dumps(audits[3])
    cut = tmp_path / "cut" / "ticket_audits-cut.json"
    whole = tmp_path / "whole" / "ticket_audits-three.json"
    cut.parent.mkdir()
    whole.parent.mkdir()
    cut.write_text('{"audits": [\n' + complete + ",\n" + fourth[: len(fourth) // 2], encoding="utf-8")
    whole.write_text('{"audits": [\n' + complete + "\n]}", encoding="utf-8")
    return cut, whole


def test_a_cut_audit_export_keeps_every_complete_record_and_counts_the_cut_one(warehouse_url: str,
                                                                               tmp_path: Path) -> None:
    cut, whole = _audits_cut_in_the_fourth(tmp_path)
    (three,) = _ingest(warehouse_url, whole, "zendesk").files
    other_url = warehouse_url  # the same warehouse: the cut file's rows are the three audits' rows again
    result = _ingest(other_url, cut, "zendesk", share=0.2)
    (report,) = result.files
    assert report.status == PARTIAL and report.records_unrecoverable == 1
    # every row of the three complete audits was read again (already present), none lost
    assert report.rows_loaded + report.rows_duplicate == three.rows_loaded
    assert report.records_read == three.records_read + 1 and _balanced(report)
    # the threshold counts audits, not their event rows: 1 of 4 audits lost = 25% > 20%
    assert (report.source_records_read, report.source_records_rejected) == (4, 1)
    assert three.records_read > 5  # in rows the loss would have been under 1/6 = 16.7%, below the threshold
    assert result.exit_code == 1
    named = [p for p in result.problems if str(cut) in p]
    assert any("1 record(s) unrecoverable" in p for p in named)
    assert any("1 of 4 records rejected (25.0%)" in p for p in named)
    stored = query_frame(warehouse_url, "select status, records_unrecoverable, reason from ops.file_loads"
                                   " where source_file like '%ticket_audits-cut.json'")
    assert list(stored["status"]) == ["partial"] and list(stored["records_unrecoverable"]) == [1]
    assert "ends inside a record" in stored["reason"].iat[0]


def test_one_bad_file_never_stops_the_others(warehouse_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "zendesk"
    shutil.copytree(ZENDESK, folder)
    depth = 100_000
    (folder / "tickets-deep.json").write_text('{"tickets": [' + "[" * depth + "]" * depth + "]}",
                                               encoding="utf-8")
    (folder / "tickets-latin1.json").write_bytes('{"tickets": [{"subject": "caf\u00e9"}]}'.encode("latin-1"))
    result = _ingest(warehouse_url, folder, "zendesk")
    by_name = {f.path.name: f for f in result.files}
    assert "nested too deeply" in str(by_name["tickets-deep.json"].error)
    assert by_name["tickets-latin1.json"].status == FAILED
    assert "not valid UTF-8" in str(by_name["tickets-latin1.json"].error)
    # every fixture file still loaded: 4 + 4 tickets over the two pages, less 35441 (quarantined) = 7
    assert {f.path.name for f in result.files if f.status == LOADED} == {p.name for p in ZENDESK.iterdir()}
    assert query_frame(warehouse_url, "select count(*) as n from raw.zendesk__tickets")["n"].iat[0] == 7
    assert result.exit_code == 1
    for name in ("tickets-deep.json", "tickets-latin1.json"):
        assert any(str(folder / name) in problem for problem in result.problems)


def test_status_prints_each_file_with_its_counts(tmp_path: Path) -> None:
    folder = tmp_path / "zendesk"
    shutil.copytree(ZENDESK, folder)
    (folder / "readme.md").write_text("hello\n", encoding="utf-8")
    config = tmp_path / "cxpulse.toml"
    config.write_text(f'[warehouse]\nurl = "duckdb:///{tmp_path}/wh.duckdb"\n[ingest]\nmax_rejected_share = 0.5\n'
                      f'[[sources]]\nname = "desk"\nformat = "zendesk"\npath = "{folder}"\n', encoding="utf-8")
    runner = CliRunner(env={"COLUMNS": "400"})
    ingest = runner.invoke(app, ["ingest", "--config", str(config)])
    assert ingest.exit_code == 0, ingest.output
    assert "readme.md: ignored: matches no pattern of zendesk" in ingest.output
    status = runner.invoke(app, ["status", "--config", str(config)])
    assert status.exit_code == 0
    assert "Files of the latest runs" in status.output
    line = next(row for row in status.output.splitlines() if "tickets-0001.json" in row)
    # 4 tickets + 5 users + 2 groups read; 35441 (created 2026-05-32) quarantined; nothing unrecoverable
    assert [cell.strip() for cell in line.split("│")[5:11]] == ["loaded", "11", "10", "0", "1", "0"]
    assert "Traceback" not in status.output + ingest.output
