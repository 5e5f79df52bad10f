-- One row per Genesys user who took part as an agent, and per bot flow: the name from the latest conversation.
-- Genesys detail records carry no team name, site or hire date.
with sessions as (

    select * from {{ ref('int_genesys__sessions_joined_to_participants') }}

),

ranked as (

    select
        agent_id,
        coalesce(
            case when participant_role = 'bot' then flow_name end,
            participant_name
        ) as agent_name,
        case when participant_role = 'bot' then 'bot' else 'human' end as agent_kind,
        conversation_start,
        row_number() over (
            partition by agent_id
            order by conversation_start desc, session_id desc
        ) as version_rank
    from sessions
    where participant_role in ('agent', 'bot')

)

select
    agent_id,
    agent_name,
    agent_kind,
    cast(null as text) as team_name,
    cast(null as text) as site,
    cast(null as date) as hired_on,
    conversation_start as updated_at
from ranked
where version_rank = 1
