-- One row per Amazon Connect journey value that may name its intent: the contact attribute `intent` of its latest
-- leg that sets one (`attributes.intent`) and each Contact Lens category matched on its legs
-- (`contact_lens_category`). Mapped onto the taxonomy in int_interaction_vendor_intents; unmapped values are
-- listed by audit.intent_unmapped_vendor_values.
with interactions as (

    select * from {{ ref('int_amazon_connect__interactions') }}

),

categories as (

    select * from {{ ref('int_amazon_connect__vendor_categories') }}

),

unioned as (

    select interaction_id, 'attributes.intent' as vendor_field, intent as vendor_value
    from interactions
    union all
    select interaction_id, 'contact_lens_category' as vendor_field, category_name as vendor_value
    from categories

)

select distinct
    unioned.interaction_id,
    unioned.vendor_field,
    unioned.vendor_value,
    interactions.created_at
from unioned
inner join interactions
    on interactions.interaction_id = unioned.interaction_id
where unioned.vendor_value is not null and trim(unioned.vendor_value) <> ''
