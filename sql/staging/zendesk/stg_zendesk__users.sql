-- One row per Zendesk user (end-user, agent or admin): the latest version by updated_at. The base that
-- customers, agents and the author roles of messages are read from.
with source as (

    select * from {{ source('zendesk', 'users') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        user_id,
        name as full_name,
        email,
        phone,
        role as user_role,
        organization_id,
        default_group_id,
        created_at,
        updated_at
    from ranked
    where version_rank = 1

)

select * from renamed
