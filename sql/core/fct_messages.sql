-- One row per message (turn) of a chat, bot conversation, e-mail or ticket thread, or social thread.
-- vendor_sentiment is the label the source's own analytics gave the message (Amazon Connect Contact Lens:
-- positive, negative, neutral, mixed), kept beside cxpulse's own score (fct_message_sentiment); null when the
-- source has none.
with messages as (

    select * from {{ ref('int_messages_unioned') }}

),

vendor_sentiments as (

    select message_id, vendor_sentiment from {{ ref('int_vendor_message_sentiments_unioned') }}

)

select
    messages.message_id,
    messages.interaction_id,
    cast(row_number() over (
        partition by messages.interaction_id order by messages.sent_at, messages.message_id
    ) as bigint) as message_seq,
    messages.sent_at,
    messages.author_role,
    messages.author_id,
    messages.message_text,
    messages.is_public,
    md5(messages.message_text) as text_hash,
    vendor_sentiments.vendor_sentiment
from messages
left join vendor_sentiments
    on vendor_sentiments.message_id = messages.message_id
