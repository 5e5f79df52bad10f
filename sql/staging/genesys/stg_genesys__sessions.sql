-- One row per session of a Genesys participant: the latest version by export batch.
with source as (

    select * from {{ source('genesys', 'sessions') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by session_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        session_id,
        participant_id,
        conversation_id,
        conversation_start,
        cast(session_seq as bigint) as session_seq,
        lower(media_type) as media_type,
        lower(message_type) as message_type,
        lower(direction) as direction,
        ani,
        dnis,
        address_from,
        address_to,
        peer_id,
        flow__flow_id as flow_id,
        flow__flow_name as flow_name,
        upper(flow__flow_type) as flow_type
    from ranked
    where version_rank = 1

)

select * from renamed
