-- One row per customer caught in an identity conflict, per conflicting identifier: an e-mail or phone
-- carried by customers of two or more accounts (identifier_kind email / phone), or a group of customers
-- linked through several identifiers that would span two or more accounts (identifier_kind linked_group,
-- identifier_value = the key the group would have had). None of them is merged (docs/identity.md).
with identifiers as (

    select * from {{ ref('int_customer_identity_identifiers') }}

),

keys as (

    select * from {{ ref('int_customer_identity_keys') }}

),

customers as (

    select customer_id, account_id, source_system from {{ ref('int_customers_unioned') }}

),

identifier_accounts as (

    select
        identifier_kind,
        identifier_value,
        count(distinct account_id) as count_accounts,
        count(distinct customer_id) as count_customers
    from identifiers
    group by identifier_kind, identifier_value

),

identifier_conflicts as (

    select
        identifiers.identifier_kind,
        identifiers.identifier_value,
        identifiers.customer_id,
        identifiers.account_id,
        identifiers.source_system,
        identifier_accounts.count_accounts,
        identifier_accounts.count_customers
    from identifiers
    inner join identifier_accounts
        on identifier_accounts.identifier_kind = identifiers.identifier_kind
        and identifier_accounts.identifier_value = identifiers.identifier_value
    where identifier_accounts.count_accounts > 1

),

linked_groups as (

    select
        keys.linked_key,
        count(distinct customers.account_id) as count_accounts,
        count(*) as count_customers
    from keys
    inner join customers
        on customers.customer_id = keys.customer_id
    group by keys.linked_key

),

group_conflicts as (

    select
        'linked_group' as identifier_kind,
        keys.linked_key as identifier_value,
        keys.customer_id,
        customers.account_id,
        customers.source_system,
        linked_groups.count_accounts,
        linked_groups.count_customers
    from keys
    inner join customers
        on customers.customer_id = keys.customer_id
    inner join linked_groups
        on linked_groups.linked_key = keys.linked_key
    where linked_groups.count_accounts > 1

)

select * from identifier_conflicts
union all
select * from group_conflicts
