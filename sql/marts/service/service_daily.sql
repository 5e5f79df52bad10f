-- One row per reporting day x channel x queue x team x intent x segment x service path:
-- additive numerators and denominators for the service measures of the catalog (sql/metrics.yml).
with interactions as (

    select * from {{ ref('fct_interactions') }}

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

enriched as (

    select
        interactions.*,
        coalesce(queues.queue_name, interactions.queue_id) as queue_name,
        coalesce(surveys.count_csat_responses, 0) as count_csat_responses,
        coalesce(surveys.count_csat_satisfied, 0) as count_csat_satisfied,
        coalesce(surveys.sum_csat_score, 0) as sum_csat_score,
        sentiment.customer_sentiment_mean
    from interactions
    left join surveys
        on surveys.interaction_id = interactions.interaction_id
    left join sentiment
        on sentiment.interaction_id = interactions.interaction_id
    left join queues
        on queues.queue_id = interactions.queue_id

)

select
    date_day,
    cast(date_trunc('week', cast(date_day as timestamp)) as date) as week_start,
    channel,
    queue_id,
    queue_name,
    team_name,
    intent,
    segment,
    service_path,
    cast(count(*) as bigint) as count_interactions,
    cast(count(first_reply_calendar_seconds) as bigint) as count_first_replies,
    coalesce(sum(first_reply_calendar_seconds), 0) as sum_first_reply_seconds,
    cast(count(case when is_offered then 1 end) as bigint) as count_offered,
    cast(count(case when is_offered and is_answered then 1 end) as bigint) as count_answered,
    cast(count(case when is_offered and is_answered_within_threshold then 1 end) as bigint)
        as count_answered_within_threshold,
    cast(count(case when is_offered and is_abandoned then 1 end) as bigint) as count_abandoned,
    cast(count(case when is_short_abandon then 1 end) as bigint) as count_short_abandoned,
    coalesce(sum(speed_of_answer_seconds), 0) as sum_speed_of_answer_seconds,
    cast(sum(count_csat_responses) as bigint) as count_csat_responses,
    cast(sum(count_csat_satisfied) as bigint) as count_csat_satisfied,
    coalesce(sum(sum_csat_score), 0) as sum_csat_score,
    cast(count(customer_sentiment_mean) as bigint) as count_sentiment_interactions,
    coalesce(sum(customer_sentiment_mean), 0) as sum_customer_sentiment
from enriched
group by
    date_day, channel, queue_id, queue_name, team_name, intent, segment, service_path
