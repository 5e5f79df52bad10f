-- One row per category Contact Lens matched on an analysed contact (Categories.MatchedCategories), taken from
-- the analysis int_amazon_connect__vendor_contact_analyses keeps (same analysis time), once per name.
with source as (

    select * from {{ source('amazon_connect', 'matched_categories') }}

),

analyses as (

    select analysis_id, interaction_id, analyzed_at from {{ ref('int_amazon_connect__vendor_contact_analyses') }}

)

select
    analyses.analysis_id,
    analyses.interaction_id,
    source.category_name
from source
inner join analyses
    on analyses.analysis_id = 'amazon_connect:' || source.contact_id
    and analyses.analyzed_at is not distinct from source.analyzed_at
group by analyses.analysis_id, analyses.interaction_id, source.category_name
