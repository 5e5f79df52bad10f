-- One row per CRM account and further export column (beyond the mapped canonical fields): its latest value,
-- as text, and the column's place in the export's header (attribute_position, from 0). Not a canonical entity:
-- the churn model reads it as (account_id, attribute_name, attribute_position, attribute_value).
with source as (

    select * from {{ source('accounts', 'account_attributes') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by account_id, attribute_name
            order by updated_at desc nulls last, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        account_id,
        attribute_name,
        attribute_position,
        attribute_value,
        updated_at
    from ranked
    where version_rank = 1

)

select * from renamed
