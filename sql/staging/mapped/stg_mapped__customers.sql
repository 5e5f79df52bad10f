-- One row per customer named by a mapped source. A mapping names customers by an id only: created_at is the
-- first time the customer appears and updated_at the last.
with interaction_rows as (

    select * from {{ source('mapped', 'interaction_rows') }}

),

event_rows as (

    select * from {{ source('mapped', 'event_rows') }}

),

sightings as (

    select _source_name, customer_id, created_at as seen_at
    from interaction_rows
    where customer_id is not null
    union all
    select _source_name, customer_id, occurred_at as seen_at
    from event_rows
    where customer_id is not null

),

customers as (

    select
        'mapped:' || _source_name || ':' || customer_id as customer_id,
        cast(null as text) as account_id,
        cast(null as text) as full_name,
        cast(null as text) as email,
        cast(null as text) as phone,
        min(seen_at) as created_at,
        max(seen_at) as updated_at
    from sightings
    group by _source_name, customer_id

)

select * from customers
