-- One row per reporting day x channel x source system x queue x team x intent x intent basis x segment x service path that has open work at
-- the end of the day: the backlog and its age.
--
-- The backlog is the work waiting for people: contacts other than voice calls, abandoned contacts and contacts a
-- bot handled alone. A contact is open at the end of a day (midnight in the reporting time zone) when it was
-- created before then and neither solved nor closed by then; it stops being open at its last solve or its close,
-- whichever comes first (the time between a first solve and a reopen counts as open: we keep only the first and
-- last solve). A contact marked solved or closed without the time it happened is never counted. Each source
-- system x channel keeps its own time: its days run from its first contact's day to the day its own data ends
-- (its latest creation, update or close), and that last day is read as of then. A source whose export
-- stopped years ago therefore shows no backlog after its end, instead of the contacts it left open ageing for
-- ever.
-- Ages run from creation to the end of the day (in hours and in seconds). A backlog is a stock: summing
-- count_open over several days gives contact-days (the catalog's backlog metrics say how to read it).
with interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

queues as (

    select * from {{ ref('dim_queues') }}

),

series_ends as (

    select * from {{ ref('fct_source_data_ends') }}

),

work as (

    select
        interactions.*,
        coalesce(queues.queue_name, interactions.queue_id) as queue_name,
        case
            when least(
                case when interactions.last_solved_at >= interactions.created_at then interactions.last_solved_at end,
                case when interactions.closed_at >= interactions.created_at then interactions.closed_at end
            ) is not null
                then least(
                    case when interactions.last_solved_at >= interactions.created_at
                        then interactions.last_solved_at end,
                    case when interactions.closed_at >= interactions.created_at then interactions.closed_at end
                )
            when interactions.status in ('solved', 'closed', 'abandoned') then interactions.created_at
        end as open_until_at
    from interactions
    left join queues
        on queues.queue_id = interactions.queue_id
    where interactions.channel <> 'voice'
        and not interactions.is_abandoned
        and interactions.service_path <> 'bot_only'

),

series as (

    select
        work.source_system,
        work.channel,
        min(work.date_day) as first_day,
        min({{ local_date('series_ends.data_ended_at', var('reporting_timezone')) }}) as last_day
    from work
    inner join series_ends
        on series_ends.source_system = work.source_system
        and series_ends.channel = work.channel
    group by work.source_system, work.channel

),

bounds as (

    select min(first_day) as first_day, max(last_day) as last_day from series

),

days as (

    select
        cast(series.day_start as date) as date_day,
        cast(
            ((series.day_start + interval '1 day') at time zone '{{ var('reporting_timezone') }}') at time zone 'UTC'
            as timestamp
        ) as day_end_at
    from bounds,
        generate_series(
            cast(bounds.first_day as timestamp), cast(bounds.last_day as timestamp), interval '1 day'
        ) as series(day_start)

),

open_at_day_end as (

    select
        days.date_day,
        work.channel,
        work.source_system,
        work.queue_id,
        work.queue_name,
        work.team_name,
        work.intent,
        work.intent_basis,
        work.segment,
        work.service_path,
        {{ seconds_between('work.created_at', 'days.day_end_at') }} as age_seconds
    from work
    inner join series
        on series.source_system = work.source_system
        and series.channel = work.channel
    inner join days
        on work.created_at < days.day_end_at
        and (work.open_until_at is null or work.open_until_at > days.day_end_at)
        and days.date_day between series.first_day and series.last_day

)

select
    date_day,
    cast(date_trunc('week', cast(date_day as timestamp)) as date) as week_start,
    channel,
    source_system,
    queue_id,
    queue_name,
    team_name,
    intent,
    intent_basis,
    segment,
    service_path,
    cast(count(*) as bigint) as count_open,
    sum(age_seconds) / 3600.0 as sum_open_age_hours,
    sum(age_seconds) as sum_open_age_seconds,
    sum(age_seconds * age_seconds) as sum_squared_open_age_seconds,
    cast(count(case when age_seconds < 86400 then 1 end) as bigint) as count_open_age_under_1_day,
    cast(count(case when age_seconds >= 86400 and age_seconds < 259200 then 1 end) as bigint)
        as count_open_age_1_to_3_days,
    cast(count(case when age_seconds >= 259200 and age_seconds < 604800 then 1 end) as bigint)
        as count_open_age_3_to_7_days,
    cast(count(case when age_seconds >= 604800 then 1 end) as bigint) as count_open_age_over_7_days
from open_at_day_end
group by
    {{ standard_grain_columns() }}
