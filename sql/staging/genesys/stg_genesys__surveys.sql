-- One row per score of a finished Genesys survey (the conversation detail's `surveys` list), as canonical
-- survey answers. Only surveyStatus Finished is an answer (Pending, Sent, InProgress, OptOut, Error and Expired
-- are not). A survey may give two answers:
--   nps   surveyPromoterScore, the survey form's NPS question, 0-10 as Genesys asks it: the canonical NPS scale.
--   csat  oSurveyTotalScore, the survey form's total score, a percentage of its scored questions' points
--         (0-100, scored as Genesys scores its forms), rescaled linearly onto the canonical 1-5 CSAT scale:
--         score = 1 + 4 x total / 100 (0 % -> 1, 50 % -> 3, 75 % -> 4, 100 % -> 5), so that a form scored 75 %
--         or more counts as a satisfied answer (CSAT score >= 4).
-- Ids: 'genesys:survey:<surveyId>/nps' and '.../csat'. The survey is dated when it was completed
-- (surveyCompletedDate), else by its eventTime, else by its conversation's start. The customer is the
-- conversation's (core links it through the interaction). A survey exported again (Sent, then Finished) keeps
-- its finished version, else its latest.
with source as (

    select * from {{ source('genesys', 'surveys') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by survey_id
            order by
                case when lower(survey_status) = 'finished' then 0 else 1 end,
                _batch_id desc,
                _source_line desc
        ) as version_rank
    from source

),

finished as (

    select
        survey_id,
        'genesys:' || conversation_id as interaction_id,
        coalesce(survey_completed_date, event_time, conversation_start) as responded_at,
        cast(survey_promoter_score as double precision) as promoter_score,
        cast(o_survey_total_score as double precision) as total_score_percent
    from ranked
    where version_rank = 1 and lower(survey_status) = 'finished'

),

nps as (

    select
        'genesys:survey:' || survey_id || '/nps' as survey_response_id,
        interaction_id,
        cast(null as text) as customer_id,
        'nps' as survey_type,
        promoter_score as score,
        responded_at,
        cast(null as text) as survey_comment
    from finished
    where promoter_score is not null

),

csat as (

    select
        'genesys:survey:' || survey_id || '/csat' as survey_response_id,
        interaction_id,
        cast(null as text) as customer_id,
        'csat' as survey_type,
        1.0 + 4.0 * total_score_percent / 100.0 as score,
        responded_at,
        cast(null as text) as survey_comment
    from finished
    where total_score_percent is not null

)

select * from nps
union all
select * from csat
