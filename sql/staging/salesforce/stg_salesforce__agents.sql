-- One row per Salesforce User: the latest version by LastModifiedDate. Every User is a person here
-- (agent_kind human); the team is the Department, else the role name (UserRole.Name).
with source as (

    select * from {{ source('salesforce', 'users') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by last_modified_date desc nulls last, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        'salesforce:' || user_id as agent_id,
        user_name as agent_name,
        'human' as agent_kind,
        coalesce(department, user_role__name) as team_name,
        cast(null as text) as site,
        cast(null as date) as hired_on,
        coalesce(last_modified_date, created_date) as updated_at
    from ranked
    where version_rank = 1

)

select * from renamed
