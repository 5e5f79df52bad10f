-- One row per turn of a transcript, ids prefixed with the format; a re-delivered turn keeps its latest copy.
-- Not a canonical entity: the interactions, messages, events and customers of this format are read from it.
with source as (

    select * from {{ source('transcripts', 'turns') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by conversation_id, turn_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        'transcripts:' || conversation_id || ':' || turn_id as turn_id,
        'transcripts:' || conversation_id as interaction_id,
        sent_at,
        author_role,
        'transcripts:' || author_id as author_id,
        text as message_text,
        intent,
        coalesce(is_handoff, false) as is_handoff,
        event_type,
        'transcripts:' || coalesce(customer_id, lower(trim(customer_email)), customer_phone) as customer_id,
        customer_email,
        customer_phone,
        coalesce(channel, 'chat') as channel,
        coalesce(times_are_synthetic, false) as times_are_synthetic,
        row_number() over (
            partition by conversation_id
            order by sent_at, _batch_id, _source_line
        ) as turn_seq
    from ranked
    where version_rank = 1

)

select * from renamed
