-- One row per Zendesk satisfaction rating that was answered (score good or bad) on the latest version of its
-- ticket, as a CSAT answer: good -> 5, bad -> 1, so that good counts as satisfied (score >= 4) and bad does
-- not. Zendesk's own satisfaction score, good / (good + bad), is then the canonical CSAT satisfied rate.
-- Offered and unoffered ratings are not answers. A rating carries no time of its own in the ticket export:
-- it is dated by the first exported version of the ticket that carries it with that score.
with source as (

    select * from {{ source('zendesk', 'tickets') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank,
        min(updated_at) over (
            partition by ticket_id, satisfaction_rating__id, satisfaction_rating__score
        ) as rating_first_seen_at
    from source

),

renamed as (

    select
        'zendesk:satisfaction:' || satisfaction_rating__id as survey_response_id,
        'zendesk:ticket:' || ticket_id as interaction_id,
        'zendesk:user:' || requester_id as customer_id,
        'csat' as survey_type,
        cast(case lower(satisfaction_rating__score) when 'good' then 5 else 1 end as double precision) as score,
        rating_first_seen_at as responded_at,
        satisfaction_rating__comment as survey_comment
    from ranked
    where version_rank = 1
        and lower(satisfaction_rating__score) in ('good', 'bad')
        and satisfaction_rating__id is not null

)

select * from renamed
