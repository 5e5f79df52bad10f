-- One row per CRM account of an `accounts` export: the day its latest version's export describes (the source
-- option as_of, else the file's modification day), which dates an account's churn risk when no contact
-- history does (int_account_churn_features). Not a canonical entity.
with source as (

    select * from {{ source('accounts', 'accounts') }}

),

ranked as (

    select
        account_id,
        exported_on,
        row_number() over (
            partition by account_id
            order by updated_at desc nulls last, _batch_id desc, _source_line desc
        ) as version_rank
    from source

)

select
    account_id,
    exported_on
from ranked
where version_rank = 1
