-- One row per customer account: its churn risk from the latest churn-model fit (etl/enrich/churn.py; a
-- logistic regression, or the points rule when too few accounts have churned), the three strongest reasons,
-- and the revenue at risk (probability x ARR). A churned account keeps the risk it was scored with at its
-- churn date, but its revenue is lost rather than at risk: revenue_at_risk is 0 and churned_arr_amount holds it.
-- When no fit has run, or the latest scored nothing (method 'none': too few churned accounts and no contact
-- history for the rule), probability, band and revenue at risk are null: not measured, never 0. An account
-- without ARR in the export has null ARR, revenue at risk and churned ARR (unknown money is not 0).
with accounts as (

    select * from {{ ref('dim_accounts') }}

),

fits as (

    select * from {{ enriched('churn_models') }}
    where model_version = '{{ var('churn_model_version') }}'

),

latest_fit as (

    select run_id, fitted_at, method, feature_set
    from fits
    where run_id = (select max(run_id) from fits)

),

risk as (

    select risk_rows.*
    from {{ enriched('account_churn_risk') }} as risk_rows
    inner join latest_fit
        on latest_fit.run_id = risk_rows.run_id
        and latest_fit.fitted_at = risk_rows.fitted_at
    where risk_rows.model_version = '{{ var('churn_model_version') }}'

),

features as (

    select account_id, observation_at, window_start_at, count_contacts
    from {{ ref('int_account_churn_features') }}

)

select
    accounts.account_id,
    accounts.account_name,
    accounts.segment,
    accounts.industry,
    accounts.is_churned,
    accounts.churned_on,
    features.observation_at,
    features.window_start_at,
    features.count_contacts as count_window_contacts,
    latest_fit.method as risk_method,
    latest_fit.feature_set as risk_feature_set,
    latest_fit.run_id as risk_run_id,
    latest_fit.fitted_at as risk_fitted_at,
    risk.churn_probability,
    risk.risk_band,
    risk.risk_points,
    risk.reason_1,
    risk.reason_2,
    risk.reason_3,
    accounts.arr_amount,
    case
        when latest_fit.method is null or latest_fit.method = 'none' then null
        when accounts.arr_amount is null then null
        when accounts.is_churned then 0.0
        else risk.churn_probability * accounts.arr_amount
    end as revenue_at_risk,
    case
        when accounts.arr_amount is null then null
        when accounts.is_churned then accounts.arr_amount
        else 0.0
    end as churned_arr_amount
from accounts
left join features
    on features.account_id = accounts.account_id
left join risk
    on risk.account_id = accounts.account_id
left join latest_fit
    on true
