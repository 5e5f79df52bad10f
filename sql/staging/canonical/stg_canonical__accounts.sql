-- One row per account: the latest version by updated_at.
with source as (

    select * from {{ source('canonical', 'accounts') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by account_id
            order by updated_at desc, _batch_id desc, _source_line desc
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
        updated_at,
        cast(null as text) as account_type
    from ranked
    where version_rank = 1

)

select * from renamed
