-- One row per queue: the latest version by updated_at.
with source as (

    select * from {{ source('canonical', 'queues') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by queue_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        queue_id,
        queue_name,
        channel,
        team_name,
        updated_at
    from ranked
    where version_rank = 1

)

select * from renamed
