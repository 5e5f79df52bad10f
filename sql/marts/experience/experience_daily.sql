-- One row per reporting day x channel x source system x queue x team x intent x intent basis x segment x service path:
-- additive columns of the experience measures of the catalog (sql/metrics/experience.yml).
with interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

experience as (

    select * from {{ ref('fct_contact_experience') }}

),

queues as (

    select * from {{ ref('dim_queues') }}

),

enriched as (

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
        experience.customer_sentiment_start,
        experience.customer_sentiment_end,
        experience.customer_sentiment_min,
        experience.customer_sentiment_mean,
        experience.customer_sentiment_trend,
        experience.is_started_negative,
        experience.is_recovered,
        coalesce(experience.count_ces_responses, 0) as count_ces_responses,
        coalesce(experience.sum_ces_score, 0) as sum_ces_score,
        coalesce(experience.sum_ces_score_squared, 0) as sum_ces_score_squared,
        coalesce(experience.count_ces_easy, 0) as count_ces_easy,
        experience.inferred_effort_score
    from interactions
    left join experience
        on experience.interaction_id = interactions.interaction_id
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
    cast(count(*) as bigint) as count_interactions,
    cast(count(customer_sentiment_mean) as bigint) as count_sentiment_interactions,
    coalesce(sum(customer_sentiment_start), 0) as sum_sentiment_start,
    coalesce(sum(customer_sentiment_start * customer_sentiment_start), 0) as sum_sq_sentiment_start,
    coalesce(sum(customer_sentiment_end), 0) as sum_sentiment_end,
    coalesce(sum(customer_sentiment_end * customer_sentiment_end), 0) as sum_sq_sentiment_end,
    coalesce(sum(customer_sentiment_min), 0) as sum_sentiment_min,
    coalesce(sum(customer_sentiment_min * customer_sentiment_min), 0) as sum_sq_sentiment_min,
    coalesce(sum(customer_sentiment_mean), 0) as sum_sentiment_mean,
    coalesce(sum(customer_sentiment_mean * customer_sentiment_mean), 0) as sum_sq_sentiment_mean,
    coalesce(sum(customer_sentiment_trend), 0) as sum_sentiment_trend,
    coalesce(sum(customer_sentiment_trend * customer_sentiment_trend), 0) as sum_sq_sentiment_trend,
    cast(count(case when is_started_negative then 1 end) as bigint) as count_negative_start,
    cast(count(case when is_recovered then 1 end) as bigint) as count_recovered,
    cast(sum(count_ces_responses) as bigint) as count_ces_responses,
    cast(sum(sum_ces_score) as double precision) as sum_ces_score,
    cast(sum(sum_ces_score_squared) as double precision) as sum_sq_ces_score,
    cast(sum(count_ces_easy) as bigint) as count_ces_easy,
    cast(count(inferred_effort_score) as bigint) as count_inferred_effort,
    coalesce(sum(inferred_effort_score), 0) as sum_inferred_effort,
    coalesce(sum(inferred_effort_score * inferred_effort_score), 0) as sum_sq_inferred_effort
from enriched
group by
    {{ standard_grain_columns() }}
