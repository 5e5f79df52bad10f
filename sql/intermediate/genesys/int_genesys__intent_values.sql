-- One row per genesys interaction whose export states an intent: the vendor's value as exported, under the
-- field it came from (mapped onto the taxonomy in int_interaction_vendor_intents; unmapped values are listed
-- by audit.intent_unmapped_vendor_values).
with interactions as (

    select * from {{ ref('int_genesys__interactions') }}

)

select
    interaction_id,
    'wrap_up_code' as vendor_field,
    intent as vendor_value,
    created_at
from interactions
where intent is not null and trim(intent) <> ''
