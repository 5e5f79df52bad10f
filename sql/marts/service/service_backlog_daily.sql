-- One row per reporting day x channel x source system x queue x team x intent x segment x service path that has open work at
-- the end of the day: the backlog and its age.
--
-- The backlog is the work waiting for people: contacts other than voice calls, abandoned contacts and contacts a
-- bot handled alone. A contact is open at the end of a day (midnight in the reporting time zone) when it was
-- created before then and neither solved nor closed by then; it stops being open at its last solve or its close,
-- whichever comes first (the time between a first solve and a reopen counts as open: we keep only the first and
-- last solve). A contact marked solved or closed without the time it happened is never counted. Days run from
-- the first contact's day to the day of the data's end; that last day is read as of the data's end.
-- Ages run from creation to the end of the day (in hours and in seconds). A backlog is a stock: summing
-- count_open over several days gives contact-days (the catalog's backlog metrics say how to read it).
with interactions as (

    select * from {{ ref('fct_interactions') }}

),

queues as (

    select * from {{ ref('dim_queues') }}

),

horizon as (

    select * from {{ ref('int_business_horizon') }}

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

bounds as (

    select
        min(work.date_day) as first_day,
        min({{ local_date('horizon.data_ended_at', var('reporting_timezone')) }}) as last_day
    from work
    cross join horizon

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
        work.segment,
        work.service_path,
        {{ seconds_between('work.created_at', 'days.day_end_at') }} as age_seconds
    from work
    inner join days
        on work.created_at < days.day_end_at
        and (work.open_until_at is null or work.open_until_at > days.day_end_at)

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
    date_day, channel, source_system, queue_id, queue_name, team_name, intent, segment, service_path
