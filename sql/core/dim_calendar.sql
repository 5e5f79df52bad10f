-- One row per day from the day before the first contact to the day after the last one.
with interactions as (

    select * from {{ ref('int_interactions_unioned') }}

),

bounds as (

    select
        cast(min(created_at) as date) - 1 as first_day,
        cast(max(created_at) as date) + 1 as last_day
    from interactions

),

days as (

    select cast(series.day_start as date) as date_day
    from bounds,
        generate_series(
            cast(bounds.first_day as timestamp), cast(bounds.last_day as timestamp), interval '1 day'
        ) as series(day_start)

)

select
    date_day,
    cast(date_trunc('week', cast(date_day as timestamp)) as date) as week_start,
    cast(date_trunc('month', cast(date_day as timestamp)) as date) as month_start,
    cast(extract(isodow from date_day) as integer) as iso_day_of_week,
    cast(extract(isodow from date_day) as integer) in (6, 7) as is_weekend
from days
