"""Dashboard test scaffolding: the timeviews warehouse (tests/fixtures/timeviews: three sources with their own
time and two interval reports), built once per test module and engine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import postgres_url
from tests.conftest import FIXTURES, make_settings, pg_server_url

TIMEVIEWS = FIXTURES / "timeviews"


def timeviews_sources(folder: Path = TIMEVIEWS) -> list[dict[str, object]]:
    """The `[[sources]]` of the timeviews fixture: a canonical desk (May 2026), an old mapped ticket log (March
    2024), a dated and an undated mapped interval report."""
    return [
        {"name": "desk", "format": "canonical", "path": str(folder / "desk")},
        {"name": "old_log", "format": "mapped", "path": str(folder / "old_log"),
         "mapping": str(folder / "old_log.yml")},
        {"name": "acd", "format": "mapped", "path": str(folder / "acd"), "mapping": str(folder / "acd.yml")},
        {"name": "numbered", "format": "mapped", "path": str(folder / "acd_undated"),
         "mapping": str(folder / "acd_undated.yml")},
    ]


def build_timeviews(url: str) -> str:
    result = run_pipeline(make_settings(url, TIMEVIEWS, sources=timeviews_sources()), "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 0
    return url


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def timeviews_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The timeviews warehouse on each engine, built once for the module."""
    if request.param == "duckdb":
        yield build_timeviews(f"duckdb:///{tmp_path_factory.mktemp('timeviews') / 'warehouse.duckdb'}")
        return
    server = pg_server_url()
    assert server is not None
    name = f"cxpulse_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url(server), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'create database "{name}"'))
    try:
        yield build_timeviews(sa.make_url(postgres_url(server)).set(database=name).render_as_string(
            hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


@pytest.fixture(scope="module")
def timeviews_duckdb_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The timeviews warehouse on DuckDB alone (for AppTest, which reads the file the app would)."""
    return build_timeviews(f"duckdb:///{tmp_path_factory.mktemp('timeviews_app') / 'warehouse.duckdb'}")
