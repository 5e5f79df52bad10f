-- One row per canonical event derived from a Zendesk ticket audit (see etl/sources/zendesk.py for the rules);
-- a re-delivered event keeps its latest copy. Assignee and group values become canonical ids; statuses keep
-- Zendesk's own names (new, open, pending, hold, solved, closed).
-- A ticket exported without its audits (the API shape: incremental tickets, ticket metrics and comments) has
-- no event trail; its solve is then read from its latest Ticket Metrics record: one solved event at solved_at
-- ("when the ticket was solved", the last solve), event_key 'metrics-<ticket_metric_id>-solved'. Earlier solves
-- of a reopened ticket are not exported and are not invented (see stg_zendesk__interactions, stated reopens).
with source as (

    select * from {{ source('zendesk', 'ticket_events') }}

),

metrics as (

    select * from {{ source('zendesk', 'ticket_metrics') }}

),

latest_metrics as (

    select
        *,
        row_number() over (
            partition by ticket_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from metrics

),

metric_solves as (

    select
        'metrics-' || latest_metrics.ticket_metric_id || '-solved' as event_key,
        latest_metrics.ticket_id,
        latest_metrics.solved_at as occurred_at
    from latest_metrics
    where latest_metrics.version_rank = 1
        and latest_metrics.solved_at is not null
        and not exists (
            select 1 from source where source.ticket_id = latest_metrics.ticket_id
        )

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_key
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        'zendesk:event:' || event_key as event_id,
        'zendesk:ticket:' || ticket_id as interaction_id,
        occurred_at,
        event_type,
        'zendesk:user:' || agent_id as agent_id,
        'zendesk:group:' || group_id as queue_id,
        case field_name
            when 'assignee_id' then 'zendesk:user:' || from_value
            when 'group_id' then 'zendesk:group:' || from_value
            else from_value
        end as from_value,
        case field_name
            when 'assignee_id' then 'zendesk:user:' || to_value
            when 'group_id' then 'zendesk:group:' || to_value
            else to_value
        end as to_value,
        reason
    from ranked
    where version_rank = 1

    union all

    select
        'zendesk:event:' || event_key as event_id,
        'zendesk:ticket:' || ticket_id as interaction_id,
        occurred_at,
        'solved' as event_type,
        cast(null as text) as agent_id,
        cast(null as text) as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from metric_solves

)

select * from renamed
