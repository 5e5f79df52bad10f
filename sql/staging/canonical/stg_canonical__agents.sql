-- One row per agent or bot: the latest version by updated_at.
with source as (

    select * from {{ source('canonical', 'agents') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by agent_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        agent_id,
        agent_name,
        agent_kind,
        team_name,
        site,
        hired_on,
        updated_at
    from ranked
    where version_rank = 1

)

select * from renamed
