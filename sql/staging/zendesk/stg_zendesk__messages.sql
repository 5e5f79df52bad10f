-- One row per comment of a Zendesk ticket (public reply or internal note); a re-delivered comment keeps its
-- latest copy. The author's role is the role of the user who wrote it: end-user -> customer, agent or
-- admin -> agent; an author missing from the users export (Zendesk's system user -1 among them) -> system.
-- The join to users is here because a Zendesk comment does not carry its author's role.
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

renamed as (

    select
        'zendesk:comment:' || ranked.comment_id as message_id,
        'zendesk:ticket:' || ranked.ticket_id as interaction_id,
        ranked.sent_at,
        case
            when users.user_role = 'end-user' then 'customer'
            when users.user_role in ('agent', 'admin') then 'agent'
            else 'system'
        end as author_role,
        'zendesk:user:' || ranked.author_id as author_id,
        ranked.body as message_text,
        coalesce(ranked.is_public, true) as is_public
    from ranked
    left join users
        on users.user_id = ranked.author_id
    where ranked.version_rank = 1

)

select * from renamed
