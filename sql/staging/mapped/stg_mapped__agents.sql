-- One row per agent named by a mapped source (interaction rows and event logs). A mapping names agents by an
-- id only: the id is also the name, every agent is human, and updated_at is the last time the agent appears.
with interaction_rows as (

    select * from {{ source('mapped', 'interaction_rows') }}

),

event_rows as (

    select * from {{ source('mapped', 'event_rows') }}

),

sightings as (

    select _source_name, agent_id, coalesce(updated_at, created_at) as seen_at
    from interaction_rows
    where agent_id is not null
    union all
    select _source_name, agent_id, occurred_at as seen_at
    from event_rows
    where agent_id is not null

),

agents as (

    select
        'mapped:' || _source_name || ':' || agent_id as agent_id,
        agent_id as agent_name,
        'human' as agent_kind,
        cast(null as text) as team_name,
        cast(null as text) as site,
        cast(null as date) as hired_on,
        max(seen_at) as updated_at
    from sightings
    group by _source_name, agent_id

)

select * from agents
