-- One row per category a source's own analytics rules matched on an analysed vendor contact (Contact Lens
-- MatchedCategories), with the journey it belongs to.
with categories as (

    select * from {{ ref('int_vendor_categories_unioned') }}

)

select
    analysis_id,
    interaction_id,
    source_system,
    category_name
from categories
