"""`cxpulse run` on PostgreSQL gives the same row counts and figures as on DuckDB (demo data)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.pipeline import run_pipeline
from etl.status import read_status
from etl.warehouse import open_reader
from tests.conftest import demo_operation, demo_source_entries, make_settings

MART_SUMS = (
    "select sum(count_interactions) as count_interactions, sum(count_first_replies) as count_first_replies,"
    " sum(sum_first_reply_seconds) as sum_first_reply_seconds, sum(count_offered) as count_offered,"
    " sum(count_answered_within_threshold) as count_answered_within_threshold,"
    " sum(count_abandoned) as count_abandoned, sum(count_csat_responses) as count_csat_responses,"
    " sum(count_csat_satisfied) as count_csat_satisfied,"
    " sum(count_sentiment_interactions) as count_sentiment_interactions,"
    " sum(sum_customer_sentiment) as sum_customer_sentiment from marts.service_daily"
)
WEEKLY = (
    "select week_start, channel, sum(count_interactions) as interactions, sum(count_offered) as offered"
    " from marts.service_daily group by week_start, channel order by week_start, channel"
)


def _snapshot(url: str) -> tuple[dict[str, int], pd.Series, pd.DataFrame]:
    reader = open_reader(url)
    try:
        tables = read_status(reader).tables
        counts = {f"{s}.{t}": int(n) for s, t, n in tables.itertuples(index=False) if s != "ops"}
        sums = reader.query_df(MART_SUMS).iloc[0].astype(float)
        weekly = reader.query_df(WEEKLY)
    finally:
        reader.close()
    weekly["week_start"] = pd.to_datetime(weekly["week_start"]).dt.date
    return counts, sums, weekly.astype({"interactions": int, "offered": int})


@pytest.mark.pg
@pytest.mark.slow
def test_postgresql_and_duckdb_agree_on_the_demo(demo_exports: Path, demo_warehouse_url: str,
                                                pg_database_url: str) -> None:
    settings = make_settings(pg_database_url, demo_exports, sources=demo_source_entries(demo_exports),
                             **demo_operation())
    result = run_pipeline(settings, "run")
    assert result.exit_code == 0, result.problems
    duck_counts, duck_sums, duck_weekly = _snapshot(demo_warehouse_url)
    pg_counts, pg_sums, pg_weekly = _snapshot(pg_database_url)
    assert pg_counts == duck_counts
    assert duck_counts["core.fct_interactions"] > 1_000
    pd.testing.assert_series_equal(pg_sums, duck_sums, rtol=1e-9)
    pd.testing.assert_frame_equal(pg_weekly, duck_weekly)
