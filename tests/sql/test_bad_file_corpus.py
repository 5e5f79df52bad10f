"""The bad-file corpus (tests/fixtures/bad_files, written by tests/bad_files_corpus.py), mixed with the good
files of every format, through `cxpulse ingest` in one run: no traceback, every file and every record accounted
for, every loss named with a non-zero exit, every good file still loaded. On DuckDB for the whole corpus; on
PostgreSQL for a subset of sources (one per kind of reader), to keep the run short."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from etl.cli import app
from tests.conftest import FIXTURES, query_frame

CORPUS = FIXTURES / "bad_files"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
PG_SOURCES = ("zendesk", "canonical", "mapped_xlsx", "transcripts", "canonical_unknown_timezone")
COUNTS = {"read": "records_read", "loaded": "rows_loaded", "quarantined": "records_quarantined",
          "unrecoverable": "records_unrecoverable"}


def _config(tmp_path: Path, url: str, sources: list[str]) -> Path:
    lines = [f'[warehouse]\nurl = "{url}"\n[ingest]\nmax_rejected_share = 1.0\n']
    for name in sources:
        spec = MANIFEST["sources"][name]
        lines.append(f'[[sources]]\nname = "{name}"\nformat = "{spec["format"]}"\npath = "{CORPUS / name}"\n'
                     f'timezone = "{spec["timezone"]}"\n')
        for key, value in spec["options"].items():
            shown = str(CORPUS / str(value)) if key == "mapping" else str(value)
            lines.append(f'{key} = "{shown}"\n')
    config = tmp_path / "cxpulse.toml"
    config.write_text("".join(lines), encoding="utf-8")
    return config



def _run_corpus(tmp_path: Path, url: str, sources: list[str]) -> None:
    runner = CliRunner(env={"COLUMNS": "4000"})
    result = runner.invoke(app, ["ingest", "--config", str(_config(tmp_path, url, sources))])
    # 0 tracebacks: no exception escapes the command, none is printed
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    expected = pd.DataFrame([f for f in MANIFEST["files"] if f["source"] in sources])
    files = query_frame(url, "select * from ops.file_loads")
    files["file"] = files["source_file"].map(lambda p: Path(p).name)
    merged = expected.merge(files, left_on=["source", "file"], right_on=["source_name", "file"], how="outer",
                            indicator=True)
    # every file of the corpus has exactly one outcome; no outcome for a file the corpus does not hold
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", ["source", "file", "_merge"]]
    assert len(files) == len(expected)
    # every record accounted for, file by file
    balance = files["rows_loaded"] + files["rows_duplicate"] + files["records_quarantined"] + files[
        "records_unrecoverable"]
    assert (files["records_read"] == balance).all(), files.loc[files["records_read"] != balance]
    assert (files["rows_duplicate"] >= 0).all()
    wrong = []
    merged = merged.rename(columns={"status_x": "expected_status", "status_y": "status"})
    for row in merged.to_dict("records"):
        if row["status"] not in row["expected_status"]:
            wrong.append((row["source"], row["file"], "status", row["status"], row["reason"]))
        for key, column in COUNTS.items():
            if row[key] is not None and not pd.isna(row[key]) and int(row[key]) != int(row[column]):
                wrong.append((row["source"], row["file"], key, int(row[column]), int(row[key])))
        lost = row["status"] == "failed" or int(row["records_unrecoverable"]) > 0
        if row["lost"] is not None and not pd.isna(row["lost"]) and bool(row["lost"]) != lost:
            wrong.append((row["source"], row["file"], "lost", lost, row["reason"]))
        if lost and not row["reason"]:
            wrong.append((row["source"], row["file"], "a loss without a reason"))
    assert wrong == [], "\n".join(map(str, wrong))
    # every quarantined record is in ops.rejected_records with its reason
    rejected = query_frame(url, "select source_file, count(*) as n, count(reason) as with_reason"
                           " from ops.rejected_records group by source_file")
    quarantined = files.groupby("source_file")["records_quarantined"].sum()
    by_file = rejected.set_index("source_file")
    assert (by_file["n"] == by_file["with_reason"]).all()
    assert {f: int(n) for f, n in quarantined.items() if n} == {f: int(n) for f, n in by_file["n"].items()}
    # any loss: exit non-zero, every such file named in the run's problems and on the screen
    losing = files[(files["status"] == "failed") | (files["records_unrecoverable"] > 0)]
    assert len(losing) > 0 and result.exit_code == 1
    runs = query_frame(url, "select message from ops.runs order by run_id desc limit 1")
    message = str(runs["message"].iat[0])
    unnamed = [path for path in losing["source_file"] if path not in message or path not in result.output]
    assert unnamed == []
    # every good file of the run still loaded
    good = merged[merged["good"].astype(bool)]
    assert set(good["status"]) == {"loaded"}


def test_the_corpus_on_duckdb(tmp_path: Path) -> None:
    assert len([f for f in MANIFEST["files"] if not f["good"]]) >= 300
    _run_corpus(tmp_path, f"duckdb:///{tmp_path / 'corpus.duckdb'}", list(MANIFEST["sources"]))


@pytest.mark.pg
def test_a_subset_of_the_corpus_on_postgresql(tmp_path: Path, pg_database_url: str) -> None:
    _run_corpus(tmp_path, pg_database_url, list(PG_SOURCES))
