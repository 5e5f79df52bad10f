-- One row per queue interval of an interval report (an ACD or contact-centre export, core.fct_queue_intervals):
-- the report's own figures as additive columns, with the filter columns of the standard marts, so that the
-- catalog's queue_report_* metrics re-aggregate as ratios of sums under any filter. The report's averages are
-- weighted by what they average over: speed of answer by the answered contacts of the interval, the stated
-- service level by its offered contacts (the report does not say which base it used; offered is ICMI's).
-- An interval without a start time (a report that numbers its intervals instead of dating them) keeps a null
-- date_day: it belongs to no period, and pages show such a report whole, saying so. An interval report names
-- no intent or customer segment: those columns are null, so an intent or segment filter leaves the report out.
with intervals as (

    select * from {{ ref('fct_queue_intervals') }}

),

queues as (

    select * from {{ ref('dim_queues') }}

),

located as (

    select
        intervals.*,
        cast(((intervals.interval_start at time zone 'UTC') at time zone '{{ var('reporting_timezone') }}')
            as timestamp) as interval_start_local,
        coalesce(queues.queue_name, intervals.queue_id) as queue_name,
        coalesce(queues.team_name, 'unassigned') as team_name
    from intervals
    left join queues
        on queues.queue_id = intervals.queue_id

)

select
    interval_id,
    cast(interval_start_local as date) as date_day,
    cast(date_trunc('week', interval_start_local) as date) as week_start,
    channel,
    source_system,
    queue_id,
    queue_name,
    team_name,
    cast(null as text) as intent,
    cast(null as text) as intent_basis,
    cast(null as text) as segment,
    interval_label,
    interval_start,
    interval_start_local,
    cast(extract(isodow from interval_start_local) as integer) as iso_day_of_week,
    cast(extract(hour from interval_start_local) as integer) * 60
        + cast(extract(minute from interval_start_local) as integer) as minute_of_day,
    interval_minutes,
    cast(coalesce(count_offered, 0) as bigint) as count_offered,
    cast(coalesce(count_answered, 0) as bigint) as count_answered,
    cast(coalesce(count_abandoned, 0) as bigint) as count_abandoned,
    cast(case when avg_speed_of_answer_seconds is not null then coalesce(count_answered, 0) else 0 end as bigint)
        as count_answered_with_speed_of_answer,
    coalesce(sum_speed_of_answer_seconds, 0) as sum_speed_of_answer_seconds,
    cast(case when service_level_rate is not null then coalesce(count_offered, 0) else 0 end as bigint)
        as count_offered_with_service_level,
    coalesce(service_level_rate * count_offered, 0) as sum_answered_within_stated_threshold,
    service_level_threshold_seconds,
    coalesce(sum_talk_seconds, 0) as sum_talk_seconds
from located
