-- One row per value of a Zendesk ticket (latest version) that may name its intent: each tag (`tags`), each
-- custom field's text value (`custom_fields`) and the channel it came by (`via_channel`). Mapped onto the
-- taxonomy in int_interaction_vendor_intents; unmapped values are listed by audit.intent_unmapped_vendor_values.
-- Tags and custom fields are the JSON arrays the API exports (a ticket whose tags are not an array, e.g. a
-- hand-made export with tags as one string, contributes none).
with source as (

    select * from {{ source('zendesk', 'tickets') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

latest as (

    select
        'zendesk:ticket:' || ticket_id as interaction_id,
        created_at,
        via__channel,
        case when tags like '[%' then tags else '[]' end as tags_json,
        case when custom_fields like '[%' then custom_fields else '[]' end as custom_fields_json
    from ranked
    where version_rank = 1

),

tag_values as (

    select
        latest.interaction_id,
        'tags' as vendor_field,
        {{ json_text('tag.element') }} as vendor_value,
        latest.created_at
    from latest
    cross join {{ json_array_rows('latest.tags_json', 'tag') }}

),

custom_field_values as (

    select
        latest.interaction_id,
        'custom_fields' as vendor_field,
        {{ json_text('custom_field.element', 'value') }} as vendor_value,
        latest.created_at
    from latest
    cross join {{ json_array_rows('latest.custom_fields_json', 'custom_field') }}

),

channel_values as (

    select
        interaction_id,
        'via_channel' as vendor_field,
        via__channel as vendor_value,
        created_at
    from latest

),

unioned as (

    select * from tag_values
    union all
    select * from custom_field_values
    union all
    select * from channel_values

)

select distinct
    interaction_id,
    vendor_field,
    vendor_value,
    created_at
from unioned
where vendor_value is not null and trim(vendor_value) <> ''
    -- a checkbox custom field says yes or no, not what the ticket is about
    and not (vendor_field = 'custom_fields' and lower(vendor_value) in ('true', 'false'))
