-- One row per customer key: a person who contacts service, with every source customer id the identity
-- rules unite under it (docs/identity.md). customer_id repeats the key (the smallest source id of the
-- person) for readers that join on it. Name, e-mail and phone are those of the record whose id is the key,
-- else of the latest updated record; the account is the one account the person's records name.
with customers as (

    select * from {{ ref('int_customers_unioned') }}

),

keys as (

    select * from {{ ref('int_customer_identity_keys') }}

),

phones as (

    select customer_id, identifier_value as phone_e164
    from {{ ref('int_customer_identity_identifiers') }}
    where identifier_kind = 'phone'

),

keyed as (

    select
        customers.*,
        keys.customer_key,
        keys.is_in_identity_conflict,
        phones.phone_e164,
        row_number() over (
            partition by keys.customer_key
            order by
                case when customers.customer_id = keys.customer_key then 0 else 1 end,
                customers.updated_at desc,
                customers.customer_id
        ) as record_rank
    from customers
    inner join keys
        on keys.customer_id = customers.customer_id
    left join phones
        on phones.customer_id = customers.customer_id

),

united as (

    select
        customer_key,
        max(account_id) as account_id,
        max(full_name) as any_full_name,
        min(lower(trim(email))) as any_email,
        min(phone) as any_phone,
        min(phone_e164) as any_phone_e164,
        min(created_at) as created_at,
        count(*) as count_source_customer_ids,
        string_agg(customer_id, ', ' order by customer_id) as source_customer_ids,
        string_agg(distinct source_system, ', ' order by source_system) as source_systems,
        bool_or(is_in_identity_conflict) as is_in_identity_conflict
    from keyed
    group by customer_key

),

representative as (

    select * from keyed where record_rank = 1

)

select
    united.customer_key,
    united.customer_key as customer_id,
    united.account_id,
    coalesce(representative.full_name, united.any_full_name) as full_name,
    coalesce(lower(trim(representative.email)), united.any_email) as email,
    coalesce(representative.phone, united.any_phone) as phone,
    coalesce(representative.phone_e164, united.any_phone_e164) as phone_e164,
    united.created_at,
    cast(united.count_source_customer_ids as bigint) as count_source_customer_ids,
    united.source_customer_ids,
    united.source_systems,
    united.is_in_identity_conflict
from united
inner join representative
    on representative.customer_key = united.customer_key
