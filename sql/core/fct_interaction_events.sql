-- One row per event of an interaction: queue entry, answer, hold, transfer, handoff, status change, escalation.
with events as (

    select * from {{ ref('int_events_unioned') }}

)

select
    event_id,
    interaction_id,
    cast(row_number() over (partition by interaction_id order by occurred_at, event_id) as bigint) as event_seq,
    occurred_at,
    event_type,
    agent_id,
    queue_id,
    from_value,
    to_value,
    reason
from events
