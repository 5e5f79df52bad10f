-- One row per customer named by a contact: Attributes.customerId, else the caller's phone number (E.164),
-- else Attributes.email; the details of the latest contact that names the customer win.
with legs as (

    select * from {{ ref('stg_amazon_connect__contact_legs') }}

),

first_seen as (

    select
        customer_id,
        min(initiated_at) as created_at
    from legs
    where customer_id is not null
    group by customer_id

),

ranked as (

    select
        customer_id,
        phone,
        email,
        updated_at,
        row_number() over (partition by customer_id order by updated_at desc, contact_id desc) as version_rank
    from legs
    where customer_id is not null

)

select
    ranked.customer_id,
    cast(null as text) as account_id,
    cast(null as text) as full_name,
    ranked.email,
    ranked.phone,
    first_seen.created_at,
    ranked.updated_at
from ranked
inner join first_seen
    on first_seen.customer_id = ranked.customer_id
where ranked.version_rank = 1
