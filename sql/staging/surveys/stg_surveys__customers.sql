-- One row per respondent known only by e-mail: the customer 'surveys:<e-mail>', first and last seen at
-- their answers. Respondents named by a customer id belong to the source that owns that id.
with source as (

    select * from {{ source('surveys', 'answers') }}
    where customer_id is null and customer_email is not null

),

respondents as (

    select
        'surveys:' || lower(trim(customer_email)) as customer_id,
        lower(trim(customer_email)) as email,
        min(responded_at) as created_at,
        max(responded_at) as updated_at
    from source
    group by lower(trim(customer_email))

)

select
    customer_id,
    cast(null as text) as account_id,
    cast(null as text) as full_name,
    email,
    cast(null as text) as phone,
    created_at,
    updated_at
from respondents
