-- One row per reporting day x channel x source system x queue x team x intent x intent basis x segment x service path: each account's churn
-- risk, revenue at risk and churned ARR, attributed to the contacts its people made in the account's feature
-- window in proportion (every contact carries 1 / the account's window contacts of it), so that the sums
-- re-aggregate under any dashboard filter and, unfiltered, add up to the account totals of fct_account_risk.
-- An account with no contact in its window is one row on the window's last day with channel 'none', intent
-- 'no_contact' and service path 'no_contact' (queue and team 'unassigned'). When the churn model scored no
-- account (no fit, or method 'none'), the risk sums are null: not measured, never 0.
with risk as (

    select * from {{ ref('fct_account_risk') }}

),

interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

queues as (

    select * from {{ ref('dim_queues') }}

),

attributed_contacts as (

    select
        interactions.date_day,
        interactions.channel,
        interactions.source_system,
        interactions.queue_id,
        coalesce(queues.queue_name, interactions.queue_id) as queue_name,
        interactions.team_name,
        interactions.intent,
        interactions.intent_basis,
        risk.segment,
        interactions.service_path,
        risk.is_churned,
        risk.risk_method,
        risk.risk_band,
        risk.churn_probability,
        risk.revenue_at_risk,
        risk.arr_amount,
        risk.churned_arr_amount,
        1.0 / risk.count_window_contacts as account_share
    from risk
    inner join interactions
        on interactions.account_id = risk.account_id
        and interactions.created_at >= risk.window_start_at
        and interactions.created_at < risk.observation_at
    left join queues
        on queues.queue_id = interactions.queue_id

),

silent_accounts as (

    select
        cast(risk.observation_at - interval '1 day' as date) as date_day,
        'none' as channel,
        'none' as source_system,
        'unassigned' as queue_id,
        'unassigned' as queue_name,
        'unassigned' as team_name,
        'no_contact' as intent,
        'no_contact' as intent_basis,
        risk.segment,
        'no_contact' as service_path,
        risk.is_churned,
        risk.risk_method,
        risk.risk_band,
        risk.churn_probability,
        risk.revenue_at_risk,
        risk.arr_amount,
        risk.churned_arr_amount,
        1.0 as account_share
    from risk
    where coalesce(risk.count_window_contacts, 0) = 0
        and risk.observation_at is not null

),

attributed as (

    select * from attributed_contacts
    union all
    select * from silent_accounts

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
    cast(count(case when channel <> 'none' then 1 end) as bigint) as count_window_contacts,
    coalesce(sum(case when not is_churned then account_share end), 0.0) as sum_active_account_share,
    coalesce(sum(case when not is_churned and churn_probability is not null then account_share end), 0.0)
        as sum_scored_account_share,
    case when max(case when risk_method in ('logit', 'rule') then 1 else 0 end) = 1 then
        coalesce(sum(case when not is_churned then account_share * churn_probability end), 0.0)
    end as sum_attributed_churn_probability,
    case when max(case when risk_method in ('logit', 'rule') then 1 else 0 end) = 1 then
        coalesce(sum(case when not is_churned and risk_band = 'high' then account_share end), 0.0)
    end as sum_high_risk_account_share,
    -- money sums skip accounts without ARR, and are null when no account of the row has one
    case when max(case when risk_method in ('logit', 'rule') then 1 else 0 end) = 1 then
        sum(account_share * revenue_at_risk)
    end as sum_revenue_at_risk,
    sum(case when not is_churned then account_share * arr_amount end) as sum_active_arr_amount,
    coalesce(sum(case when is_churned then account_share end), 0.0) as sum_churned_account_share,
    sum(account_share * churned_arr_amount) as sum_churned_arr_amount
from attributed
group by
    {{ standard_grain_columns() }}
