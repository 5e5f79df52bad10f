-- One row per customer journey: every leg of a transfer chain (same InitialContactId) is one interaction.
-- Unlike a pure staging model this one aggregates: Connect splits one journey into several contact records,
-- and the canonical grain is the journey. Durations are summed over legs; queue and agent are the last leg's
-- that has one; the customer is the first leg's that names one.
-- queue_wait_seconds is the time the customer waited in queues over the whole journey: the sum of each queued
-- leg's wait (stg_amazon_connect__contact_legs: enqueue to dequeue, or a callback's creation to dequeue), so a
-- call queued 48 s, answered, transferred and queued 95 s more waited 143 s. The wait before the first answer
-- (speed of answer) is read off the events in core.
-- direction is the first leg's that says one (the initial contact's InitiationMethod; transfer legs inherit).
with legs as (

    select * from {{ ref('stg_amazon_connect__contact_legs') }}

),

journeys as (

    select
        interaction_id,
        min(initiated_at) as created_at,
        max(updated_at) as updated_at,
        count(*) as count_legs,
        count(disconnected_at) as count_ended_legs,
        max(disconnected_at) as last_disconnected_at,
        count(connected_to_agent_at) as count_answered_legs,
        count(case when is_abandoned_in_queue then 1 end) as count_abandoned_legs,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        sum(queue_wait_seconds) as queue_wait_seconds
    from legs
    group by interaction_id

),

first_leg as (

    select
        interaction_id,
        channel,
        row_number() over (partition by interaction_id order by initiated_at, contact_id) as leg_rank
    from legs

),

first_direction as (

    select
        interaction_id,
        direction,
        row_number() over (partition by interaction_id order by initiated_at, contact_id) as leg_rank
    from legs
    where direction is not null

),

last_queue as (

    select
        interaction_id,
        queue_id,
        row_number() over (partition by interaction_id order by initiated_at desc, contact_id desc) as leg_rank
    from legs
    where queue_id is not null

),

last_agent as (

    select
        interaction_id,
        agent_id,
        row_number() over (partition by interaction_id order by initiated_at desc, contact_id desc) as leg_rank
    from legs
    where agent_id is not null

),

last_intent as (

    select
        interaction_id,
        intent,
        row_number() over (partition by interaction_id order by initiated_at desc, contact_id desc) as leg_rank
    from legs
    where intent is not null

),

first_customer as (

    select
        interaction_id,
        customer_id,
        row_number() over (partition by interaction_id order by initiated_at, contact_id) as leg_rank
    from legs
    where customer_id is not null

),

final as (

    select
        journeys.interaction_id,
        first_leg.channel,
        first_customer.customer_id,
        last_queue.queue_id,
        last_agent.agent_id,
        last_intent.intent,
        cast(null as text) as priority,
        case
            when journeys.count_ended_legs < journeys.count_legs then 'open'
            when journeys.count_answered_legs = 0 and journeys.count_abandoned_legs > 0 then 'abandoned'
            else 'closed'
        end as status,
        journeys.created_at,
        journeys.updated_at,
        case when journeys.count_ended_legs = journeys.count_legs then journeys.last_disconnected_at end
            as closed_at,
        cast(null as text) as subject,
        first_direction.direction,
        journeys.talk_seconds,
        journeys.hold_seconds,
        journeys.acw_seconds,
        journeys.queue_wait_seconds,
        cast(null as bigint) as stated_count_reopens,
        cast(null as text) as account_id,
        false as times_are_synthetic
    from journeys
    inner join first_leg
        on first_leg.interaction_id = journeys.interaction_id and first_leg.leg_rank = 1
    left join first_customer
        on first_customer.interaction_id = journeys.interaction_id and first_customer.leg_rank = 1
    left join first_direction
        on first_direction.interaction_id = journeys.interaction_id and first_direction.leg_rank = 1
    left join last_queue
        on last_queue.interaction_id = journeys.interaction_id and last_queue.leg_rank = 1
    left join last_agent
        on last_agent.interaction_id = journeys.interaction_id and last_agent.leg_rank = 1
    left join last_intent
        on last_intent.interaction_id = journeys.interaction_id and last_intent.leg_rank = 1

)

select * from final
