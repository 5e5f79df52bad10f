-- One row per Genesys conversation: the latest version (an ended one before one still in progress).
with source as (

    select * from {{ source('genesys', 'conversations') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by conversation_id
            order by
                case when conversation_end is null then 1 else 0 end,
                _batch_id desc,
                _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        conversation_id,
        conversation_start,
        conversation_end,
        originating_direction,
        division_ids,
        external_tag,
        cast(media_stats_min_conversation_mos as double precision) as media_stats_min_conversation_mos
    from ranked
    where version_rank = 1

)

select * from renamed
