-- One row per Contact Lens transcript turn that became a message and that Contact Lens gave a sentiment:
-- its label (POSITIVE, NEGATIVE, NEUTRAL, MIXED) lower-cased, the vendor's own reading kept beside cxpulse's
-- score. A voice turn carries its label; a chat turn gets its group's (the reader puts it on the turn).
with source as (

    select * from {{ source('amazon_connect', 'transcript_turns') }}

),

ranked as (

    select
        turn_key,
        sentiment,
        row_number() over (
            partition by turn_key
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

messages as (

    select message_id from {{ ref('int_amazon_connect__messages') }}

)

select
    messages.message_id,
    lower(ranked.sentiment) as vendor_sentiment
from ranked
inner join messages
    on messages.message_id = 'amazon_connect:' || ranked.turn_key
where ranked.version_rank = 1
    and lower(ranked.sentiment) in ('positive', 'negative', 'neutral', 'mixed')
