-- One row per CRM account: the latest version by updated_at (or, without one, the latest file and line).
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
        churned_on,
        updated_at
    from ranked
    where version_rank = 1

)

select * from renamed
