-- One row per survey answer (CSAT, CES, NPS).
with surveys as (

    select * from {{ ref('int_surveys_unioned') }}

),

interactions as (

    select interaction_id, customer_id from {{ ref('int_interactions_unioned') }}

)

select
    surveys.survey_response_id,
    surveys.interaction_id,
    coalesce(surveys.customer_id, interactions.customer_id) as customer_id,
    surveys.survey_type,
    surveys.score,
    surveys.responded_at,
    surveys.survey_type = 'csat' and surveys.score >= 4 as is_csat_satisfied,
    surveys.survey_comment
from surveys
left join interactions
    on interactions.interaction_id = surveys.interaction_id
