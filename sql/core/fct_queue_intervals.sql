-- One row per queue interval of an interval report (ACD or contact-centre export). The report's averages are
-- kept, and turned into sums weighted by the calls they average over, so that any roll-up is a ratio of sums:
-- average speed of answer over several intervals = sum(sum_speed_of_answer_seconds) / sum(count_answered).
with intervals as (

    select * from {{ ref('int_queue_intervals_unioned') }}

),

measured as (

    select
        interval_id,
        queue_id,
        channel,
        source_system,
        interval_label,
        interval_start,
        interval_minutes,
        count_offered,
        count_answered,
        count_abandoned,
        avg_speed_of_answer_seconds,
        avg_talk_seconds,
        avg_wait_seconds,
        service_level_rate,
        stated_answer_rate,
        service_level_threshold_seconds,
        avg_speed_of_answer_seconds * count_answered as sum_speed_of_answer_seconds,
        avg_talk_seconds * count_answered as sum_talk_seconds,
        case when count_offered > 0
            then cast(count_answered as double precision) / cast(count_offered as double precision)
        end as answer_rate,
        case when count_offered > 0
            then cast(count_abandoned as double precision) / cast(count_offered as double precision)
        end as abandon_rate,
        count_answered is not null and count_abandoned is not null
            and count_offered = count_answered + count_abandoned as is_offered_balanced
    from intervals

)

select * from measured
