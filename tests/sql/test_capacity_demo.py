"""The volume-forecast step on the demo warehouse (six simulated months to 2026-10-31, built by the real
pipeline): a forecast for every channel, a model comparison, and a requirement for every voice and chat
interval with arrivals.

What is checked is structural or follows from the definitions, not figures read off the output:
- history ends on 2026-10-30 (the day of the latest contact, 2026-10-31, is left out as incomplete), so the
  28-day forecast covers 2026-10-31 to 2026-11-27 (2026-10-31 + 27 days);
- the chosen model has the lowest holdout MASE among the candidates that could be scored;
- each channel-day's forecast spread over its intervals sums back to the day's forecast, since the weekday's
  profile shares sum to 1 (weekdays with no contacts in the profile window excepted);
- a requirement exists for every past voice/chat interval that had arrivals and meets the target.
"""

from __future__ import annotations

import datetime as dt

import pytest

from etl.warehouse import open_reader

CHANNELS = {"voice", "chat", "email", "ticket", "social"}


def _query(url: str, sql: str):
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def test_a_forecast_per_channel_with_its_model_comparison(demo_warehouse_url: str) -> None:
    forecast = _query(demo_warehouse_url,
                      "select channel, count(*) as days, min(date_day) as first_day, max(date_day) as last_day,"
                      " min(lower_95) as min_lower, count(distinct model_name) as models"
                      " from core.fct_volume_forecast where is_forecast group by channel")
    assert set(forecast["channel"]) == CHANNELS
    assert set(forecast["days"]) == {28}
    assert {str(d)[:10] for d in forecast["first_day"]} == {"2026-10-31"}
    assert {str(d)[:10] for d in forecast["last_day"]} == {str(dt.date(2026, 10, 31) + dt.timedelta(days=27))}
    assert (forecast["min_lower"] >= 0).all()
    assert set(forecast["models"]) == {1}

    models = _query(demo_warehouse_url, "select channel, model_name, is_chosen, holdout_days, holdout_mase"
                                        " from core.fct_volume_forecast_models")
    for channel, rows in models.groupby("channel"):
        chosen = rows[rows["is_chosen"].astype(bool)]
        assert len(chosen) == 1, channel
        assert set(rows["holdout_days"]) == {28}
        scored = rows["holdout_mase"].dropna()
        assert float(chosen["holdout_mase"].iloc[0]) == pytest.approx(float(scored.min()))


def test_intervals_spread_the_daily_forecast_and_carry_a_requirement(demo_warehouse_url: str) -> None:
    check = _query(demo_warehouse_url, """
        with spread as (
            select channel, date_day, sum(forecast_contacts) as spread_contacts
            from marts.capacity_intervals where is_forecast group by channel, date_day
        ),
        profiled as (
            select distinct channel, iso_day_of_week from core.int_volume_history_profile
        )
        select f.channel, f.date_day, f.forecast_contacts, s.spread_contacts
        from core.fct_volume_forecast f
        inner join spread s on s.channel = f.channel and s.date_day = f.date_day
        inner join profiled p on p.channel = f.channel and p.iso_day_of_week = f.iso_day_of_week
        where f.is_forecast
    """)
    assert len(check) > 0
    assert (check["forecast_contacts"] - check["spread_contacts"]).abs().max() < 1e-6

    requirement = _query(demo_warehouse_url, """
        select channel, is_forecast,
            count(case when count_contacts_offered > 0 then 1 end) as busy_past_intervals,
            count(case when count_contacts_offered > 0 and agents_required >= 1 then 1 end) as staffed_past,
            count(case when forecast_contacts > 0 and agents_required >= 1 then 1 end) as staffed_future,
            count(case when forecast_contacts > 0 then 1 end) as busy_future_intervals,
            min(expected_service_level) as worst_level
        from marts.capacity_intervals
        where channel in ('voice', 'chat')
        group by channel, is_forecast
    """)
    for row in requirement.itertuples(index=False):
        if row.is_forecast:
            assert row.busy_future_intervals > 0 and row.staffed_future == row.busy_future_intervals
        else:
            assert row.busy_past_intervals > 0 and row.staffed_past == row.busy_past_intervals
        assert float(row.worst_level) >= 0.8  # the default target
