"""The one place where DuckDB and PostgreSQL differ."""

from __future__ import annotations

import pytest

from etl.dialect import after_build_statements, after_enrichment_statements, duckdb_params, local_date


def test_named_parameters_become_duckdb_style_outside_literals_and_casts() -> None:
    sql = "select 'amazon_connect:' || id, x::text from t where a = :start and b = any(:channels) and c = 'a:b''c:d'"
    assert duckdb_params(sql) == (
        "select 'amazon_connect:' || id, x::text from t where a = $start and b = any($channels) and c = 'a:b''c:d'"
    )


def test_local_date_refuses_anything_but_a_zone_name() -> None:
    assert "at time zone 'Europe/Rome'" in local_date("created_at", "Europe/Rome")
    with pytest.raises(ValueError, match="not a time zone name"):
        local_date("created_at", "UTC'; drop table x; --")


def test_only_postgresql_gets_indexes_after_a_build() -> None:
    assert after_build_statements("duckdb", "core.fct_x__next", ["created_at"], "ab12") == []
    statements = after_build_statements("postgresql", "core.fct_x__next", ["created_at"], "ab12")
    assert statements[0] == "create index fct_x__next_created_at_ab12 on core.fct_x__next using brin (created_at)"
    assert statements[-1] == "analyze core.fct_x__next"


def test_only_postgresql_analyzes_what_an_enrichment_step_wrote() -> None:
    tables = ["core.enr_staffing_requirement", "core.enr_volume_forecast"]
    assert after_enrichment_statements("duckdb", tables) == []
    assert after_enrichment_statements("postgresql", tables) == [
        "analyze core.enr_staffing_requirement", "analyze core.enr_volume_forecast"]
