"""Scaffolding shared by the dashboard's tests: a small warehouse built by the real pipeline."""

from __future__ import annotations

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
