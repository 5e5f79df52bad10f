-- One row per interaction with at least one survey answer linked to it.
with surveys as (

    select * from {{ ref('fct_surveys') }}
    where interaction_id is not null

)

select
    interaction_id,
    count(case when survey_type = 'csat' then 1 end) as count_csat_responses,
    count(case when survey_type = 'csat' and score >= 4 then 1 end) as count_csat_satisfied,
    coalesce(sum(case when survey_type = 'csat' then score end), 0) as sum_csat_score,
    count(case when survey_type = 'ces' then 1 end) as count_ces_responses,
    coalesce(sum(case when survey_type = 'ces' then score end), 0) as sum_ces_score
from surveys
group by interaction_id
