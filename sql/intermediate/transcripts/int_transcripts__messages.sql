-- One row per turn that carries text; system turns (ABCD actions, "chat started") are not public.
with turns as (

    select * from {{ ref('stg_transcripts__turns') }}

)

select
    turn_id as message_id,
    interaction_id,
    sent_at,
    author_role,
    author_id,
    message_text,
    author_role <> 'system' as is_public
from turns
where message_text is not null
