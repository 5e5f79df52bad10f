-- One row per customer contact: what it cost to serve, from the configured unit costs ([unit_costs.<channel>]
-- bot and human, per contact). A contact pays the bot's cost when a bot took part (a bot session or bot
-- turns) and a person's cost when a person handled it (answered, replied, or logged handle time); a call
-- abandoned in the queue pays no human cost. Channels or handlers without a configured cost cost nothing,
-- and has_cost_configured says so, so that a partial cost table never passes for a cheap operation.
with interactions as (

    select * from {{ ref('fct_interactions') }}

),

costs as (

    select channel, handler, cost_per_contact from {{ seed('unit_costs') }}

),

handled as (

    select
        interaction_id,
        channel,
        bot_started_at is not null or count_bot_messages > 0 as is_bot_involved,
        service_path <> 'bot_only' and (
            is_answered
            or count_agent_messages > 0
            or first_reply_at is not null
            or coalesce(handle_seconds, 0) > 0
        ) as is_human_handled
    from interactions

)

select
    handled.interaction_id,
    handled.is_bot_involved,
    handled.is_human_handled,
    case when handled.is_bot_involved then coalesce(bot_costs.cost_per_contact, 0) else 0 end as bot_cost_amount,
    case when handled.is_human_handled then coalesce(human_costs.cost_per_contact, 0) else 0 end
        as human_cost_amount,
    (not handled.is_bot_involved or bot_costs.cost_per_contact is not null)
        and (not handled.is_human_handled or human_costs.cost_per_contact is not null) as has_cost_configured
from handled
left join costs as bot_costs
    on bot_costs.channel = handled.channel
    and bot_costs.handler = 'bot'
left join costs as human_costs
    on human_costs.channel = handled.channel
    and human_costs.handler = 'human'
