-- One row per Genesys wrap-up code that conversations carry but no saved wrap-up code list names
-- (GET /api/v2/routing/wrapupcodes saved as wrapupcodes*.json): these conversations show the code's id as
-- their intent. Export the list (or its missing pages) to name them.
with segments as (

    select * from {{ ref('stg_genesys__segments') }}

),

names as (

    select wrapup_code_id from {{ ref('stg_genesys__wrapup_codes') }}

)

select
    segments.wrap_up_code,
    cast(count(distinct segments.conversation_id) as bigint) as count_conversations,
    min(segments.segment_start) as first_seen_at,
    max(segments.segment_start) as last_seen_at
from segments
left join names
    on names.wrapup_code_id = segments.wrap_up_code
where segments.segment_type = 'wrapup'
    and segments.wrap_up_code is not null
    and names.wrapup_code_id is null
group by segments.wrap_up_code
