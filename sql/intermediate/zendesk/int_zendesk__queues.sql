-- One row per Zendesk group, as a ticket queue worked by the team of the same name.
with zendesk_groups as (

    select * from {{ ref('stg_zendesk__groups') }}

),

renamed as (

    select
        'zendesk:group:' || group_id as queue_id,
        group_name as queue_name,
        'ticket' as channel,
        group_name as team_name,
        updated_at
    from zendesk_groups

)

select * from renamed
