"""Data health's per-file section through AppTest: every file with what became of its records, texts as data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.pipeline import run_pipeline
from tests.conftest import FIXTURES, make_settings

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def test_data_health_lists_each_file_with_its_counts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "zendesk"
    shutil.copytree(FIXTURES / "zendesk", folder)
    # a name matching no pattern, holding markup that must never be rendered
    (folder / "**bold** <script>notes.txt").write_text("hello\n", encoding="utf-8")
    # a page cut inside its second ticket: 1 ticket loaded, 1 unrecoverable
    (folder / "tickets-0003.json").write_text(
        '{"tickets": [{"id": 71, "created_at": "2026-05-04T09:00:00Z", "updated_at": "2026-05-04T09:00:00Z",'
        ' "status": "open"}, {"id": 72, "sta', encoding="utf-8")
    url = f"duckdb:///{tmp_path / 'files.duckdb'}"
    result = run_pipeline(make_settings(url, folder, "zendesk"), "run")
    assert result.exit_code == 1
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("app_pages/data_health/page.py")
    at.run()
    assert not at.exception
    assert "Files" in [element.value for element in at.subheader]
    files = next(element.value for element in at.dataframe if "records_unrecoverable" in element.value.columns)
    by_name = {Path(path).name: row for path, row in zip(files["source_file"], files.to_dict("records"),
                                                          strict=True)}
    cut = by_name["tickets-0003.json"]
    assert (cut["status"], cut["records_read"], cut["rows_loaded"], cut["records_unrecoverable"]) == (
        "Partly loaded: records lost", 2, 1, 1)
    assert by_name["**bold** <script>notes.txt"]["status"] == "Ignored: name matches no pattern"
    # the file that lost records comes first
    assert Path(files["source_file"].iat[0]).name == "tickets-0003.json"
    # a file name is data in a table, never markdown
    assert not any("notes" in str(element.value) for element in at.markdown)
