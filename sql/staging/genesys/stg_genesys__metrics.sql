-- One row per session metric of a Genesys conversation. Genesys durations (names starting with t) are in
-- milliseconds: metric_seconds carries them in seconds, and is null for counts (names starting with n).
with source as (

    select * from {{ source('genesys', 'metrics') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by metric_key
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        metric_key,
        session_id,
        participant_id,
        conversation_id,
        conversation_start,
        name as metric_name,
        cast(value as double precision) as metric_value,
        case
            when name like 't%' then cast(value as double precision) / 1000.0
        end as metric_seconds,
        emit_date as emitted_at
    from ranked
    where version_rank = 1

)

select * from renamed
