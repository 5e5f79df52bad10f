-- One row per Genesys customer: the external contact when the customer participant has one, else the
-- address they came from (ani with 'tel:' stripped for calls, addressFrom for digital media). Since ingest
-- pseudonymises addresses (docs/privacy.md) they arrive as em_/ph_ keys; clear ones are read as before.
with sessions as (

    select * from {{ ref('int_genesys__sessions_joined_to_participants') }}

),

customer_sessions as (

    select
        customer_id,
        participant_name,
        customer_address,
        conversation_start,
        min(conversation_start) over (partition by customer_id) as first_seen_at,
        row_number() over (
            partition by customer_id
            order by conversation_start desc, session_id desc
        ) as version_rank
    from sessions
    where participant_role in ('customer', 'external')

)

select
    customer_id,
    cast(null as text) as account_id,
    participant_name as full_name,
    case
        when substr(customer_address, 1, 3) = 'em_' then customer_address
        when customer_address like '%@%' then lower(trim(customer_address))
    end as email,
    case
        when substr(customer_address, 1, 3) = 'ph_' then customer_address
        when customer_address like '+%' then customer_address
    end as phone,
    first_seen_at as created_at,
    conversation_start as updated_at
from customer_sessions
where version_rank = 1
