-- One row per queue named by a mapped source (interaction rows, event logs, interval reports). The id is
-- also the name; the channel is the one of the queue's latest row (event logs default to ticket, interval
-- reports to voice, as in their staging models).
with interaction_rows as (

    select * from {{ source('mapped', 'interaction_rows') }}

),

event_rows as (

    select * from {{ source('mapped', 'event_rows') }}

),

interval_rows as (

    select * from {{ source('mapped', 'interval_rows') }}

),

sightings as (

    select _source_name, queue_id, channel, coalesce(updated_at, created_at) as seen_at, _batch_id, _source_line
    from interaction_rows
    where queue_id is not null
    union all
    select _source_name, queue_id, coalesce(channel, 'ticket') as channel, occurred_at as seen_at, _batch_id,
        _source_line
    from event_rows
    where queue_id is not null
    union all
    select _source_name, queue_id, coalesce(channel, 'voice') as channel, interval_start as seen_at, _batch_id,
        _source_line
    from interval_rows
    where queue_id is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by _source_name, queue_id
            order by seen_at desc nulls last, _batch_id desc, _source_line desc
        ) as recency,
        max(seen_at) over (partition by _source_name, queue_id) as last_seen_at
    from sightings

),

queues as (

    select
        'mapped:' || _source_name || ':' || queue_id as queue_id,
        queue_id as queue_name,
        channel,
        cast(null as text) as team_name,
        last_seen_at as updated_at
    from ranked
    where recency = 1

)

select * from queues
