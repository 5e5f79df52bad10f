-- One row per customer (a person who contacts service).
with customers as (

    select * from {{ ref('int_customers_unioned') }}

)

select
    customer_id,
    account_id,
    full_name,
    email,
    phone,
    created_at
from customers
