-- One row per segment of a Genesys session: the latest version by export batch (a segment still open in an
-- earlier export gains its end in a later one).
with source as (

    select * from {{ source('genesys', 'segments') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by segment_key
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        segment_key,
        session_id,
        participant_id,
        conversation_id,
        conversation_start,
        cast(segment_seq as bigint) as segment_seq,
        lower(segment_type) as segment_type,
        segment_start,
        segment_end,
        queue_id,
        wrap_up_code,
        wrap_up_note,
        disconnect_type,
        coalesce(conference, false) as is_conference
    from ranked
    where version_rank = 1

)

select * from renamed
