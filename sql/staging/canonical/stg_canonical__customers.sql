-- One row per customer (a person): the latest version by updated_at.
with source as (

    select * from {{ source('canonical', 'customers') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        customer_id,
        account_id,
        full_name,
        lower(trim(email)) as email,
        phone,
        created_at,
        updated_at
    from ranked
    where version_rank = 1

)

select * from renamed
