-- One row per day of an episode's first contact x first channel x source system x queue x team x intent x intent basis x segment x episode
-- path: cost per resolved episode. An episode's path is 'bot_only' when a bot handled every contact alone,
-- 'human_only' when no bot took part, 'bot_then_human' otherwise. Its cost is the sum of its contacts' costs
-- (int_contact_costs). The episode's attributes are those of its first contact. Only resolved episodes
-- (core.fct_episodes.is_resolved) count in the resolved sums, so the cost of the contacts that did not end
-- the problem is carried by the episodes that eventually did.
with episode_contacts as (

    select * from {{ ref('int_contact_episodes') }}

),

costs as (

    select * from {{ ref('int_contact_costs') }}

),

interactions as (

    select interaction_id, service_path from {{ ref('fct_interactions') }}
    where direction <> 'outbound'

),

episodes as (

    select * from {{ ref('fct_episodes') }}

),

first_contacts as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

queues as (

    select * from {{ ref('dim_queues') }}

),

episode_costs as (

    select
        episode_contacts.episode_id,
        sum(costs.bot_cost_amount + costs.human_cost_amount) as episode_cost_amount,
        count(*) as count_contacts,
        count(case when interactions.service_path = 'bot_only' then 1 end) as count_bot_only_contacts,
        count(case when costs.is_bot_involved then 1 end) as count_bot_involved_contacts
    from episode_contacts
    inner join costs
        on costs.interaction_id = episode_contacts.interaction_id
    inner join interactions
        on interactions.interaction_id = episode_contacts.interaction_id
    group by episode_contacts.episode_id

),

pathed as (

    select
        episodes.episode_id,
        episodes.first_interaction_id,
        coalesce(episodes.is_resolved, false) as is_resolved,
        episode_costs.episode_cost_amount,
        case
            when episode_costs.count_bot_only_contacts = episode_costs.count_contacts then 'bot_only'
            when episode_costs.count_bot_involved_contacts = 0 then 'human_only'
            else 'bot_then_human'
        end as episode_path
    from episodes
    inner join episode_costs
        on episode_costs.episode_id = episodes.episode_id

)

select
    first_contacts.date_day,
    cast(date_trunc('week', cast(first_contacts.date_day as timestamp)) as date) as week_start,
    first_contacts.channel,
    first_contacts.source_system,
    first_contacts.queue_id,
    coalesce(queues.queue_name, first_contacts.queue_id) as queue_name,
    first_contacts.team_name,
    first_contacts.intent,
    first_contacts.intent_basis,
    first_contacts.segment,
    pathed.episode_path,
    cast(count(*) as bigint) as count_episodes_costed,
    cast(count(case when pathed.is_resolved then 1 end) as bigint) as count_resolved_episodes_costed,
    coalesce(sum(pathed.episode_cost_amount), 0) as sum_episode_cost_amount,
    coalesce(sum(case when pathed.is_resolved then pathed.episode_cost_amount end), 0)
        as sum_resolved_episode_cost_amount,
    coalesce(sum(case when pathed.is_resolved then pathed.episode_cost_amount * pathed.episode_cost_amount end), 0)
        as sum_sq_resolved_episode_cost_amount
from pathed
inner join first_contacts
    on first_contacts.interaction_id = pathed.first_interaction_id
left join queues
    on queues.queue_id = first_contacts.queue_id
group by
    first_contacts.date_day, first_contacts.channel, first_contacts.source_system, first_contacts.queue_id,
    coalesce(queues.queue_name, first_contacts.queue_id), first_contacts.team_name, first_contacts.intent,
    first_contacts.intent_basis, first_contacts.segment, pathed.episode_path
