-- One row per Zendesk group: the latest version by updated_at. Groups are both queues and teams.
with source as (

    select * from {{ source('zendesk', 'groups') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by group_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        group_id,
        name as group_name,
        updated_at
    from ranked
    where version_rank = 1

)

select * from renamed
