-- One row per CRM account: the latest version by updated_at (or, without one, the latest file and line).
-- churned_on: the export's churn date; for an account marked churned only by a churn flag, the day of its
-- updated_at, else the day the export describes (exported_on: the source option as_of or the file's
-- modification day). A churn date wins over a flag saying no (etl/sources/accounts.py).
with source as (

    select * from {{ source('accounts', 'accounts') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by account_id
            order by updated_at desc nulls last, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        account_id,
        account_name,
        segment,
        industry,
        cast(arr_amount as double precision) as arr_amount,
        started_on,
        coalesce(
            churned_on,
            case when churn_flag then coalesce(cast(updated_at as date), exported_on) end
        ) as churned_on,
        updated_at,
        cast(null as text) as account_type
    from ranked
    where version_rank = 1

)

select * from renamed
