-- One row per customer and kind of identifier (email, phone): the normalised values the identity rules
-- compare (docs/identity.md). E-mail: lower-case, trimmed, must hold an @ (no gmail dot or plus folding).
-- Phone: spaces, dashes, dots, slashes and parentheses removed; a leading 00 becomes +; a number without
-- + or 00 is national: one leading 0 (trunk prefix) is dropped and the default country code put before
-- it; the result must be + and 7 to 15 digits, not starting with 0, or it is not used.
-- Since ingest pseudonymises them (docs/privacy.md), raw holds `em_<hmac>` / `ph_<hmac>`: keys of the value
-- these rules normalise to, computed with the same rules in Python, compared as they are. `emx_`/`phx_`
-- (a value that is no usable e-mail or phone) are not used, as the clear value was not.
{% set default_country_code = var('identity_default_country_code') %}
with customers as (

    select customer_id, account_id, email, phone, source_system from {{ ref('int_customers_unioned') }}

),

emails as (

    select
        customer_id,
        account_id,
        source_system,
        'email' as identifier_kind,
        case when substr(email, 1, 3) = 'em_' then email else lower(trim(email)) end as identifier_value
    from customers
    where substr(email, 1, 3) = 'em_' or (trim(email) like '%_@_%' and substr(email, 1, 4) <> 'emx_')

),

compact_phones as (

    select
        customer_id,
        account_id,
        source_system,
        replace(replace(replace(replace(replace(replace(trim(phone),
            ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '/', '') as compact_phone
    from customers
    where phone is not null and substr(phone, 1, 3) <> 'ph_' and substr(phone, 1, 4) <> 'phx_'

),

pseudonymous_phones as (

    select
        customer_id,
        account_id,
        source_system,
        'phone' as identifier_kind,
        phone as identifier_value
    from customers
    where substr(phone, 1, 3) = 'ph_'

),

e164_phones as (

    select
        customer_id,
        account_id,
        source_system,
        case
            when compact_phone like '+%' then compact_phone
            when compact_phone like '00%' then '+' || substr(compact_phone, 3)
            when compact_phone like '0%' then '+{{ default_country_code }}' || substr(compact_phone, 2)
            else '+{{ default_country_code }}' || compact_phone
        end as phone_e164
    from compact_phones

),

phones as (

    select
        customer_id,
        account_id,
        source_system,
        'phone' as identifier_kind,
        phone_e164 as identifier_value
    from e164_phones
    where length(phone_e164) between 8 and 16
        and substr(phone_e164, 2, 1) <> '0'
        and translate(substr(phone_e164, 2), '0123456789', '') = ''

)

select * from emails
union all
select * from phones
union all
select * from pseudonymous_phones
