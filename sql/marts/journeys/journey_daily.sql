-- One row per reporting day x channel x source system x queue x team x intent x intent basis x segment x service path (the grain of
-- marts.service_daily): additive numerators and denominators of the journey measures (sql/metrics/journeys.yml).
-- Contact-level measures count each contact on its own day and attributes. Episode-level measures count each
-- episode once, on the day and attributes of its FIRST contact (a chat that turns into a call counts under
-- chat, on the day of the chat).
with interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

episode_contacts as (

    select * from {{ ref('int_contact_episodes') }}

),

episodes as (

    select * from {{ ref('fct_episodes') }}

),

queues as (

    select * from {{ ref('dim_queues') }}

),

contacts as (

    select
        interactions.interaction_id,
        interactions.date_day,
        interactions.channel,
        interactions.source_system,
        interactions.queue_id,
        coalesce(queues.queue_name, interactions.queue_id) as queue_name,
        interactions.team_name,
        interactions.intent,
        interactions.intent_basis,
        interactions.segment,
        interactions.service_path,
        interactions.customer_key,
        interactions.intent <> 'unclassified' and interactions.customer_key is not null as is_repeat_eligible,
        episode_contacts.is_repeat_contact,
        episode_contacts.is_channel_switch,
        episode_contacts.has_return_within_window,
        episode_contacts.is_return_censored,
        episodes.episode_id as started_episode_id,
        episodes.is_censored as is_episode_censored,
        episodes.is_undetermined as is_episode_undetermined,
        episodes.is_resolved as is_episode_resolved,
        episodes.count_contacts as episode_count_contacts,
        episodes.count_channel_switches as episode_count_channel_switches,
        episodes.episode_resolution_seconds,
        episodes.confidence_level
    from interactions
    inner join episode_contacts
        on episode_contacts.interaction_id = interactions.interaction_id
    left join episodes
        on episodes.first_interaction_id = interactions.interaction_id
    left join queues
        on queues.queue_id = interactions.queue_id

)

select
    date_day,
    cast(date_trunc('week', cast(date_day as timestamp)) as date) as week_start,
    channel,
    source_system,
    queue_id,
    queue_name,
    team_name,
    intent,
    intent_basis,
    segment,
    service_path,
    -- contact level
    cast(count(*) as bigint) as count_contacts,
    cast(count(case when is_repeat_eligible then 1 end) as bigint) as count_repeat_eligible_contacts,
    cast(count(case when is_repeat_contact then 1 end) as bigint) as count_repeat_contacts,
    cast(count(case when is_channel_switch then 1 end) as bigint) as count_channel_switches,
    cast(count(has_return_within_window) as bigint) as count_fcr_eligible_contacts,
    cast(count(case when not has_return_within_window then 1 end) as bigint) as count_first_contact_resolved,
    cast(count(case when has_return_within_window then 1 end) as bigint) as count_returned_contacts,
    cast(count(case when is_return_censored then 1 end) as bigint) as count_fcr_censored_contacts,
    cast(count(case when not is_repeat_eligible then 1 end) as bigint) as count_fcr_undetermined_contacts,
    -- distinct customers within this row only (a customer-day per cell; see the catalog)
    cast(count(distinct case when is_repeat_eligible then customer_key end) as bigint) as count_customer_days,
    cast(count(distinct case when is_repeat_contact then customer_key end) as bigint)
        as count_customer_days_with_repeat,
    -- episode level, on the episode's first contact
    cast(count(started_episode_id) as bigint) as count_episodes,
    cast(count(case when not is_episode_censored and not is_episode_undetermined then 1 end) as bigint)
        as count_episodes_determined,
    cast(count(case when is_episode_censored then 1 end) as bigint) as count_episodes_censored,
    cast(count(case when is_episode_undetermined then 1 end) as bigint) as count_episodes_undetermined,
    cast(count(case when is_episode_resolved then 1 end) as bigint) as count_episodes_resolved,
    cast(coalesce(sum(case when is_episode_resolved then episode_count_contacts end), 0) as bigint)
        as sum_touches_resolved_episodes,
    cast(coalesce(sum(case when is_episode_resolved then episode_count_contacts * episode_count_contacts end), 0)
        as bigint) as sum_sq_touches_resolved_episodes,
    cast(coalesce(sum(episode_count_contacts), 0) as bigint) as sum_episode_contacts,
    cast(count(case when episode_count_channel_switches > 0 then 1 end) as bigint)
        as count_episodes_with_channel_switch,
    cast(count(episode_resolution_seconds) as bigint) as count_episode_resolutions,
    coalesce(sum(episode_resolution_seconds), 0) as sum_episode_resolution_seconds,
    coalesce(sum(episode_resolution_seconds * episode_resolution_seconds), 0) as sum_sq_episode_resolution_seconds,
    cast(count(case when confidence_level = 'confirmed' then 1 end) as bigint) as count_episodes_confirmed,
    cast(count(case when confidence_level = 'no_return' then 1 end) as bigint) as count_episodes_no_return,
    cast(count(case when confidence_level = 'tone_not_negative' then 1 end) as bigint)
        as count_episodes_tone_not_negative,
    cast(count(case when confidence_level = 'unconfirmed' then 1 end) as bigint) as count_episodes_unconfirmed
from contacts
group by
    {{ standard_grain_columns() }}
