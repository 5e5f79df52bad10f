-- One row per Salesforce Contact (a person who contacts service): the latest version by LastModifiedDate.
-- phone: Phone, else MobilePhone. Ids in their 18-character form (etl/salesforce_ids.py).
with source as (

    select * from {{ source('salesforce', 'contacts') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ salesforce_id_18('contact_id') }}
            order by last_modified_date desc nulls last, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        'salesforce:' || {{ salesforce_id_18('contact_id') }} as customer_id,
        'salesforce:' || {{ salesforce_id_18('account_id') }} as account_id,
        nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), '') as full_name,
        lower(trim(email)) as email,
        coalesce(phone, mobile_phone) as phone,
        created_date as created_at,
        coalesce(last_modified_date, created_date) as updated_at
    from ranked
    where version_rank = 1

)

select * from renamed
