-- One row per interaction one of whose vendor values the taxonomy maps onto an intent (seed
-- intent_vendor_values, written from the [intents] taxonomy file at every build). Values compare trimmed, in
-- lower case, runs of spaces as one underscore. When several of a contact's values map, the one listed first in
-- the taxonomy wins (a deployment's own file before the starter pack); a value equal to an intent's name maps
-- after every listed value. Values that map to nothing are listed by audit.intent_unmapped_vendor_values.
with vendor_values as (

    select * from {{ ref('int_intent_values_unioned') }}

),

mappings as (

    select * from {{ seed('intent_vendor_values') }}

),

matched as (

    select
        vendor_values.interaction_id,
        vendor_values.source_system,
        vendor_values.vendor_field,
        vendor_values.vendor_value,
        mappings.intent,
        row_number() over (
            partition by vendor_values.interaction_id
            order by mappings.mapping_rank, vendor_values.vendor_field, vendor_values.vendor_value
        ) as match_rank
    from vendor_values
    inner join mappings
        on mappings.value_key = regexp_replace(lower(trim(vendor_values.vendor_value)), '\s+', '_', 'g')
        and mappings.source_kind in (vendor_values.source_system, '*')
        and mappings.vendor_field in (vendor_values.vendor_field, '*')

)

select
    interaction_id,
    intent,
    source_system,
    vendor_field,
    vendor_value
from matched
where match_rank = 1
