-- One row per customer (a person who contacts service).
with customers as (

    select * from {{ ref('stg_canonical__customers') }}

)

select
    customer_id,
    account_id,
    full_name,
    email,
    phone,
    created_at
from customers
