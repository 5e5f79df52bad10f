-- One row per message (turn); a re-delivered message keeps its latest copy.
with source as (

    select * from {{ source('canonical', 'messages') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by message_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        message_id,
        interaction_id,
        sent_at,
        author_role,
        author_id,
        text as message_text,
        coalesce(is_public, true) as is_public
    from ranked
    where version_rank = 1

)

select * from renamed
