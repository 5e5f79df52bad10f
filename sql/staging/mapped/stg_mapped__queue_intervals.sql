-- One row per queue interval of a mapped interval report: the latest version of each interval.
with source as (

    select * from {{ source('mapped', 'interval_rows') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by _source_name, interval_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        'mapped:' || _source_name || ':' || interval_id as interval_id,
        'mapped:' || _source_name || ':' || queue_id as queue_id,
        coalesce(channel, 'voice') as channel,
        interval_label,
        interval_start,
        cast(interval_minutes as bigint) as interval_minutes,
        cast(count_offered as bigint) as count_offered,
        cast(count_answered as bigint) as count_answered,
        cast(count_abandoned as bigint) as count_abandoned,
        cast(avg_speed_of_answer_seconds as double precision) as avg_speed_of_answer_seconds,
        cast(avg_talk_seconds as double precision) as avg_talk_seconds,
        cast(avg_wait_seconds as double precision) as avg_wait_seconds,
        cast(service_level_rate as double precision) as service_level_rate,
        cast(stated_answer_rate as double precision) as stated_answer_rate,
        cast(service_level_threshold_seconds as double precision) as service_level_threshold_seconds
    from ranked
    where version_rank = 1

)

select * from renamed
