-- One row per queue, with the team that works it and its channel.
with queues as (

    select * from {{ ref('stg_canonical__queues') }}

)

select
    queue_id,
    coalesce(queue_name, queue_id) as queue_name,
    channel,
    coalesce(team_name, 'unassigned') as team_name
from queues
