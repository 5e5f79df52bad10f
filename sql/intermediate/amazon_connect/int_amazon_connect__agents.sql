-- One row per agent seen on a contact (Agent.ARN, else Agent.Username), as of their latest contact; the team
-- is the agent's level-1 hierarchy group.
with legs as (

    select * from {{ ref('stg_amazon_connect__contact_legs') }}

),

ranked as (

    select
        agent_id,
        agent_username,
        agent_team_name,
        updated_at,
        row_number() over (partition by agent_id order by updated_at desc, contact_id desc) as version_rank
    from legs
    where agent_id is not null

)

select
    agent_id,
    agent_username as agent_name,
    'human' as agent_kind,
    agent_team_name as team_name,
    cast(null as text) as site,
    cast(null as date) as hired_on,
    updated_at
from ranked
where version_rank = 1
