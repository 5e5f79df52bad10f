-- One row per churned account: did it leave in silence? The Silent Exodus signal.
--
-- In the [signals] silent_exodus_days before it churned, an account left
--   without a word     when its people made no complaint (no escalated contact, no customer message with a
--                      customer compound below var('sentiment_negative_below'), no low survey answer: CSAT 1-2, CES 1-3, NPS 0-6)
--                      and answered no survey at all (contacts or not: going quiet is part of it); or
--   after bots only    when they did contact service, but every contact was handled by a bot alone.
-- Either makes it a silent exodus: the people who run service never heard this customer was unhappy.
--
-- Only a churn whose window meets the accounts' contact history can be judged (is_observed: the warehouse
-- holds contacts of the accounts' people from on or before the churn day, and its last contact day is not
-- before the window's start): with no contact history at all (an account export alone) or contacts from
-- another period, silence cannot be told from missing data, and the flags are null with silence_kind
-- 'not observed (no contact history at the churn date)'.
with accounts as (

    select account_id, account_name, segment, industry, arr_amount, churned_on
    from {{ ref('dim_accounts') }}
    where is_churned

),

contacts as (

    select
        interactions.account_id,
        interactions.interaction_id,
        interactions.created_at,
        interactions.service_path,
        interactions.is_escalated,
        sentiment.customer_sentiment_min
    from {{ ref('fct_interactions') }} as interactions
    left join {{ ref('int_customer_sentiment_rolled_up_to_interactions') }} as sentiment
        on sentiment.interaction_id = interactions.interaction_id
    where interactions.account_id is not null
        and interactions.direction <> 'outbound'

),

history as (

    select
        cast(min(created_at) as date) as first_contact_on,
        cast(max(created_at) as date) as last_contact_on
    from contacts

),

window_contacts as (

    select
        accounts.account_id,
        count(contacts.interaction_id) as count_contacts,
        count(case when contacts.service_path = 'bot_only' then 1 end) as count_bot_only_contacts,
        count(case when contacts.is_escalated then 1 end) as count_escalated_contacts,
        count(case when contacts.customer_sentiment_min < {{ var('sentiment_negative_below') }} then 1 end) as count_negative_contacts,
        max(contacts.created_at) as last_contact_at
    from accounts
    left join contacts
        on contacts.account_id = accounts.account_id
        and contacts.created_at >= cast(accounts.churned_on as timestamp)
            - interval '1 day' * {{ var('silent_exodus_days') }}
        and contacts.created_at < cast(accounts.churned_on as timestamp) + interval '1 day'
    group by accounts.account_id

),

answers as (

    select
        customers.account_id,
        surveys.responded_at,
        (surveys.survey_type = 'csat' and surveys.score <= 2)
            or (surveys.survey_type = 'ces' and surveys.score <= 3)
            or (surveys.survey_type = 'nps' and surveys.score <= 6) as is_low
    from {{ ref('fct_surveys') }} as surveys
    inner join {{ ref('dim_customers') }} as customers
        on customers.customer_key = surveys.customer_key
    where customers.account_id is not null

),

window_answers as (

    select
        accounts.account_id,
        count(answers.account_id) as count_survey_answers,
        count(case when answers.is_low then 1 end) as count_low_survey_answers
    from accounts
    left join answers
        on answers.account_id = accounts.account_id
        and answers.responded_at >= cast(accounts.churned_on as timestamp)
            - interval '1 day' * {{ var('silent_exodus_days') }}
        and answers.responded_at < cast(accounts.churned_on as timestamp) + interval '1 day'
    group by accounts.account_id

),

tallied as (

    select
        accounts.*,
        coalesce(
            accounts.churned_on >= history.first_contact_on
            and cast(accounts.churned_on as timestamp) - interval '1 day' * {{ var('silent_exodus_days') }}
                <= cast(history.last_contact_on as timestamp),
            false
        ) as is_observed,
        window_contacts.count_contacts,
        window_contacts.count_bot_only_contacts,
        window_contacts.count_escalated_contacts + window_contacts.count_negative_contacts
            + window_answers.count_low_survey_answers as count_complaints,
        window_answers.count_survey_answers,
        window_contacts.last_contact_at
    from accounts
    inner join window_contacts
        on window_contacts.account_id = accounts.account_id
    inner join window_answers
        on window_answers.account_id = accounts.account_id
    cross join history

)

select
    account_id,
    account_name,
    segment,
    industry,
    arr_amount,
    churned_on,
    cast(date_trunc('month', cast(churned_on as timestamp)) as date) as churned_month,
    count_contacts,
    count_bot_only_contacts,
    count_complaints,
    count_survey_answers,
    last_contact_at,
    is_observed,
    case when is_observed then count_complaints = 0 and count_survey_answers = 0 end as is_without_a_word,
    case when is_observed then count_contacts > 0 and count_bot_only_contacts = count_contacts end
        as is_after_bots_only,
    case when is_observed then (count_complaints = 0 and count_survey_answers = 0)
        or (count_contacts > 0 and count_bot_only_contacts = count_contacts) end as is_silent_exodus,
    case
        when not is_observed then 'not observed (no contact history at the churn date)'
        when count_contacts > 0 and count_bot_only_contacts = count_contacts then 'contacted bots only'
        when count_complaints = 0 and count_survey_answers = 0 and count_contacts = 0 then 'went quiet'
        when count_complaints = 0 and count_survey_answers = 0 then 'no complaint, no survey'
        else 'complained or answered a survey'
    end as silence_kind
from tallied
