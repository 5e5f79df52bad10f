-- One row per customer named in transcripts (by customer id, else e-mail, else phone), with the latest
-- e-mail and phone given. Grouping turns is this format's deviation (see int_transcripts__interactions).
with turns as (

    select * from {{ ref('stg_transcripts__turns') }}
    where customer_id is not null

),

customers as (

    select
        customer_id,
        min(sent_at) as created_at,
        max(sent_at) as updated_at
    from turns
    group by customer_id

),

ranked_emails as (

    select
        customer_id,
        lower(trim(customer_email)) as email,
        row_number() over (partition by customer_id order by sent_at desc, turn_id desc) as email_rank
    from turns
    where customer_email is not null

),

ranked_phones as (

    select
        customer_id,
        customer_phone as phone,
        row_number() over (partition by customer_id order by sent_at desc, turn_id desc) as phone_rank
    from turns
    where customer_phone is not null

)

select
    customers.customer_id,
    cast(null as text) as account_id,
    cast(null as text) as full_name,
    ranked_emails.email,
    ranked_phones.phone,
    customers.created_at,
    customers.updated_at
from customers
left join ranked_emails
    on ranked_emails.customer_id = customers.customer_id
    and ranked_emails.email_rank = 1
left join ranked_phones
    on ranked_phones.customer_id = customers.customer_id
    and ranked_phones.phone_rank = 1
