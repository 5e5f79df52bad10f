-- One row per conversation: created at its first turn, closed at its last (a transcript is a finished
-- conversation), with the first intent seen, the first customer named and the last human agent.
-- Deviation from "no aggregation in staging": this format has no interaction record; a conversation is
-- the group of its turns, and grouping in SQL keeps a conversation split over several files whole.
with turns as (

    select * from {{ ref('stg_transcripts__turns') }}

),

conversations as (

    select
        interaction_id,
        min(sent_at) as created_at,
        max(sent_at) as closed_at,
        -- one made-up time makes every duration of the conversation made up
        max(case when times_are_synthetic then 1 else 0 end) = 1 as times_are_synthetic
    from turns
    group by interaction_id

),

first_turn as (

    select interaction_id, channel from turns where turn_seq = 1

),

ranked_intents as (

    select
        interaction_id,
        intent,
        row_number() over (partition by interaction_id order by turn_seq) as intent_rank
    from turns
    where intent is not null

),

ranked_customers as (

    select
        interaction_id,
        customer_id,
        row_number() over (partition by interaction_id order by turn_seq) as customer_rank
    from turns
    where customer_id is not null

),

ranked_agents as (

    select
        interaction_id,
        author_id as agent_id,
        row_number() over (partition by interaction_id order by turn_seq desc) as agent_rank
    from turns
    where author_role = 'agent' and author_id is not null

)

select
    conversations.interaction_id,
    first_turn.channel,
    ranked_customers.customer_id,
    cast(null as text) as queue_id,
    ranked_agents.agent_id,
    ranked_intents.intent,
    cast(null as text) as priority,
    'closed' as status,
    conversations.created_at,
    conversations.closed_at as updated_at,
    conversations.closed_at,
    cast(null as text) as subject,
    -- a transcript is a conversation the customer opened (a chat or a bot session)
    'inbound' as direction,
    cast(null as double precision) as talk_seconds,
    cast(null as double precision) as hold_seconds,
    cast(null as double precision) as acw_seconds,
    cast(null as double precision) as queue_wait_seconds,
    cast(null as bigint) as stated_count_reopens,
    cast(null as text) as account_id,
    conversations.times_are_synthetic
from conversations
inner join first_turn
    on first_turn.interaction_id = conversations.interaction_id
left join ranked_intents
    on ranked_intents.interaction_id = conversations.interaction_id
    and ranked_intents.intent_rank = 1
left join ranked_customers
    on ranked_customers.interaction_id = conversations.interaction_id
    and ranked_customers.customer_rank = 1
left join ranked_agents
    on ranked_agents.interaction_id = conversations.interaction_id
    and ranked_agents.agent_rank = 1
