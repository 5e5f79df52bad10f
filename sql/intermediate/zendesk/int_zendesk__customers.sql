-- One row per Zendesk end-user (a customer): the latest version of the user.
with users as (

    select * from {{ ref('stg_zendesk__users') }}

),

renamed as (

    select
        'zendesk:user:' || user_id as customer_id,
        'zendesk:organization:' || organization_id as account_id,
        full_name,
        lower(trim(email)) as email,
        phone,
        created_at,
        updated_at
    from users
    where user_role = 'end-user'

)

select * from renamed
