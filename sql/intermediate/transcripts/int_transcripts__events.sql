-- One row per event a transcript implies: event turns, handoff markers, and bot_started when the first
-- turn not written by the customer is a bot's.
-- (No ':' before a letter in string literals: the DuckDB driver would read it as a bound parameter.)
with turns as (

    select * from {{ ref('stg_transcripts__turns') }}

),

event_turns as (

    select
        turn_id || '#' || event_type as event_id,
        interaction_id,
        sent_at as occurred_at,
        event_type,
        author_id as agent_id
    from turns
    where event_type is not null

),

handoff_markers as (

    select
        turn_id || '#handoff' as event_id,
        interaction_id,
        sent_at as occurred_at,
        'handoff' as event_type,
        author_id as agent_id
    from turns
    where is_handoff and coalesce(event_type, '') <> 'handoff'

),

service_turns as (

    select
        *,
        row_number() over (partition by interaction_id order by turn_seq) as service_turn_rank
    from turns
    where author_role in ('agent', 'bot', 'system') and message_text is not null

),

bot_starts as (

    select
        turn_id || '#bot_started' as event_id,
        interaction_id,
        sent_at as occurred_at,
        'bot_started' as event_type,
        author_id as agent_id
    from service_turns
    where service_turn_rank = 1 and author_role = 'bot'

),

unioned as (

    select * from event_turns
    union all
    select * from handoff_markers
    union all
    select * from bot_starts

)

select
    event_id,
    interaction_id,
    occurred_at,
    event_type,
    agent_id,
    cast(null as text) as queue_id,
    cast(null as text) as from_value,
    cast(null as text) as to_value,
    cast(null as text) as reason
from unioned
