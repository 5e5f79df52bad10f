-- One row per source customer: the customer key the identity rules give it (docs/identity.md).
-- Customers sharing a normalised e-mail or phone are linked; the key of a linked group is the smallest
-- customer_id in it. The smallest id spreads one link (customer -> identifier -> customer) per step, for
-- a fixed number of steps: chains longer than that are reported by is_key_settled = false.
-- Never merged: an identifier carried by customers of two or more accounts (a conflict), every customer
-- that carries one, and every linked group that would span two or more accounts. They keep their own id.
{% set link_steps = var('identity_link_steps') %}
with customers as (

    select customer_id, account_id from {{ ref('int_customers_unioned') }}

),

identifiers as (

    select * from {{ ref('int_customer_identity_identifiers') }}

),

identifier_accounts as (

    select
        identifier_kind,
        identifier_value,
        count(distinct account_id) as count_accounts
    from identifiers
    group by identifier_kind, identifier_value

),

conflicted_customers as (

    select distinct identifiers.customer_id
    from identifiers
    inner join identifier_accounts
        on identifier_accounts.identifier_kind = identifiers.identifier_kind
        and identifier_accounts.identifier_value = identifiers.identifier_value
    where identifier_accounts.count_accounts > 1

),

links as (

    select identifiers.customer_id, identifiers.identifier_kind, identifiers.identifier_value
    from identifiers
    where identifiers.customer_id not in (select customer_id from conflicted_customers)

),

labels_0 as (

    select customer_id, customer_id as label from customers

),
{% for step in range(1, link_steps + 2) %}
identifier_labels_{{ step }} as (

    select links.identifier_kind, links.identifier_value, min(labels_{{ step - 1 }}.label) as label
    from links
    inner join labels_{{ step - 1 }}
        on labels_{{ step - 1 }}.customer_id = links.customer_id
    group by links.identifier_kind, links.identifier_value

),

labels_{{ step }} as (

    select customer_id, min(label) as label
    from (
        select customer_id, label from labels_{{ step - 1 }}
        union all
        select links.customer_id, identifier_labels_{{ step }}.label
        from links
        inner join identifier_labels_{{ step }}
            on identifier_labels_{{ step }}.identifier_kind = links.identifier_kind
            and identifier_labels_{{ step }}.identifier_value = links.identifier_value
    ) candidates
    group by customer_id

),
{% endfor %}
linked as (

    select
        customers.customer_id,
        customers.account_id,
        labels_{{ link_steps }}.label as linked_key,
        labels_{{ link_steps }}.label = labels_{{ link_steps + 1 }}.label as is_key_settled
    from customers
    inner join labels_{{ link_steps }}
        on labels_{{ link_steps }}.customer_id = customers.customer_id
    inner join labels_{{ link_steps + 1 }}
        on labels_{{ link_steps + 1 }}.customer_id = customers.customer_id

),

group_accounts as (

    select linked_key, count(distinct account_id) as count_accounts
    from linked
    group by linked_key

)

select
    linked.customer_id,
    case
        when linked.customer_id in (select customer_id from conflicted_customers) then linked.customer_id
        when group_accounts.count_accounts > 1 then linked.customer_id
        else linked.linked_key
    end as customer_key,
    linked.linked_key,
    linked.customer_id in (select customer_id from conflicted_customers) or group_accounts.count_accounts > 1
        as is_in_identity_conflict,
    linked.is_key_settled
from linked
inner join group_accounts
    on group_accounts.linked_key = linked.linked_key
