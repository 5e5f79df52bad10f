-- One row per Zendesk ticket: the latest version by updated_at (a ticket is exported again each time it
-- changes). Channel from via.channel; status new -> open and hold -> pending; a closed ticket cannot change
-- any more, so its last update is when it closed.
with source as (

    select * from {{ source('zendesk', 'tickets') }}

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
        'zendesk:ticket:' || ticket_id as interaction_id,
        case lower(via__channel)
            when 'email' then 'email'
            when 'chat' then 'chat'
            when 'voice' then 'voice'
            when 'phone' then 'voice'
            when 'twitter' then 'social'
            when 'facebook' then 'social'
            else 'ticket'
        end as channel,
        'zendesk:user:' || requester_id as customer_id,
        'zendesk:group:' || group_id as queue_id,
        'zendesk:user:' || assignee_id as agent_id,
        intent,
        priority,
        case status
            when 'new' then 'open'
            when 'hold' then 'pending'
            else status
        end as status,
        created_at,
        updated_at,
        case when status = 'closed' then updated_at end as closed_at,
        subject,
        cast(null as text) as direction,
        cast(null as double precision) as talk_seconds,
        cast(null as double precision) as hold_seconds,
        cast(null as double precision) as acw_seconds,
        cast(null as double precision) as queue_wait_seconds,
        false as times_are_synthetic
    from ranked
    where version_rank = 1

)

select * from renamed
