-- One row per queue, with the team that works it and its channel.
with queues as (

    select * from {{ ref('int_queues_unioned') }}

)

select
    queue_id,
    coalesce(queue_name, queue_id) as queue_name,
    channel,
    coalesce(team_name, 'unassigned') as team_name
from queues
