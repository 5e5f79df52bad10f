-- One row per survey answer; a re-delivered answer keeps its latest copy. A respondent known only by
-- e-mail is the customer 'surveys:<e-mail>' (see stg_surveys__customers).
with source as (

    select * from {{ source('surveys', 'answers') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by survey_response_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        'surveys:' || survey_response_id as survey_response_id,
        interaction_id,
        coalesce(customer_id, 'surveys:' || lower(trim(customer_email))) as customer_id,
        survey_type,
        cast(score as double precision) as score,
        responded_at,
        comment as survey_comment
    from ranked
    where version_rank = 1

)

select * from renamed
