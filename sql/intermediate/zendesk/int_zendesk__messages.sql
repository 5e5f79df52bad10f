-- One row per comment of a Zendesk ticket (public reply or internal note); a re-delivered comment keeps its
-- latest copy. The author's role is the role of the user who wrote it: end-user -> customer, agent or
-- admin -> agent; an author missing from the users export (Zendesk's system user -1 among them) -> system.
-- The join to users is here because a Zendesk comment does not carry its author's role.
-- The first comment of a ticket is its description (Zendesk: "the first comment on the ticket"). When an agent
-- or admin wrote it (an agent-created ticket: a phone call or e-mail logged for the requester), it states the
-- request and is not a reply: its role is system, so first reply (first public human message) skips it. Zendesk
-- measures reply_time_in_minutes the same way.
with source as (

    select * from {{ source('zendesk', 'ticket_comments') }}

),

users as (

    select * from {{ ref('stg_zendesk__users') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by comment_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

latest as (

    select
        *,
        row_number() over (partition by ticket_id order by sent_at, comment_id) as comment_seq
    from ranked
    where version_rank = 1

),

renamed as (

    select
        'zendesk:comment:' || latest.comment_id as message_id,
        'zendesk:ticket:' || latest.ticket_id as interaction_id,
        latest.sent_at,
        case
            when users.user_role = 'end-user' then 'customer'
            when users.user_role in ('agent', 'admin') and latest.comment_seq = 1 then 'system'
            when users.user_role in ('agent', 'admin') then 'agent'
            else 'system'
        end as author_role,
        'zendesk:user:' || latest.author_id as author_id,
        latest.body as message_text,
        coalesce(latest.is_public, true) as is_public
    from latest
    left join users
        on users.user_id = latest.author_id

)

select * from renamed
