-- One row per interaction event; a re-delivered event keeps its latest copy.
with source as (

    select * from {{ source('canonical', 'events') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        event_id,
        interaction_id,
        occurred_at,
        event_type,
        agent_id,
        queue_id,
        from_value,
        to_value,
        reason
    from ranked
    where version_rank = 1

)

select * from renamed
