-- One row per customer contact: how it felt (the customer's sentiment over the contact) and how hard it was
-- (CES answers where the customer gave one; the inferred effort index for every contact).
--
-- inferred_effort_score is the latest fit of the effort model of the current version
-- (var('effort_model_version'), core.enr_effort_model, etl/enrich/effort.py) applied to the contact's effort
-- features and clipped to the CES scale 1-7 (7 = easiest). It is null when the latest fit has no model
-- (too few CES answers; the reason is in core.enr_effort_model).
with interactions as (

    select interaction_id, date_day from {{ ref('fct_interactions') }}

),

sentiment as (

    select * from {{ ref('int_customer_sentiment_rolled_up_to_interactions') }}

),

features as (

    select * from {{ ref('int_contact_effort_features') }}

),

fits as (

    select * from {{ enriched('effort_model') }}
    where model_version = '{{ var("effort_model_version") }}'

),

latest_fit as (

    select max(fitted_at) as fitted_at from fits

),

model as (

    select
        max(fits.model_version) as effort_model_version,
        max(fits.fitted_at) as effort_model_fitted_at,
        max(case when fits.term = 'intercept' then fits.coefficient end) as b_intercept,
        coalesce(max(case when fits.term = 'prior_episode_contacts' then fits.coefficient end), 0)
            as b_prior_episode_contacts,
        coalesce(max(case when fits.term = 'count_transfers' then fits.coefficient end), 0) as b_count_transfers,
        coalesce(max(case when fits.term = 'is_channel_switch' then fits.coefficient end), 0)
            as b_is_channel_switch,
        coalesce(max(case when fits.term = 'is_repeat_contact' then fits.coefficient end), 0)
            as b_is_repeat_contact,
        coalesce(max(case when fits.term = 'is_restatement' then fits.coefficient end), 0) as b_is_restatement,
        coalesce(max(case when fits.term = 'log_queue_wait_minutes' then fits.coefficient end), 0)
            as b_log_queue_wait_minutes,
        coalesce(max(case when fits.term = 'log_first_reply_hours' then fits.coefficient end), 0)
            as b_log_first_reply_hours
    from fits
    inner join latest_fit
        on latest_fit.fitted_at = fits.fitted_at
    where fits.status = 'fitted'

),

scored as (

    select
        features.interaction_id,
        model.effort_model_version,
        model.effort_model_fitted_at,
        model.b_intercept
            + model.b_prior_episode_contacts * features.prior_episode_contacts
            + model.b_count_transfers * features.count_transfers
            + model.b_is_channel_switch * (case when features.is_channel_switch then 1 else 0 end)
            + model.b_is_repeat_contact * (case when features.is_repeat_contact then 1 else 0 end)
            + model.b_is_restatement * (case when features.is_restatement then 1 else 0 end)
            + model.b_log_queue_wait_minutes * features.log_queue_wait_minutes
            + model.b_log_first_reply_hours * features.log_first_reply_hours as raw_effort_score
    from features
    cross join model

)

select
    interactions.interaction_id,
    interactions.date_day,
    sentiment.count_scored_customer_messages,
    sentiment.customer_sentiment_start,
    sentiment.customer_sentiment_end,
    sentiment.customer_sentiment_min,
    sentiment.customer_sentiment_max,
    sentiment.customer_sentiment_mean,
    sentiment.customer_sentiment_trend,
    sentiment.is_started_negative,
    sentiment.is_recovered,
    features.count_ces_responses,
    features.sum_ces_score,
    features.sum_ces_score_squared,
    features.count_ces_easy,
    features.ces_score_mean,
    features.prior_episode_contacts,
    features.count_transfers,
    features.is_channel_switch,
    features.is_repeat_contact,
    features.is_restatement,
    features.queue_wait_seconds,
    features.first_reply_calendar_seconds,
    case
        when scored.raw_effort_score is null then null
        when scored.raw_effort_score < 1 then cast(1 as double precision)
        when scored.raw_effort_score > 7 then cast(7 as double precision)
        else scored.raw_effort_score
    end as inferred_effort_score,
    scored.effort_model_version,
    scored.effort_model_fitted_at
from interactions
left join sentiment
    on sentiment.interaction_id = interactions.interaction_id
left join features
    on features.interaction_id = interactions.interaction_id
left join scored
    on scored.interaction_id = interactions.interaction_id
