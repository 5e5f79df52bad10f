-- One row per reporting day x channel x source system x queue x team x intent x intent basis x segment x service path: what contacts cost to
-- serve ([unit_costs] per channel, bot and human, per contact: int_contact_costs), as additive sums.
with interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

costs as (

    select * from {{ ref('int_contact_costs') }}

),

queues as (

    select * from {{ ref('dim_queues') }}

)

select
    interactions.date_day,
    cast(date_trunc('week', cast(interactions.date_day as timestamp)) as date) as week_start,
    interactions.channel,
    interactions.source_system,
    interactions.queue_id,
    coalesce(queues.queue_name, interactions.queue_id) as queue_name,
    interactions.team_name,
    interactions.intent,
    interactions.intent_basis,
    interactions.segment,
    interactions.service_path,
    cast(count(*) as bigint) as count_contacts_costed,
    cast(count(case when costs.is_bot_involved then 1 end) as bigint) as count_bot_involved_contacts,
    cast(count(case when costs.is_human_handled then 1 end) as bigint) as count_human_handled_contacts,
    cast(count(case when not costs.has_cost_configured then 1 end) as bigint) as count_contacts_without_cost,
    coalesce(sum(costs.bot_cost_amount), 0) as sum_bot_cost_amount,
    coalesce(sum(costs.human_cost_amount), 0) as sum_human_cost_amount,
    coalesce(sum(costs.bot_cost_amount + costs.human_cost_amount), 0) as sum_cost_amount,
    coalesce(sum((costs.bot_cost_amount + costs.human_cost_amount) * (costs.bot_cost_amount + costs.human_cost_amount)),
             0) as sum_sq_cost_amount
from interactions
inner join costs
    on costs.interaction_id = interactions.interaction_id
left join queues
    on queues.queue_id = interactions.queue_id
group by
    interactions.date_day, interactions.channel, interactions.source_system, interactions.queue_id, coalesce(queues.queue_name, interactions.queue_id),
    interactions.team_name, interactions.intent, interactions.intent_basis, interactions.segment, interactions.service_path
