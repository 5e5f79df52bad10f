-- One row per mapped interaction whose export states an intent: the vendor's value as exported, under the
-- field it came from (mapped onto the taxonomy in int_interaction_vendor_intents; unmapped values are listed
-- by audit.intent_unmapped_vendor_values).
with interactions as (

    select * from {{ ref('stg_mapped__interactions') }}

)

select
    interaction_id,
    'intent' as vendor_field,
    intent as vendor_value,
    created_at
from interactions
where intent is not null and trim(intent) <> ''
