-- One row per vendor value that may name an intent (a Zendesk tag, a Salesforce Reason or Type, a Connect
-- attribute or Contact Lens category, a Genesys wrap-up name, a mapped column's value) that the taxonomy maps
-- onto no intent: the contacts carrying it get their intent from a rule or the model, or stay unclassified.
-- Add the value to an intent's vendor_values in the taxonomy file to map it (Data health, "Intents to map").
with vendor_values as (

    select * from {{ ref('int_intent_values_unioned') }}

),

mappings as (

    select * from {{ seed('intent_vendor_values') }}

),

unmapped as (

    select *
    from vendor_values
    where not exists (
        select 1 from mappings
        where mappings.value_key = regexp_replace(lower(trim(vendor_values.vendor_value)), '\s+', '_', 'g')
            and mappings.source_kind in (vendor_values.source_system, '*')
            and mappings.vendor_field in (vendor_values.vendor_field, '*')
    )

)

select
    source_system as source_kind,
    vendor_field,
    vendor_value,
    cast(count(distinct interaction_id) as bigint) as count_contacts,
    min(created_at) as first_seen_at,
    max(created_at) as last_seen_at
from unmapped
group by source_system, vendor_field, vendor_value
