-- One row per survey answer (CSAT, CES, NPS), with the person's customer key (docs/identity.md).
with surveys as (

    select * from {{ ref('int_surveys_unioned') }}

),

interactions as (

    select interaction_id, customer_id from {{ ref('int_interactions_unioned') }}

),

identity as (

    select customer_id, customer_key from {{ ref('int_customer_identity_keys') }}

),

linked as (

    select
        surveys.*,
        coalesce(surveys.customer_id, interactions.customer_id) as linked_customer_id
    from surveys
    left join interactions
        on interactions.interaction_id = surveys.interaction_id

)

select
    linked.survey_response_id,
    linked.interaction_id,
    linked.linked_customer_id as customer_id,
    coalesce(identity.customer_key, linked.linked_customer_id) as customer_key,
    linked.survey_type,
    linked.score,
    linked.responded_at,
    linked.survey_type = 'csat' and linked.score >= 4 as is_csat_satisfied,
    linked.survey_comment
from linked
left join identity
    on identity.customer_id = linked.linked_customer_id
