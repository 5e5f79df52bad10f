"""The example mappings in mappings/ on the real public data sets in ../shared/data, through the real pipeline
(DuckDB), against figures published by others (each data set's SOURCE.md and upstream readme).

  helpdesk_italian/finale.csv: upstream readme "21348 events, 4580 cases, 14 activities"; SOURCE.md: 22 resources.
  twcs_random5000/twcs_small.csv: SOURCE.md "2,718 inbound and 2,282 outbound rows"; top brands AmazonHelp 299,
    AppleSupport 211, Uber_Support 106.
  callcenter_interval_kaggle: SOURCE.md "1,251 intervals"; "Incoming = Answered + Abandoned holds in all 1,251
    rows"; the stated Answer Rate matches Answered / Incoming "to within 0.006 percentage points".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import REPO_ROOT, SHARED_DATA, make_settings

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
MAPPINGS = REPO_ROOT / "mappings"


def _load(tmp_path: Path, data_file: Path, mapping: str) -> str:
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    source = {"name": "real", "format": "mapped", "path": str(data_file), "mapping": str(MAPPINGS / mapping)}
    result = run_pipeline(make_settings(url, data_file, sources=[source]), "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 0
    return url


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _one(url: str, sql: str) -> float:
    return float(_query(url, sql).iloc[0, 0])


def test_helpdesk_event_log_reproduces_the_upstream_counts(tmp_path: Path) -> None:
    url = _load(tmp_path, SHARED_DATA / "helpdesk_italian" / "finale.csv", "helpdesk_italian.yml")
    # all 21,348 rows are events, the 127 rows that repeat an earlier row exactly included
    assert _one(url, "select count(*) from raw.mapped__event_rows") == 21_348
    assert _one(url, "select count(*) from core.fct_interaction_events") == 21_348
    assert _one(url, "select count(distinct activity) from raw.mapped__event_rows") == 14
    assert _one(url, "select count(distinct reason) from core.fct_interaction_events") == 14
    assert _one(url, "select count(*) from core.fct_interactions where interaction_id like 'mapped:real:%'") == 4_580
    assert _one(url, "select count(*) from core.dim_agents") == 22


def test_helpdesk_activity_counts_match_the_recount(tmp_path: Path) -> None:
    """SOURCE.md's recount of finale.csv: Take in charge ticket 5060, Resolve ticket 4983, Closed 4574,
    Require upgrade 119 (not a reference figure, but an independent count with pandas)."""
    url = _load(tmp_path, SHARED_DATA / "helpdesk_italian" / "finale.csv", "helpdesk_italian.yml")
    counts = _query(url, "select activity, count(*) as n from raw.mapped__event_rows group by activity")
    by_activity = {a: int(n) for a, n in counts.itertuples(index=False)}
    assert by_activity["Take in charge ticket"] == 5_060
    assert by_activity["Resolve ticket"] == 4_983
    assert by_activity["Closed"] == 4_574
    assert by_activity["Require upgrade"] == 119


def test_twitter_sample_reproduces_the_inbound_and_outbound_split(tmp_path: Path) -> None:
    url = _load(tmp_path, SHARED_DATA / "twcs_random5000" / "twcs_small.csv", "twcs.yml")
    roles = _query(url, "select author_role, count(*) as n from core.fct_messages group by author_role")
    assert {r: int(n) for r, n in roles.itertuples(index=False)} == {"customer": 2_718, "agent": 2_282}
    assert _one(url, "select count(*) from core.fct_interactions where channel = 'social'") == 5_000
    # SOURCE.md: 2,718 inbound and 2,282 outbound rows; the brand's own tweets are outbound, not contacts
    directions = _query(url, "select direction, count(*) as n from core.fct_interactions group by direction")
    assert {d: int(n) for d, n in directions.itertuples(index=False)} == {"inbound": 2_718, "outbound": 2_282}
    brands = _query(
        url,
        "select q.queue_name, count(*) as n from core.fct_interactions i join core.dim_queues q"
        " on q.queue_id = i.queue_id group by q.queue_name",
    )
    by_brand = {b: int(n) for b, n in brands.itertuples(index=False)}
    assert (by_brand["AmazonHelp"], by_brand["AppleSupport"], by_brand["Uber_Support"]) == (299, 211, 106)


def test_interval_report_balances_in_every_interval(tmp_path: Path) -> None:
    url = _load(tmp_path, SHARED_DATA / "callcenter_interval_kaggle" / "call_center_data_raw.csv",
                "callcenter_interval.yml")
    assert _one(url, "select count(*) from raw.mapped__interval_rows") == 1_251
    assert _one(
        url, "select count(*) from raw.mapped__interval_rows where count_offered = count_answered + count_abandoned"
    ) == 1_251
    assert _one(url, "select count(*) from core.fct_queue_intervals where is_offered_balanced") == 1_251
    # 0.006 percentage points = 0.00006 as a share
    assert _one(url, "select max(abs(answer_rate - stated_answer_rate)) from core.fct_queue_intervals") <= 0.00006
