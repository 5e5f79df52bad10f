-- One row per reporting day x channel x source system x queue x team x intent x intent basis x segment x service path:
-- additive numerators, denominators and sums of squares for the service measures of the catalog
-- (sql/metrics/service.yml). SLA events (core.fct_sla_events) count on the day of the contact they belong to.
-- Inbound customer contacts only: the brand's own outbound posts and calls are not contacts.
with interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

surveys as (

    select * from {{ ref('int_surveys_rolled_up_to_interactions') }}

),

sentiment as (

    select * from {{ ref('int_customer_sentiment_rolled_up_to_interactions') }}

),

queues as (

    select * from {{ ref('dim_queues') }}

),

sla_events as (

    select
        interaction_id,
        count(case when sla_metric = 'first_reply' and status = 'met' then 1 end) as count_sla_first_reply_met,
        count(case when sla_metric = 'first_reply' and status = 'breached' then 1 end)
            as count_sla_first_reply_breached,
        count(case when sla_metric = 'first_reply' and status = 'running' then 1 end)
            as count_sla_first_reply_running,
        count(case when sla_metric = 'next_reply' and status = 'met' then 1 end) as count_sla_next_reply_met,
        count(case when sla_metric = 'next_reply' and status = 'breached' then 1 end)
            as count_sla_next_reply_breached,
        count(case when sla_metric = 'next_reply' and status = 'running' then 1 end)
            as count_sla_next_reply_running,
        count(case when sla_metric = 'resolution' and status = 'met' then 1 end) as count_sla_resolution_met,
        count(case when sla_metric = 'resolution' and status = 'breached' then 1 end)
            as count_sla_resolution_breached,
        count(case when sla_metric = 'resolution' and status = 'running' then 1 end)
            as count_sla_resolution_running
    from {{ ref('fct_sla_events') }}
    group by interaction_id

),

enriched as (

    select
        interactions.*,
        coalesce(queues.queue_name, interactions.queue_id) as queue_name,
        coalesce(surveys.count_csat_responses, 0) as count_csat_responses,
        coalesce(surveys.count_csat_satisfied, 0) as count_csat_satisfied,
        coalesce(surveys.sum_csat_score, 0) as sum_csat_score,
        sentiment.customer_sentiment_mean,
        coalesce(sla_events.count_sla_first_reply_met, 0) as count_sla_first_reply_met,
        coalesce(sla_events.count_sla_first_reply_breached, 0) as count_sla_first_reply_breached,
        coalesce(sla_events.count_sla_first_reply_running, 0) as count_sla_first_reply_running,
        coalesce(sla_events.count_sla_next_reply_met, 0) as count_sla_next_reply_met,
        coalesce(sla_events.count_sla_next_reply_breached, 0) as count_sla_next_reply_breached,
        coalesce(sla_events.count_sla_next_reply_running, 0) as count_sla_next_reply_running,
        coalesce(sla_events.count_sla_resolution_met, 0) as count_sla_resolution_met,
        coalesce(sla_events.count_sla_resolution_breached, 0) as count_sla_resolution_breached,
        coalesce(sla_events.count_sla_resolution_running, 0) as count_sla_resolution_running,
        case when interactions.handle_seconds is not null then coalesce(interactions.hold_seconds, 0) end
            as handled_hold_seconds
    from interactions
    left join surveys
        on surveys.interaction_id = interactions.interaction_id
    left join sentiment
        on sentiment.interaction_id = interactions.interaction_id
    left join queues
        on queues.queue_id = interactions.queue_id
    left join sla_events
        on sla_events.interaction_id = interactions.interaction_id

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
    cast(count(*) as bigint) as count_interactions,
    cast(count(first_reply_calendar_seconds) as bigint) as count_first_replies,
    coalesce(sum(first_reply_calendar_seconds), 0) as sum_first_reply_seconds,
    coalesce(sum(first_reply_calendar_seconds * first_reply_calendar_seconds), 0) as sum_squared_first_reply_seconds,
    cast(count(first_reply_business_seconds) as bigint) as count_first_replies_business,
    coalesce(sum(first_reply_business_seconds), 0) as sum_first_reply_business_seconds,
    coalesce(sum(first_reply_business_seconds * first_reply_business_seconds), 0)
        as sum_squared_first_reply_business_seconds,
    cast(count(first_reply_from_bot_seconds) as bigint) as count_first_replies_from_bot,
    coalesce(sum(first_reply_from_bot_seconds), 0) as sum_first_reply_from_bot_seconds,
    coalesce(sum(first_reply_from_bot_seconds * first_reply_from_bot_seconds), 0)
        as sum_squared_first_reply_from_bot_seconds,
    cast(count(case when is_offered then 1 end) as bigint) as count_offered,
    cast(count(case when is_offered and is_answered then 1 end) as bigint) as count_answered,
    cast(count(case when is_offered and is_answered_within_threshold then 1 end) as bigint)
        as count_answered_within_threshold,
    cast(count(case when is_offered and is_abandoned then 1 end) as bigint) as count_abandoned,
    cast(count(case when is_short_abandon then 1 end) as bigint) as count_short_abandoned,
    cast(count(case when is_offered or is_short_abandon then 1 end) as bigint)
        as count_offered_including_short_abandons,
    cast(count(case when (is_offered and is_abandoned) or is_short_abandon then 1 end) as bigint)
        as count_abandoned_including_short,
    cast(count(speed_of_answer_seconds) as bigint) as count_speed_of_answer,
    coalesce(sum(speed_of_answer_seconds), 0) as sum_speed_of_answer_seconds,
    coalesce(sum(speed_of_answer_seconds * speed_of_answer_seconds), 0) as sum_squared_speed_of_answer_seconds,
    cast(count(handle_seconds) as bigint) as count_handled,
    coalesce(sum(handle_seconds), 0) as sum_handle_seconds,
    coalesce(sum(handle_seconds * handle_seconds), 0) as sum_squared_handle_seconds,
    coalesce(sum(case when handle_seconds is not null then talk_seconds end), 0) as sum_talk_seconds,
    coalesce(sum(case when handle_seconds is not null then acw_seconds end), 0) as sum_acw_seconds,
    coalesce(sum(handled_hold_seconds), 0) as sum_hold_seconds,
    coalesce(sum(handled_hold_seconds * handled_hold_seconds), 0) as sum_squared_hold_seconds,
    cast(coalesce(sum(case when handle_seconds is not null then count_holds end), 0) as bigint) as count_holds,
    cast(count(case when handled_hold_seconds > 0 then 1 end) as bigint) as count_held_interactions,
    cast(sum(count_transfers) as bigint) as count_transfers,
    cast(sum(count_transfers * count_transfers) as bigint) as sum_squared_transfers,
    cast(count(case when count_transfers > 0 then 1 end) as bigint) as count_transferred_interactions,
    cast(count(resolution_calendar_seconds) as bigint) as count_resolved,
    coalesce(sum(resolution_calendar_seconds), 0) as sum_resolution_calendar_seconds,
    coalesce(sum(resolution_calendar_seconds * resolution_calendar_seconds), 0)
        as sum_squared_resolution_calendar_seconds,
    cast(count(resolution_business_seconds) as bigint) as count_resolved_business,
    coalesce(sum(resolution_business_seconds), 0) as sum_resolution_business_seconds,
    coalesce(sum(resolution_business_seconds * resolution_business_seconds), 0)
        as sum_squared_resolution_business_seconds,
    cast(count(full_resolution_calendar_seconds) as bigint) as count_fully_resolved,
    coalesce(sum(full_resolution_calendar_seconds), 0) as sum_full_resolution_calendar_seconds,
    coalesce(sum(full_resolution_calendar_seconds * full_resolution_calendar_seconds), 0)
        as sum_squared_full_resolution_calendar_seconds,
    cast(count(full_resolution_business_seconds) as bigint) as count_fully_resolved_business,
    coalesce(sum(full_resolution_business_seconds), 0) as sum_full_resolution_business_seconds,
    coalesce(sum(full_resolution_business_seconds * full_resolution_business_seconds), 0)
        as sum_squared_full_resolution_business_seconds,
    cast(count(case when resolution_calendar_seconds is not null and count_reopens > 0 then 1 end) as bigint)
        as count_reopened_interactions,
    cast(sum(count_reopens) as bigint) as count_reopens,
    cast(count(case when is_escalated then 1 end) as bigint) as count_escalated,
    cast(sum(count_sla_first_reply_met) as bigint) as count_sla_first_reply_met,
    cast(sum(count_sla_first_reply_breached) as bigint) as count_sla_first_reply_breached,
    cast(sum(count_sla_first_reply_running) as bigint) as count_sla_first_reply_running,
    cast(sum(count_sla_first_reply_met + count_sla_first_reply_breached) as bigint)
        as count_sla_first_reply_settled,
    cast(sum(count_sla_next_reply_met) as bigint) as count_sla_next_reply_met,
    cast(sum(count_sla_next_reply_breached) as bigint) as count_sla_next_reply_breached,
    cast(sum(count_sla_next_reply_running) as bigint) as count_sla_next_reply_running,
    cast(sum(count_sla_next_reply_met + count_sla_next_reply_breached) as bigint) as count_sla_next_reply_settled,
    cast(sum(count_sla_resolution_met) as bigint) as count_sla_resolution_met,
    cast(sum(count_sla_resolution_breached) as bigint) as count_sla_resolution_breached,
    cast(sum(count_sla_resolution_running) as bigint) as count_sla_resolution_running,
    cast(sum(count_sla_resolution_met + count_sla_resolution_breached) as bigint) as count_sla_resolution_settled,
    cast(sum(count_csat_responses) as bigint) as count_csat_responses,
    cast(sum(count_csat_satisfied) as bigint) as count_csat_satisfied,
    coalesce(sum(sum_csat_score), 0) as sum_csat_score,
    cast(count(customer_sentiment_mean) as bigint) as count_sentiment_interactions,
    coalesce(sum(customer_sentiment_mean), 0) as sum_customer_sentiment
from enriched
group by
    {{ standard_grain_columns() }}
