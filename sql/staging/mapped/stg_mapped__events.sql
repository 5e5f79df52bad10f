-- One row per event of a mapped event log. Ids carry the format and the source name ('mapped:<source>:<id>'),
-- so that two mapped tools never share an id. The source's own activity name is kept as the reason when the
-- mapping maps no reason column. A re-delivered event keeps its latest copy.
with source as (

    select * from {{ source('mapped', 'event_rows') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by _source_name, event_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        'mapped:' || _source_name || ':' || event_id as event_id,
        'mapped:' || _source_name || ':' || interaction_id as interaction_id,
        occurred_at,
        event_type,
        'mapped:' || _source_name || ':' || agent_id as agent_id,
        'mapped:' || _source_name || ':' || queue_id as queue_id,
        from_value,
        to_value,
        coalesce(reason, activity) as reason
    from ranked
    where version_rank = 1

)

select * from renamed
