-- One row per canonical event derived from a Zendesk ticket audit (see etl/sources/zendesk.py for the rules);
-- a re-delivered event keeps its latest copy. Assignee and group values become canonical ids; statuses keep
-- Zendesk's own names (new, open, pending, hold, solved, closed).
with source as (

    select * from {{ source('zendesk', 'ticket_events') }}

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

)

select * from renamed
