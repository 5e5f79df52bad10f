-- One row per queue seen on a contact (Queue.ARN, else Queue.Name). A Connect queue may serve several
-- channels; the canonical queue has one, taken from the latest contact routed to it. Connect queues name no
-- team: the queue's team is the level-1 hierarchy group most of its answering agents belong to.
with legs as (

    select * from {{ ref('stg_amazon_connect__contact_legs') }}

),

teams as (

    select
        queue_id,
        agent_team_name,
        row_number() over (partition by queue_id order by count(*) desc, agent_team_name) as team_rank
    from legs
    where queue_id is not null and agent_team_name is not null
    group by queue_id, agent_team_name

),

ranked as (

    select
        queue_id,
        queue_name,
        channel,
        updated_at,
        row_number() over (partition by queue_id order by updated_at desc, contact_id desc) as version_rank
    from legs
    where queue_id is not null

)

select
    ranked.queue_id,
    ranked.queue_name,
    ranked.channel,
    teams.agent_team_name as team_name,
    ranked.updated_at
from ranked
left join teams
    on teams.queue_id = ranked.queue_id
    and teams.team_rank = 1
where ranked.version_rank = 1
