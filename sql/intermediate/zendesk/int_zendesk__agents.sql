-- One row per Zendesk agent or admin (all human): the latest version of the user, with the name of their
-- default group as team. Joining the group here (not in intermediate) is on purpose: the team is how this
-- one source spells the canonical team_name, and the intermediate layer is shared by all sources.
with users as (

    select * from {{ ref('stg_zendesk__users') }}

),

zendesk_groups as (

    select * from {{ ref('stg_zendesk__groups') }}

),

renamed as (

    select
        'zendesk:user:' || users.user_id as agent_id,
        users.full_name as agent_name,
        'human' as agent_kind,
        zendesk_groups.group_name as team_name,
        cast(null as text) as site,
        cast(null as date) as hired_on,
        users.updated_at
    from users
    left join zendesk_groups
        on zendesk_groups.group_id = users.default_group_id
    where users.user_role in ('agent', 'admin')

)

select * from renamed
