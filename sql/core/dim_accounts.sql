-- One row per customer account (company).
with accounts as (

    select * from {{ ref('int_accounts_unioned') }}

)

select
    account_id,
    account_name,
    segment,
    industry,
    arr_amount,
    started_on,
    churned_on,
    churned_on is not null as is_churned,
    account_type
from accounts
