-- One row per customer account: what its people went through in the feature window before the account's
-- observation date, and the account's CRM attributes (the churn model's inputs, docs/churn_model.md).
--
-- Contact history: the warehouse holds contacts of the accounts' people (interactions whose customer belongs
-- to one of the accounts). Without it, the model works from the accounts' attributes alone.
--
-- Observation date: the day a churned account churned (only contacts BEFORE it count). For an active account,
-- with contact history, the end of that history (midnight after the last day with a contact of any account);
-- without it, midnight after the day the account export describes: the `accounts` source's as_of option or
-- its file's modification day (int_account_export_dates), else the day of the account's latest
-- updated_at. observation_basis says which. The window is the `churn_feature_window_days` (default 90) days
-- before the observation date. Only contacts, messages and surveys inside the window count. Further CRM
-- attributes (stg_accounts__account_attributes) are long rows (one per account and column), pivoted by the
-- churn step in Python because their columns are only known at run time.
with accounts as (

    select * from {{ ref('dim_accounts') }}

),

interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

episodes as (

    select * from {{ ref('int_contact_episodes') }}

),

account_dates as (

    select
        unioned.account_id,
        max(unioned.updated_at) as updated_at,
        max(export_dates.exported_on) as exported_on
    from {{ ref('int_accounts_unioned') }} as unioned
    left join {{ ref('int_account_export_dates') }} as export_dates
        on export_dates.account_id = unioned.account_id
    group by unioned.account_id

),

-- the contact history of the accounts: their people's interactions, from the first day to the last
data_range as (

    select
        count(*) > 0 as has_contact_history,
        cast(cast(min(interactions.created_at) as date) as timestamp) as data_start_at,
        cast(cast(max(interactions.created_at) as date) as timestamp) + interval '1 day' as data_end_at
    from interactions
    inner join accounts
        on accounts.account_id = interactions.account_id

),

observed as (

    select
        accounts.account_id,
        accounts.segment,
        accounts.industry,
        accounts.arr_amount,
        accounts.started_on,
        accounts.churned_on,
        accounts.is_churned,
        data_range.has_contact_history,
        case
            when accounts.churned_on is not null then cast(accounts.churned_on as timestamp)
            when data_range.has_contact_history then data_range.data_end_at
            else cast(coalesce(account_dates.exported_on, cast(account_dates.updated_at as date)) as timestamp)
                + interval '1 day'
        end as observation_at,
        case
            when accounts.churned_on is not null then 'churn date'
            when data_range.has_contact_history then 'end of the contact history'
            when account_dates.exported_on is not null then 'export date'
            when account_dates.updated_at is not null then 'last modified'
        end as observation_basis,
        data_range.data_start_at,
        data_range.data_end_at
    from accounts
    cross join data_range
    left join account_dates
        on account_dates.account_id = accounts.account_id

),

windows as (

    select
        *,
        observation_at - interval '1 day' * {{ var('churn_feature_window_days') }} as window_start_at
    from observed

),

window_contacts as (

    select
        windows.account_id,
        interactions.interaction_id,
        interactions.customer_key,
        interactions.service_path,
        interactions.is_abandoned,
        interactions.is_escalated,
        interactions.count_transfers,
        interactions.queue_wait_seconds,
        episodes.episode_id,
        episodes.is_repeat_contact,
        episodes.has_return_within_window
    from windows
    inner join interactions
        on interactions.account_id = windows.account_id
        and interactions.created_at >= windows.window_start_at
        and interactions.created_at < windows.observation_at
    left join episodes
        on episodes.interaction_id = interactions.interaction_id

),

contact_features as (

    select
        account_id,
        cast(count(*) as bigint) as count_contacts,
        cast(count(distinct customer_key) as bigint) as count_contacting_people,
        cast(count(case when is_repeat_contact then 1 end) as bigint) as count_repeat_contacts,
        cast(count(distinct case when has_return_within_window then episode_id end) as bigint)
            as count_unresolved_episodes,
        cast(count(case when service_path = 'bot_only' then 1 end) as bigint) as count_bot_only_contacts,
        cast(count(case when is_abandoned then 1 end) as bigint) as count_abandoned_contacts,
        -- a long wait: over five minutes in a queue for a person
        cast(count(case when queue_wait_seconds > 300 then 1 end) as bigint) as count_long_waits,
        cast(coalesce(sum(count_transfers), 0) as bigint) as count_transfers,
        cast(count(case when is_escalated then 1 end) as bigint) as count_escalated_contacts
    from window_contacts
    group by account_id

),

negative_messages as (

    select
        window_contacts.account_id,
        cast(count(*) as bigint) as count_negative_messages
    from window_contacts
    inner join {{ ref('fct_messages') }} messages
        on messages.interaction_id = window_contacts.interaction_id
        and messages.author_role = 'customer'
    inner join {{ enriched('message_sentiment') }} sentiment
        on sentiment.message_id = messages.message_id
        and sentiment.text_hash = messages.text_hash
        and sentiment.analyzer_version = '{{ var('sentiment_analyzer_version') }}'
    where sentiment.compound < -0.05
    group by window_contacts.account_id

),

restatements as (

    select
        window_contacts.account_id,
        cast(count(*) as bigint) as count_restatements
    from window_contacts
    inner join {{ ref('int_handoff_restatements_thresholded') }} restatement
        on restatement.interaction_id = window_contacts.interaction_id
    where restatement.is_restatement
    group by window_contacts.account_id

),

survey_features as (

    select
        window_contacts.account_id,
        cast(count(*) as bigint) as count_survey_answers,
        cast(count(case when surveys.survey_type = 'ces' then 1 end) as bigint) as count_ces_answers,
        sum(case when surveys.survey_type = 'ces' then cast(surveys.score as double precision) end)
            as sum_ces_score,
        -- CES 1-7, 7 = easiest: 1-3 is a hard experience
        cast(count(case when surveys.survey_type = 'ces' and surveys.score <= 3 then 1 end) as bigint)
            as count_low_ces_answers,
        -- CSAT 1-5: 1-2 is dissatisfied
        cast(count(case when surveys.survey_type = 'csat' and surveys.score <= 2 then 1 end) as bigint)
            as count_low_csat_answers
    from window_contacts
    inner join {{ ref('fct_surveys') }} surveys
        on surveys.interaction_id = window_contacts.interaction_id
    group by window_contacts.account_id

)

select
    windows.account_id,
    windows.segment,
    windows.industry,
    windows.arr_amount,
    windows.is_churned,
    windows.churned_on,
    windows.has_contact_history,
    windows.observation_at,
    windows.observation_basis,
    windows.window_start_at,
    cast({{ seconds_between('cast(windows.started_on as timestamp)', 'windows.observation_at') }} / 86400.0
        as double precision) as tenure_days,
    -- trained on: churned accounts, and active accounts that were customers through a whole window (an account
    -- without a start date is taken as one); with contact history the window must also lie inside it (an early
    -- churner's window would otherwise look falsely quiet); an account that cannot be dated is not trained on
    coalesce(
        (windows.is_churned or coalesce(windows.started_on <= cast(windows.window_start_at as date), true))
        and (not windows.has_contact_history or windows.window_start_at >= windows.data_start_at)
        and windows.observation_at is not null,
        false
    ) as has_known_outcome,
    coalesce(contact_features.count_contacts, 0) as count_contacts,
    coalesce(contact_features.count_contacting_people, 0) as count_contacting_people,
    coalesce(contact_features.count_repeat_contacts, 0) as count_repeat_contacts,
    coalesce(contact_features.count_unresolved_episodes, 0) as count_unresolved_episodes,
    coalesce(contact_features.count_bot_only_contacts, 0) as count_bot_only_contacts,
    case
        when contact_features.count_contacts > 0
            then cast(contact_features.count_bot_only_contacts as double precision) / contact_features.count_contacts
        else 0.0
    end as bot_only_contact_share,
    coalesce(contact_features.count_abandoned_contacts, 0) as count_abandoned_contacts,
    coalesce(contact_features.count_long_waits, 0) as count_long_waits,
    coalesce(contact_features.count_transfers, 0) as count_transfers,
    coalesce(contact_features.count_escalated_contacts, 0) as count_escalated_contacts,
    coalesce(negative_messages.count_negative_messages, 0) as count_negative_messages,
    coalesce(restatements.count_restatements, 0) as count_restatements,
    coalesce(survey_features.count_survey_answers, 0) as count_survey_answers,
    coalesce(survey_features.count_ces_answers, 0) as count_ces_answers,
    survey_features.sum_ces_score / nullif(survey_features.count_ces_answers, 0) as ces_mean,
    coalesce(survey_features.count_low_ces_answers, 0) as count_low_ces_answers,
    coalesce(survey_features.count_low_csat_answers, 0) as count_low_csat_answers,
    coalesce(survey_features.count_survey_answers, 0) = 0 as has_no_survey_answers,
    coalesce(contact_features.count_contacts, 0) = 0 as has_no_contacts
from windows
left join contact_features
    on contact_features.account_id = windows.account_id
left join negative_messages
    on negative_messages.account_id = windows.account_id
left join restatements
    on restatements.account_id = windows.account_id
left join survey_features
    on survey_features.account_id = windows.account_id
