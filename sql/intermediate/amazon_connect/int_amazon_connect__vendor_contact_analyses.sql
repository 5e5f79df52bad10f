-- One row per Amazon Connect contact that Contact Lens analysed (a leg of a journey), from its latest analysis
-- (the latest analysis time in the file name, then the latest batch: a raw and a redacted file of the same
-- analysis carry the same figures). Contact Lens's own figures, in seconds: overall sentiment of the customer
-- and of the agent (-5 to +5), talk time (someone speaking), non-talk time (silence), the whole conversation
-- and the count of interruptions. A chat analysis has sentiment but no talk figures (null).
with source as (

    select * from {{ source('amazon_connect', 'contact_analyses') }}

),

legs as (

    select contact_id, interaction_id from {{ ref('stg_amazon_connect__contact_legs') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by contact_id
            order by
                case when analyzed_at is null then 1 else 0 end,
                analyzed_at desc,
                _batch_id desc,
                _source_line desc
        ) as version_rank
    from source

)

select
    'amazon_connect:' || ranked.contact_id as analysis_id,
    coalesce(legs.interaction_id, 'amazon_connect:' || ranked.contact_id) as interaction_id,
    ranked.analyzed_at,
    cast(ranked.customer_sentiment_score as double precision) as customer_sentiment_score,
    cast(ranked.agent_sentiment_score as double precision) as agent_sentiment_score,
    cast(ranked.talk_time_millis as double precision) / 1000.0 as talk_seconds,
    cast(ranked.non_talk_time_millis as double precision) / 1000.0 as non_talk_seconds,
    cast(ranked.total_conversation_duration_millis as double precision) / 1000.0 as conversation_seconds,
    cast(ranked.interruptions_count as bigint) as count_interruptions
from ranked
left join legs
    on legs.contact_id = ranked.contact_id
where ranked.version_rank = 1
