-- One row per survey answer; a re-delivered answer keeps its latest copy.
with source as (

    select * from {{ source('canonical', 'surveys') }}

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
        survey_response_id,
        interaction_id,
        customer_id,
        survey_type,
        cast(score as double precision) as score,
        responded_at,
        comment as survey_comment
    from ranked
    where version_rank = 1

)

select * from renamed
