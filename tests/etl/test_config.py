"""Settings from cxpulse.toml and the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import DEFAULT_WAREHOUSE_URL, ConfigError, load_settings


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CXPULSE_CONFIG", raising=False)
    monkeypatch.delenv("CXPULSE_WAREHOUSE_URL", raising=False)
    settings = load_settings()
    assert settings.warehouse_url == DEFAULT_WAREHOUSE_URL.replace("///data", f"///{tmp_path}/data")
    assert settings.metrics.service_level_seconds == 20


def test_file_values_relative_paths_and_environment_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "cxpulse.toml"
    config.write_text(
        '[warehouse]\nurl = "duckdb:///wh/x.duckdb"\n'
        "[metrics]\nservice_level_seconds = 30\n"
        "[targets]\nservice_level = 0.9\n"
        '[[sources]]\nname = "zd"\nformat = "canonical"\npath = "exports"\ntimezone = "Europe/Rome"\n',
        encoding="utf-8",
    )
    monkeypatch.delenv("CXPULSE_WAREHOUSE_URL", raising=False)
    monkeypatch.setenv("CXPULSE_CONFIG", str(config))
    settings = load_settings()
    assert settings.warehouse_url == f"duckdb:///{tmp_path}/wh/x.duckdb"
    assert settings.sources[0].path == tmp_path / "exports"
    assert settings.sources[0].timezone == "Europe/Rome"
    assert settings.metrics.service_level_seconds == 30
    assert settings.targets == {"service_level": 0.9}
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", "postgresql+psycopg://u@h/db")
    assert load_settings().warehouse_url == "postgresql+psycopg://u@h/db"


def test_a_named_file_that_is_missing_or_broken_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[warehouse\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cannot read configuration file .*broken\.toml"):
        load_settings(broken)
    incomplete = tmp_path / "incomplete.toml"
    incomplete.write_text('[[sources]]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks format, path"):
        load_settings(incomplete)
