-- One row per business calendar x local day x opening span: when the calendar is open, in naive UTC.
--
-- Each calendar's weekly hours (seed calendar_hours, local times; '24:00:00' is midnight at the end of the day)
-- are laid over every local day of the horizon (int_business_horizon), holidays (local dates) removed, and
-- converted local -> UTC through the calendar's own time zone, so a day of a DST change is 23 or 25 hours long
-- and a span keeps its local opening hours on both sides of the change. Spans of one calendar that overlap
-- are clipped so no second is counted twice; empty spans are dropped.
--
-- business_seconds_before is the calendar's open time before this span (a running total from the start of the
-- horizon): the business time between two moments is the difference of their positions on this axis
-- (int_interaction_business_durations, fct_sla_events), and a target is walked forward by finding the span in
-- which a position is reached. next_opens_at is the next span's opening (a far-future sentinel for the last).
with horizon as (

    select * from {{ ref('int_business_horizon') }}

),

hours as (

    select
        calendar_name,
        timezone,
        iso_weekday,
        cast(substr(opens_local, 1, 2) as integer) * 3600 + cast(substr(opens_local, 4, 2) as integer) * 60
            + cast(substr(opens_local, 7, 2) as integer) as opens_second_of_day,
        cast(substr(closes_local, 1, 2) as integer) * 3600 + cast(substr(closes_local, 4, 2) as integer) * 60
            + cast(substr(closes_local, 7, 2) as integer) as closes_second_of_day
    from {{ seed('calendar_hours') }}

),

holidays as (

    select * from {{ seed('calendar_holidays') }}

),

local_days as (

    select cast(series.day_start as date) as local_date
    from horizon,
        generate_series(
            cast(horizon.first_local_day as timestamp), cast(horizon.last_local_day as timestamp), interval '1 day'
        ) as series(day_start)

),

local_spans as (

    select
        hours.calendar_name,
        hours.timezone,
        local_days.local_date,
        cast(local_days.local_date as timestamp) + interval '1 second' * hours.opens_second_of_day
            as opens_local_at,
        cast(local_days.local_date as timestamp) + interval '1 second' * hours.closes_second_of_day
            as closes_local_at
    from local_days
    inner join hours
        on hours.iso_weekday = cast(extract(isodow from local_days.local_date) as integer)
    left join holidays
        on holidays.calendar_name = hours.calendar_name
        and holidays.holiday_date = local_days.local_date
    where holidays.holiday_date is null

),

utc_spans as (

    select
        calendar_name,
        timezone,
        local_date,
        cast((opens_local_at at time zone timezone) at time zone 'UTC' as timestamp) as opens_at,
        cast((closes_local_at at time zone timezone) at time zone 'UTC' as timestamp) as closes_at
    from local_spans

),

clipped as (

    select
        calendar_name,
        timezone,
        local_date,
        greatest(
            opens_at,
            coalesce(
                max(closes_at) over (
                    partition by calendar_name order by opens_at, closes_at
                    rows between unbounded preceding and 1 preceding
                ),
                opens_at
            )
        ) as opens_at,
        closes_at
    from utc_spans

),

open_spans as (

    select
        calendar_name,
        timezone,
        local_date,
        opens_at,
        closes_at,
        {{ seconds_between('opens_at', 'closes_at') }} as open_seconds
    from clipped
    where closes_at > opens_at

)

select
    calendar_name,
    timezone,
    local_date,
    opens_at,
    closes_at,
    open_seconds,
    coalesce(
        sum(open_seconds) over (
            partition by calendar_name order by opens_at rows between unbounded preceding and 1 preceding
        ),
        0
    ) as business_seconds_before,
    coalesce(
        lead(opens_at) over (partition by calendar_name order by opens_at),
        cast('2999-12-31 00:00:00' as timestamp)
    ) as next_opens_at
from open_spans
