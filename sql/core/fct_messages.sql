-- One row per message (turn) of a chat, bot conversation, e-mail or ticket thread, or social thread.
with messages as (

    select * from {{ ref('int_messages_unioned') }}

)

select
    message_id,
    interaction_id,
    cast(row_number() over (partition by interaction_id order by sent_at, message_id) as bigint) as message_seq,
    sent_at,
    author_role,
    author_id,
    message_text,
    is_public,
    md5(message_text) as text_hash
from messages
