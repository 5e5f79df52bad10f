-- One row per interaction of a mapped source: the latest version of each row of an interaction-per-row export,
-- and, for an event log, one interaction per case derived from its events (created = first event, updated =
-- last event, status from the last status-bearing event, agent / queue / customer / channel / priority / intent /
-- subject = the last value the log gives).
with interaction_rows as (

    select * from {{ source('mapped', 'interaction_rows') }}

),

ranked_rows as (

    select
        *,
        row_number() over (
            partition by _source_name, interaction_id
            order by coalesce(updated_at, created_at) desc, _batch_id desc, _source_line desc
        ) as version_rank
    from interaction_rows

),

from_rows as (

    select
        'mapped:' || _source_name || ':' || interaction_id as interaction_id,
        channel,
        'mapped:' || _source_name || ':' || customer_id as customer_id,
        'mapped:' || _source_name || ':' || queue_id as queue_id,
        'mapped:' || _source_name || ':' || agent_id as agent_id,
        intent,
        priority,
        coalesce(status, case when closed_at is not null then 'closed' else 'open' end) as status,
        created_at,
        coalesce(updated_at, created_at) as updated_at,
        closed_at,
        subject,
        direction,
        cast(talk_seconds as double precision) as talk_seconds,
        cast(hold_seconds as double precision) as hold_seconds,
        cast(acw_seconds as double precision) as acw_seconds,
        cast(null as double precision) as queue_wait_seconds,
        cast(null as bigint) as stated_count_reopens,
        cast(null as text) as account_id,
        false as times_are_synthetic
    from ranked_rows
    where version_rank = 1

),

event_rows as (

    select * from {{ source('mapped', 'event_rows') }}

),

deduplicated_events as (

    select
        *,
        row_number() over (
            partition by _source_name, event_id
            order by _batch_id desc, _source_line desc
        ) as copy_rank
    from event_rows

),

events as (

    select
        _source_name,
        interaction_id,
        occurred_at,
        event_type,
        agent_id,
        queue_id,
        customer_id,
        channel,
        priority,
        intent,
        subject,
        case event_type
            when 'solved' then 'solved'
            when 'closed' then 'closed'
            when 'abandoned' then 'abandoned'
            when 'reopened' then 'open'
        end as status_after,
        row_number() over (
            partition by _source_name, interaction_id, agent_id is null
            order by occurred_at desc, _source_line desc
        ) as agent_recency,
        row_number() over (
            partition by _source_name, interaction_id, queue_id is null
            order by occurred_at desc, _source_line desc
        ) as queue_recency,
        row_number() over (
            partition by _source_name, interaction_id, customer_id is null
            order by occurred_at desc, _source_line desc
        ) as customer_recency,
        row_number() over (
            partition by _source_name, interaction_id, channel is null
            order by occurred_at desc, _source_line desc
        ) as channel_recency,
        row_number() over (
            partition by _source_name, interaction_id, priority is null
            order by occurred_at desc, _source_line desc
        ) as priority_recency,
        row_number() over (
            partition by _source_name, interaction_id, intent is null
            order by occurred_at desc, _source_line desc
        ) as intent_recency,
        row_number() over (
            partition by _source_name, interaction_id, subject is null
            order by occurred_at desc, _source_line desc
        ) as subject_recency
    from deduplicated_events
    where copy_rank = 1

),

status_events as (

    select
        _source_name,
        interaction_id,
        status_after,
        row_number() over (
            partition by _source_name, interaction_id
            order by occurred_at desc
        ) as status_recency
    from events
    where status_after is not null

),

cases as (

    select
        _source_name,
        interaction_id,
        min(occurred_at) as created_at,
        max(occurred_at) as updated_at,
        max(case when event_type = 'closed' then occurred_at end) as last_closed_at,
        max(case when agent_id is not null and agent_recency = 1 then agent_id end) as agent_id,
        max(case when queue_id is not null and queue_recency = 1 then queue_id end) as queue_id,
        max(case when customer_id is not null and customer_recency = 1 then customer_id end) as customer_id,
        max(case when channel is not null and channel_recency = 1 then channel end) as channel,
        max(case when priority is not null and priority_recency = 1 then priority end) as priority,
        max(case when intent is not null and intent_recency = 1 then intent end) as intent,
        max(case when subject is not null and subject_recency = 1 then subject end) as subject
    from events
    group by _source_name, interaction_id

),

from_events as (

    select
        'mapped:' || cases._source_name || ':' || cases.interaction_id as interaction_id,
        coalesce(cases.channel, 'ticket') as channel,
        'mapped:' || cases._source_name || ':' || cases.customer_id as customer_id,
        'mapped:' || cases._source_name || ':' || cases.queue_id as queue_id,
        'mapped:' || cases._source_name || ':' || cases.agent_id as agent_id,
        cases.intent,
        cases.priority,
        coalesce(status_events.status_after, 'open') as status,
        cases.created_at,
        cases.updated_at,
        case when status_events.status_after = 'closed' then cases.last_closed_at end as closed_at,
        cases.subject,
        cast(null as text) as direction,
        cast(null as double precision) as talk_seconds,
        cast(null as double precision) as hold_seconds,
        cast(null as double precision) as acw_seconds,
        cast(null as double precision) as queue_wait_seconds,
        cast(null as bigint) as stated_count_reopens,
        cast(null as text) as account_id,
        false as times_are_synthetic
    from cases
    left join status_events
        on status_events._source_name = cases._source_name
        and status_events.interaction_id = cases.interaction_id
        and status_events.status_recency = 1

),

unioned as (

    select * from from_rows
    union all
    select * from from_events

)

select * from unioned
