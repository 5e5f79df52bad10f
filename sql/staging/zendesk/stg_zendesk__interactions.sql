-- One row per Zendesk ticket: the latest version by updated_at (a ticket is exported again each time it
-- changes). Channel from via.channel; status new -> open and hold -> pending; a closed ticket cannot change
-- any more, so its last update is when it closed. stated_count_reopens: Ticket Metrics' reopens of a ticket
-- exported without its audits (no status trail to count reopened events from); null when audits were exported.
with source as (

    select * from {{ source('zendesk', 'tickets') }}

),

audit_events as (

    select distinct ticket_id from {{ source('zendesk', 'ticket_events') }}

),

metrics as (

    select
        ticket_id,
        reopens,
        row_number() over (
            partition by ticket_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from {{ source('zendesk', 'ticket_metrics') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        'zendesk:ticket:' || ranked.ticket_id as interaction_id,
        case lower(ranked.via__channel)
            when 'email' then 'email'
            when 'chat' then 'chat'
            when 'voice' then 'voice'
            when 'phone' then 'voice'
            when 'twitter' then 'social'
            when 'facebook' then 'social'
            else 'ticket'
        end as channel,
        'zendesk:user:' || ranked.requester_id as customer_id,
        'zendesk:group:' || ranked.group_id as queue_id,
        'zendesk:user:' || ranked.assignee_id as agent_id,
        ranked.intent,
        ranked.priority,
        case ranked.status
            when 'new' then 'open'
            when 'hold' then 'pending'
            else ranked.status
        end as status,
        ranked.created_at,
        ranked.updated_at,
        case when ranked.status = 'closed' then ranked.updated_at end as closed_at,
        ranked.subject,
        cast(null as text) as direction,
        cast(null as double precision) as talk_seconds,
        cast(null as double precision) as hold_seconds,
        cast(null as double precision) as acw_seconds,
        cast(null as double precision) as queue_wait_seconds,
        cast(case when audit_events.ticket_id is null then metrics.reopens end as bigint) as stated_count_reopens,
        cast(null as text) as account_id,
        false as times_are_synthetic
    from ranked
    left join metrics
        on metrics.ticket_id = ranked.ticket_id
        and metrics.version_rank = 1
    left join audit_events
        on audit_events.ticket_id = ranked.ticket_id
    where ranked.version_rank = 1

)

select * from renamed
