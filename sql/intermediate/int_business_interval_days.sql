-- One row per business calendar x UTC day x opening span whose reach (from its opening to the next span's
-- opening) touches that day: the spans a moment of that day can fall in or after.
--
-- Finding the span a moment belongs to is then an equality join on (calendar, UTC date) plus a check among the
-- one to three candidates, instead of a range join over every span of the calendar (which PostgreSQL runs as a
-- nested loop). The last span's reach is cut at the end of the horizon.
with intervals as (

    select * from {{ ref('int_business_intervals') }}

),

horizon as (

    select * from {{ ref('int_business_horizon') }}

),

utc_days as (

    select
        cast(series.day_start as date) as utc_date,
        series.day_start
    from horizon,
        generate_series(
            cast(horizon.first_local_day - 1 as timestamp), cast(horizon.last_local_day + 1 as timestamp),
            interval '1 day'
        ) as series(day_start)

)

select
    intervals.calendar_name,
    utc_days.utc_date,
    intervals.opens_at,
    intervals.closes_at,
    intervals.next_opens_at,
    intervals.open_seconds,
    intervals.business_seconds_before
from intervals
inner join utc_days
    on utc_days.day_start < intervals.next_opens_at
    and utc_days.day_start + interval '1 day' > intervals.opens_at
