-- One row per vendor contact that a source's own conversation analytics analysed (an Amazon Connect contact,
-- one leg of a journey, analysed by Contact Lens), with the journey it belongs to. The scores are the vendor's,
-- on the vendor's scale (Contact Lens overall sentiment -5 to +5), kept beside cxpulse's own sentiment; the
-- times are the vendor's speech analytics (talk = someone speaking, non-talk = silence on the line).
with analyses as (

    select * from {{ ref('int_vendor_contact_analyses_unioned') }}

)

select
    analysis_id,
    interaction_id,
    source_system,
    analyzed_at,
    customer_sentiment_score,
    agent_sentiment_score,
    talk_seconds,
    non_talk_seconds,
    conversation_seconds,
    count_interruptions
from analyses
