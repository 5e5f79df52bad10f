-- One row per Genesys wrap-up code named in a saved GET /api/v2/routing/wrapupcodes page: its id and name, the
-- latest version (by dateModified, then the latest batch).
with source as (

    select * from {{ source('genesys', 'wrapup_codes') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by wrapup_code_id
            order by
                case when date_modified is null then 1 else 0 end,
                date_modified desc,
                _batch_id desc,
                _source_line desc
        ) as version_rank
    from source

)

select
    wrapup_code_id,
    trim(wrapup_code_name) as wrapup_code_name,
    description,
    division__name as division_name,
    date_modified as updated_at
from ranked
where version_rank = 1
