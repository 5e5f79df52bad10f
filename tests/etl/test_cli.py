"""The cxpulse command through Typer's runner: exit codes, messages, status."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from etl.cli import app
from tests.conftest import FIXTURES

runner = CliRunner(env={"COLUMNS": "250"})
SMALL = FIXTURES / "canonical_small"


def _config(tmp_path: Path, share: float) -> Path:
    path = tmp_path / "cxpulse.toml"
    path.write_text(
        f'[warehouse]\nurl = "duckdb:///{tmp_path}/wh.duckdb"\n[ingest]\nmax_rejected_share = {share}\n'
        f'[[sources]]\nname = "fixture"\nformat = "canonical"\npath = "{SMALL}"\n',
        encoding="utf-8",
    )
    return path


def test_run_fails_when_a_file_rejects_more_than_the_threshold(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--config", str(_config(tmp_path, 0.05))])
    assert result.exit_code == 1
    assert "surveys-2026-05.csv: 1 of 5 records rejected (20.0%)" in result.output


def test_run_then_status(tmp_path: Path) -> None:
    config = _config(tmp_path, 0.5)
    first = runner.invoke(app, ["run", "--config", str(config)])
    assert first.exit_code == 0, first.output
    assert "8 file(s) loaded" in first.output
    second = runner.invoke(app, ["run", "--config", str(config)])
    assert second.exit_code == 0
    assert "nothing changed since run 1 at " in second.output
    assert ": no work done (--force runs anyway)" in second.output
    again = runner.invoke(app, ["ingest", "--config", str(config)])
    assert again.exit_code == 0
    assert "0 file(s) loaded, 8 already loaded and skipped; 0 rows added" in again.output
    status = runner.invoke(app, ["status", "--config", str(config)])
    assert status.exit_code == 0
    assert "fct_interactions" in status.output
    assert "not one of voice, chat, email, ticket, social" in status.output
    build = runner.invoke(app, ["build", "--config", str(config), "--quiet"])
    assert build.exit_code == 0
    assert build.output.strip() == ""


def test_one_off_ingest_of_paths_then_build(tmp_path: Path) -> None:
    config = _config(tmp_path, 0.5)
    loaded = runner.invoke(app, ["ingest", "--config", str(config), "--format", "canonical", str(SMALL / "queues.csv")])
    assert loaded.exit_code == 0, loaded.output
    assert "1 file(s) loaded" in loaded.output
    assert runner.invoke(app, ["build", "--config", str(config)]).exit_code == 0


def test_a_missing_path_is_named_and_the_run_fails(tmp_path: Path) -> None:
    config = _config(tmp_path, 0.5)
    result = runner.invoke(app, ["ingest", "--config", str(config), str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "nowhere" in result.output
    assert "path not found" in result.output


def test_a_missing_config_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--config", str(tmp_path / "absent.toml")])
    assert result.exit_code == 2
    assert "configuration file not found" in result.output


def test_status_without_a_warehouse_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--config", str(_config(tmp_path, 0.5))])
    assert result.exit_code == 2
    assert "no warehouse" in result.output
