-- One row per reporting day x channel x source system x queue x team x intent x intent basis x segment x service path, for contacts a bot
-- served or that were escalated: additive numerators and denominators of the automation measures of the
-- catalog (sql/metrics/automation.yml). Means carry a sum, a count and a sum of squares.
with interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

bot_sessions as (

    select * from {{ ref('fct_bot_sessions') }}

),

escalations as (

    select * from {{ ref('fct_escalations') }}

),

queues as (

    select * from {{ ref('dim_queues') }}

),

contacts as (

    select
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
        bot_sessions.interaction_id is not null as is_bot_session,
        bot_sessions.bot_outcome,
        bot_sessions.is_contained,
        bot_sessions.is_truly_contained,
        bot_sessions.has_return_within_window,
        bot_sessions.is_return_censored,
        coalesce(bot_sessions.is_handed_off, false) as is_handed_off,
        bot_sessions.handoff_to_first_human_seconds,
        bot_sessions.customer_sentiment_before_handoff,
        bot_sessions.customer_sentiment_after_handoff,
        bot_sessions.customer_sentiment_change_across_handoff,
        coalesce(bot_sessions.is_restatement_comparable, false) as is_restatement_comparable,
        coalesce(bot_sessions.is_restatement, false) as is_restatement,
        bot_sessions.restatement_similarity,
        escalations.interaction_id is not null as is_escalation,
        escalations.primary_trigger,
        coalesce(escalations.has_negative_sentiment_before, false) as has_negative_sentiment_before,
        coalesce(escalations.has_escalation_keyword_before, false) as has_escalation_keyword_before,
        coalesce(escalations.has_human_request_before, false) as has_human_request_before,
        coalesce(escalations.has_bot_fallback_before, false) as has_bot_fallback_before,
        coalesce(escalations.is_complex, false) as is_complex
    from interactions
    left join bot_sessions
        on bot_sessions.interaction_id = interactions.interaction_id
    left join escalations
        on escalations.interaction_id = interactions.interaction_id
    left join queues
        on queues.queue_id = interactions.queue_id
    where bot_sessions.interaction_id is not null or escalations.interaction_id is not null

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
    cast(count(case when is_bot_session then 1 end) as bigint) as count_bot_sessions,
    cast(count(case when bot_outcome = 'contained_confirmed' then 1 end) as bigint) as count_contained_confirmed,
    cast(count(case when bot_outcome = 'contained_soft' then 1 end) as bigint) as count_contained_soft,
    cast(count(case when bot_outcome = 'escalated_customer_request' then 1 end) as bigint)
        as count_escalated_customer_request,
    cast(count(case when bot_outcome = 'escalated_bot_failure' then 1 end) as bigint) as count_escalated_bot_failure,
    cast(count(case when bot_outcome = 'abandoned' then 1 end) as bigint) as count_bot_abandoned,
    cast(count(case when is_contained then 1 end) as bigint) as count_contained,
    cast(count(case when is_truly_contained then 1 end) as bigint) as count_truly_contained,
    cast(count(case when is_bot_session and has_return_within_window is not null then 1 end) as bigint)
        as count_bot_sessions_return_known,
    cast(count(case when is_bot_session and is_return_censored then 1 end) as bigint)
        as count_bot_sessions_return_censored,
    cast(count(case when is_handed_off then 1 end) as bigint) as count_handoffs,
    cast(count(handoff_to_first_human_seconds) as bigint) as count_handoffs_human_replied,
    coalesce(sum(handoff_to_first_human_seconds), 0) as sum_handoff_to_first_human_seconds,
    coalesce(sum(handoff_to_first_human_seconds * handoff_to_first_human_seconds), 0)
        as sum_squares_handoff_to_first_human_seconds,
    cast(count(case when is_handed_off then customer_sentiment_before_handoff end) as bigint)
        as count_handoffs_sentiment_before,
    coalesce(sum(case when is_handed_off then customer_sentiment_before_handoff end), 0)
        as sum_sentiment_before_handoff,
    cast(count(case when is_handed_off then customer_sentiment_after_handoff end) as bigint)
        as count_handoffs_sentiment_after,
    coalesce(sum(case when is_handed_off then customer_sentiment_after_handoff end), 0)
        as sum_sentiment_after_handoff,
    cast(count(customer_sentiment_change_across_handoff) as bigint) as count_handoffs_sentiment_change,
    coalesce(sum(customer_sentiment_change_across_handoff), 0) as sum_sentiment_change_across_handoff,
    coalesce(sum(customer_sentiment_change_across_handoff * customer_sentiment_change_across_handoff), 0)
        as sum_squares_sentiment_change_across_handoff,
    cast(count(case when is_restatement_comparable then 1 end) as bigint) as count_handoffs_restatement_comparable,
    cast(count(case when is_restatement_comparable and is_restatement then 1 end) as bigint) as count_restatements,
    coalesce(sum(case when is_restatement_comparable then restatement_similarity end), 0)
        as sum_restatement_similarity,
    cast(count(case when is_escalation then 1 end) as bigint) as count_escalations,
    cast(count(case when primary_trigger = 'customer_request' then 1 end) as bigint)
        as count_escalations_trigger_customer_request,
    cast(count(case when primary_trigger = 'escalation_keyword' then 1 end) as bigint)
        as count_escalations_trigger_keyword,
    cast(count(case when primary_trigger = 'negative_sentiment' then 1 end) as bigint)
        as count_escalations_trigger_negative_sentiment,
    cast(count(case when primary_trigger = 'bot_fallback' then 1 end) as bigint)
        as count_escalations_trigger_bot_fallback,
    cast(count(case when primary_trigger = 'complexity' then 1 end) as bigint) as count_escalations_trigger_complexity,
    cast(count(case when primary_trigger = 'other' then 1 end) as bigint) as count_escalations_trigger_other,
    cast(count(case when is_escalation and has_negative_sentiment_before then 1 end) as bigint)
        as count_escalations_after_negative_sentiment,
    cast(count(case when is_escalation and has_escalation_keyword_before then 1 end) as bigint)
        as count_escalations_with_keyword,
    cast(count(case when is_escalation and has_human_request_before then 1 end) as bigint)
        as count_escalations_with_request,
    cast(count(case when is_escalation and has_bot_fallback_before then 1 end) as bigint)
        as count_escalations_after_bot_fallback,
    cast(count(case when is_escalation and is_complex then 1 end) as bigint) as count_escalations_complex
from contacts
group by
    {{ standard_grain_columns() }}
