-- One row per channel x interval of the day (local time, [capacity] interval_minutes long), every interval
-- from the first day of history to the last forecast day: the contacts that arrived (history) or are
-- forecast (the day's forecast times the weekday's intraday share), the agents Erlang C requires for them
-- (queued channels with handle times: voice and chat), and beside it the staffing the history implies:
-- the workload handled (handle seconds) and the agents who answered contacts in the interval, plus the
-- interval report's figures where an ACD export sent them (core.fct_queue_intervals carries no staffed-agent
-- counts). Columns are additive: an average over any intervals is sum(numerator) / sum(its *_interval_seconds).
with history_days as (

    select * from {{ ref('int_volume_history_daily') }}

),

history_intervals as (

    select * from {{ ref('int_volume_history_intervals') }}

),

profile as (

    select * from {{ ref('int_volume_history_profile') }}

),

-- not materialized (here and below): a CTE read twice is materialized by PostgreSQL, and a materialized CTE has no
-- statistics, so its joins are estimated at a few rows and planned as a merge join on the channel alone that
-- compares every interval of a channel with every other (minutes instead of a second at the 50k demo)
forecast as not materialized (

    select * from {{ ref('fct_volume_forecast') }}
    where is_forecast

),

queue_intervals as (

    select * from {{ ref('fct_queue_intervals') }}

),

-- the latest run's requirement: a filter on the table (which the enrichment step analyzes), not a join with the
-- latest run, whose estimate of one row in a few hundred made the same merge join on the channel alone
requirement as not materialized (

    select *
    from {{ enriched('staffing_requirement') }}
    where model_version = '{{ var('volume_forecast_version') }}'
        and run_id = (
            select max(run_id)
            from {{ enriched('staffing_requirement') }}
            where model_version = '{{ var('volume_forecast_version') }}'
        )

),

staffed_channels as (

    select distinct channel from requirement

),

days as (

    select channel, date_day, false as is_forecast from history_days
    union all
    select channel, date_day, true as is_forecast from forecast

),

slots as (

    select cast(series.slot as integer) as interval_of_day
    from generate_series(0, {{ 1440 // var('capacity_interval_minutes') - 1 }}) as series(slot)

),

spine as (

    select
        days.channel,
        days.date_day,
        days.is_forecast,
        slots.interval_of_day,
        cast(cast(days.date_day as timestamp)
            + interval '1 minute' * (slots.interval_of_day * {{ var('capacity_interval_minutes') }}) as timestamp)
            as interval_start_local
    from days
    cross join slots

),

forecast_spread as (

    select
        forecast.channel,
        forecast.date_day,
        profile.interval_of_day,
        forecast.forecast_contacts * profile.share_of_day as forecast_contacts
    from forecast
    inner join profile
        on profile.channel = forecast.channel
        and profile.iso_day_of_week = forecast.iso_day_of_week

),

reports as (

    select
        channel,
        cast(date_trunc('day', local_start)
            + interval '1 minute' * (cast(floor(
                (cast(extract(hour from local_start) as integer) * 60
                    + cast(extract(minute from local_start) as integer))
                / {{ var('capacity_interval_minutes') }}) as integer) * {{ var('capacity_interval_minutes') }})
            as timestamp) as interval_start_local,
        sum(count_offered) as report_count_offered,
        sum(count_answered) as report_count_answered,
        sum(sum_talk_seconds) as report_sum_talk_seconds
    from (
        select
            queue_intervals.*,
            cast(((interval_start at time zone 'UTC') at time zone '{{ var('reporting_timezone') }}') as timestamp)
                as local_start
        from queue_intervals
        where interval_minutes <= {{ var('capacity_interval_minutes') }}
    ) as local_reports
    group by 1, 2

)

select
    spine.date_day,
    cast(date_trunc('week', cast(spine.date_day as timestamp)) as date) as week_start,
    spine.channel,
    spine.interval_start_local,
    cast(((spine.interval_start_local at time zone '{{ var('reporting_timezone') }}') at time zone 'UTC') as timestamp)
        as interval_start,
    cast(extract(isodow from spine.date_day) as integer) as iso_day_of_week,
    spine.interval_of_day,
    spine.is_forecast,
    {{ var('capacity_interval_minutes') }} * 60 as interval_seconds,
    case when spine.is_forecast then 0 else {{ var('capacity_interval_minutes') }} * 60 end
        as history_interval_seconds,
    case when staffed_channels.channel is not null then {{ var('capacity_interval_minutes') }} * 60 else 0 end
        as requirement_interval_seconds,
    case when not spine.is_forecast then cast(coalesce(history_intervals.count_contacts_offered, 0) as bigint) end
        as count_contacts_offered,
    case when spine.is_forecast then coalesce(forecast_spread.forecast_contacts, 0) end as forecast_contacts,
    requirement.aht_seconds,
    coalesce(requirement.traffic_erlangs, 0) as traffic_erlangs,
    case when staffed_channels.channel is not null then coalesce(requirement.agents_required, 0) end
        as agents_required,
    case when staffed_channels.channel is not null
        then cast(coalesce(requirement.agents_required, 0) * {{ var('capacity_interval_minutes') }} * 60 as bigint)
        else 0
    end as agent_seconds_required,
    case when staffed_channels.channel is not null then coalesce(requirement.agents_required_upper_80, 0) end
        as agents_required_upper_80,
    case when staffed_channels.channel is not null
        then cast(coalesce(requirement.agents_required_upper_80, 0) * {{ var('capacity_interval_minutes') }} * 60
            as bigint)
        else 0
    end as agent_seconds_required_upper_80,
    requirement.expected_service_level,
    requirement.expected_occupancy,
    requirement.expected_abandon_rate_erlang_a,
    cast(coalesce(history_intervals.count_handled, 0) as bigint) as count_handled,
    coalesce(history_intervals.sum_handle_seconds, 0) as sum_handle_seconds,
    cast(coalesce(history_intervals.count_agents_active, 0) as bigint) as count_agents_active,
    cast(coalesce(history_intervals.count_agents_active, 0) * {{ var('capacity_interval_minutes') }} * 60 as bigint)
        as agent_seconds_active,
    cast(reports.report_count_offered as bigint) as report_count_offered,
    cast(reports.report_count_answered as bigint) as report_count_answered,
    reports.report_sum_talk_seconds
from spine
left join history_intervals
    on history_intervals.channel = spine.channel
    and history_intervals.interval_start_local = spine.interval_start_local
left join forecast_spread
    on forecast_spread.channel = spine.channel
    and forecast_spread.date_day = spine.date_day
    and forecast_spread.interval_of_day = spine.interval_of_day
left join requirement
    on requirement.channel = spine.channel
    and requirement.interval_start_local = spine.interval_start_local
left join staffed_channels
    on staffed_channels.channel = spine.channel
left join reports
    on reports.channel = spine.channel
    and reports.interval_start_local = spine.interval_start_local
