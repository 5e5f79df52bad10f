"""Journeys on the simulated operation (the session's demo warehouse): every contact accounted for, the episode
walk reproduced by an independent pandas walk over core.fct_interactions, the mart reconciling with the
core tables, and PostgreSQL giving the same figures as DuckDB."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.pipeline import run_pipeline
from etl.warehouse import open_reader
from tests.conftest import demo_source_entries, make_settings

WINDOW = pd.Timedelta(days=7)
JOURNEY_SUMS = (
    "select sum(count_contacts) as contacts, sum(count_repeat_eligible_contacts) as eligible,"
    " sum(count_repeat_contacts) as repeats, sum(count_channel_switches) as switches,"
    " sum(count_fcr_eligible_contacts) as fcr_eligible, sum(count_first_contact_resolved) as fcr_resolved,"
    " sum(count_fcr_censored_contacts) as censored, sum(count_customer_days) as customer_days,"
    " sum(count_episodes) as episodes, sum(count_episodes_determined) as determined,"
    " sum(count_episodes_resolved) as resolved, sum(sum_touches_resolved_episodes) as touches,"
    " sum(sum_episode_resolution_seconds) as resolution_seconds,"
    " sum(count_episodes_confirmed) as confirmed, sum(count_episodes_no_return) as no_return,"
    " sum(count_episodes_tone_not_negative) as tone, sum(count_episodes_unconfirmed) as unconfirmed"
    " from marts.journey_daily"
)


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


@pytest.mark.slow
def test_the_episode_walk_matches_pandas_on_the_demo(demo_warehouse_url: str) -> None:
    contacts = _query(
        demo_warehouse_url,
        "select i.interaction_id, i.customer_key, i.intent, i.created_at, e.episode_seq, e.is_repeat_contact,"
        " e.has_return_within_window, e.is_return_censored"
        " from core.fct_interactions i left join core.int_contact_episodes e"
        " on e.interaction_id = i.interaction_id",
    )
    assert contacts["episode_seq"].notna().all()  # every contact has its row
    contacts["created_at"] = pd.to_datetime(contacts["created_at"])
    data_end = contacts["created_at"].max()
    known = contacts[(contacts["intent"] != "unclassified") & contacts["customer_key"].notna()]
    known = known.sort_values(["customer_key", "intent", "created_at", "interaction_id"])
    expected_seq, expected_return = {}, {}
    for _, group in known.groupby(["customer_key", "intent"], sort=False):
        times, ids = list(group["created_at"]), list(group["interaction_id"])
        start, seq = None, 0
        for position, (interaction_id, created) in enumerate(zip(ids, times, strict=True)):
            if start is None or created > start + WINDOW:
                start, seq = created, 0
            seq += 1
            expected_seq[interaction_id] = seq
            following = times[position + 1] if position + 1 < len(times) else None
            returned = following is not None and following <= created + WINDOW
            # a contact whose window reaches past the data's end is undetermined, return seen or not
            expected_return[interaction_id] = None if created + WINDOW > data_end else returned
    ours = known.set_index("interaction_id")
    assert {k: int(v) for k, v in ours["episode_seq"].items()} == expected_seq
    assert {k: (None if pd.isna(v) else bool(v)) for k, v in ours["has_return_within_window"].items()} == \
        expected_return
    # the simulator sends customers back across channels: repeats and switches exist
    assert sum(1 for s in expected_seq.values() if s > 1) > 50


@pytest.mark.slow
def test_the_mart_reconciles_with_the_core_tables(demo_warehouse_url: str) -> None:
    sums = _query(demo_warehouse_url, JOURNEY_SUMS).iloc[0].astype(float)
    interactions = float(_query(demo_warehouse_url, "select count(*) from core.fct_interactions").iloc[0, 0])
    episodes = _query(
        demo_warehouse_url,
        "select count(*) as episodes, sum(count_contacts) as contacts,"
        " sum(case when is_resolved then count_contacts else 0 end) as touches,"
        " sum(case when confidence_level not in ('censored', 'undetermined') then 1 else 0 end) as determined"
        " from core.fct_episodes",
    ).iloc[0].astype(float)
    assert sums["contacts"] == interactions == episodes["contacts"]
    assert sums["episodes"] == episodes["episodes"]
    assert sums["touches"] == episodes["touches"]
    assert sums["determined"] == episodes["determined"]
    # the four rungs share the denominator and add up to it
    assert sums["confirmed"] + sums["no_return"] + sums["tone"] + sums["unconfirmed"] == sums["determined"]
    assert sums["switches"] > 0
    assert 0 < sums["fcr_resolved"] < sums["fcr_eligible"] <= sums["eligible"] - sums["censored"]


@pytest.mark.pg
@pytest.mark.slow
def test_postgresql_and_duckdb_agree_on_the_journey_figures(demo_exports: Path, demo_warehouse_url: str,
                                                            pg_database_url: str) -> None:
    settings = make_settings(pg_database_url, demo_exports, sources=demo_source_entries(demo_exports))
    assert run_pipeline(settings, "run").exit_code == 0
    duck = _query(demo_warehouse_url, JOURNEY_SUMS).iloc[0].astype(float)
    pg = _query(pg_database_url, JOURNEY_SUMS).iloc[0].astype(float)
    pd.testing.assert_series_equal(pg, duck, rtol=1e-9)
    levels = "select confidence_level, channel_path, count(*) as n from core.fct_episodes group by 1, 2 order by 1, 2"
    pd.testing.assert_frame_equal(_query(pg_database_url, levels).astype({"n": int}),
                                  _query(demo_warehouse_url, levels).astype({"n": int}))
