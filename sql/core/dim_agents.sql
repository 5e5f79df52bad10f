-- One row per agent: people and bots.
with agents as (

    select * from {{ ref('int_agents_unioned') }}

)

select
    agent_id,
    agent_name,
    agent_kind,
    agent_kind = 'bot' as is_bot,
    coalesce(team_name, 'unassigned') as team_name,
    site,
    hired_on
from agents
