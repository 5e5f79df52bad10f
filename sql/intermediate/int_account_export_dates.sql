-- One row per CRM account of an `accounts` export: the day its latest version's export describes. Core reads
-- intermediate only, so the churn features (core.int_account_churn_features) date an account without contact
-- history from here rather than from staging.
select
    account_id,
    exported_on
from {{ ref('stg_accounts__account_export_dates') }}
