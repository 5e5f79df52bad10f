-- One row per event of a journey, read off each leg's timestamps: ivr_entered (inbound voice reaching the
-- flow), queued, answered, abandoned (the customer hung up in queue, no agent), transferred (a leg started by
-- TRANSFER or QUEUE_TRANSFER, from the previous leg's queue to its own) and disconnected (the journey's last leg).
-- CTRs carry hold counts and durations but no hold times, so no hold events are made.
-- A chat whose transcript has bot turns (CUSTOM_BOT) gets bot_started at the first of them and, when it then
-- entered a queue, a handoff at that queue entry: Connect's flows hand a chat from the bot to people by
-- queueing it, and a customer who leaves the queue afterwards was still handed off.
with legs as (

    select * from {{ ref('stg_amazon_connect__contact_legs') }}

),

bot_turns as (

    select
        interaction_id,
        min(sent_at) as first_bot_turn_at
    from {{ ref('int_amazon_connect__messages') }}
    where author_role = 'bot'
    group by interaction_id

),

first_queue_entries as (

    select
        interaction_id,
        min(enqueued_at) as enqueued_at
    from legs
    where enqueued_at is not null
    group by interaction_id

),

bot_started as (

    select
        substr(interaction_id, length('amazon_connect:') + 1) as contact_id,
        interaction_id,
        first_bot_turn_at as occurred_at,
        'bot_started' as event_type,
        cast(null as text) as agent_id,
        cast(null as text) as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from bot_turns

),

handoff as (

    select
        substr(bot_turns.interaction_id, length('amazon_connect:') + 1) as contact_id,
        bot_turns.interaction_id,
        first_queue_entries.enqueued_at as occurred_at,
        'handoff' as event_type,
        cast(null as text) as agent_id,
        cast(null as text) as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from bot_turns
    inner join first_queue_entries
        on first_queue_entries.interaction_id = bot_turns.interaction_id
    where bot_turns.first_bot_turn_at <= first_queue_entries.enqueued_at

),

ivr_entered as (

    select
        contact_id,
        interaction_id,
        connected_to_system_at as occurred_at,
        'ivr_entered' as event_type,
        cast(null as text) as agent_id,
        cast(null as text) as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from legs
    where channel = 'voice' and initiation_method = 'inbound' and connected_to_system_at is not null

),

queued as (

    select
        contact_id,
        interaction_id,
        enqueued_at as occurred_at,
        'queued' as event_type,
        cast(null as text) as agent_id,
        queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from legs
    where enqueued_at is not null

),

answered as (

    select
        contact_id,
        interaction_id,
        connected_to_agent_at as occurred_at,
        'answered' as event_type,
        agent_id,
        queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from legs
    where connected_to_agent_at is not null

),

abandoned as (

    select
        contact_id,
        interaction_id,
        coalesce(dequeued_at, disconnected_at) as occurred_at,
        'abandoned' as event_type,
        cast(null as text) as agent_id,
        queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        disconnect_reason as reason
    from legs
    where is_abandoned_in_queue and coalesce(dequeued_at, disconnected_at) is not null

),

transferred as (

    select
        legs.contact_id,
        legs.interaction_id,
        legs.initiated_at as occurred_at,
        'transferred' as event_type,
        previous_leg.agent_id,
        legs.queue_id,
        previous_leg.queue_id as from_value,
        legs.queue_id as to_value,
        legs.initiation_method as reason
    from legs
    left join legs as previous_leg
        on previous_leg.contact_id = legs.previous_contact_id
    where legs.previous_contact_id is not null and legs.initiation_method in ('transfer', 'queue_transfer')

),

disconnected as (

    select
        contact_id,
        interaction_id,
        disconnected_at as occurred_at,
        'disconnected' as event_type,
        agent_id,
        queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        disconnect_reason as reason
    from legs
    where next_contact_id is null and disconnected_at is not null

),

unioned as (

    select * from ivr_entered
    union all
    select * from queued
    union all
    select * from answered
    union all
    select * from abandoned
    union all
    select * from transferred
    union all
    select * from disconnected
    union all
    select * from bot_started
    union all
    select * from handoff

)

select
    'amazon_connect:' || contact_id || ':' || event_type as event_id,
    interaction_id,
    occurred_at,
    event_type,
    agent_id,
    queue_id,
    from_value,
    to_value,
    reason
from unioned
