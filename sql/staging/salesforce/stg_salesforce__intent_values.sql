-- One row per Salesforce Case field that may name its intent: Reason and Type, as exported (latest version of
-- the case). Mapped onto the taxonomy in int_interaction_vendor_intents; unmapped values are listed by
-- audit.intent_unmapped_vendor_values.
with source as (

    select * from {{ source('salesforce', 'cases') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by case_id
            order by last_modified_date desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

latest as (

    select * from ranked where version_rank = 1

),

unpivoted as (

    select 'salesforce:' || case_id as interaction_id, 'Reason' as vendor_field, reason as vendor_value, created_date
    from latest
    union all
    select 'salesforce:' || case_id as interaction_id, 'Type' as vendor_field, case_type as vendor_value, created_date
    from latest

)

select
    interaction_id,
    vendor_field,
    vendor_value,
    created_date as created_at
from unpivoted
where vendor_value is not null and trim(vendor_value) <> ''
