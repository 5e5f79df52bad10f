-- One row per message of an interaction-per-row export whose mapping maps message_text (a social post, a
-- chat line). The message is sent when the row says (sent_at), else when the interaction was created; a
-- message without a mapped id takes the hash of its source record.
with source as (

    select * from {{ source('mapped', 'interaction_rows') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by _source_name, coalesce(message_id, _record_hash)
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source
    where message_text is not null

),

renamed as (

    select
        'mapped:' || _source_name || ':' || coalesce(message_id, _record_hash) as message_id,
        'mapped:' || _source_name || ':' || interaction_id as interaction_id,
        coalesce(sent_at, created_at) as sent_at,
        coalesce(author_role, 'customer') as author_role,
        'mapped:' || _source_name || ':' || author_id as author_id,
        message_text,
        true as is_public
    from ranked
    where version_rank = 1

)

select * from renamed
