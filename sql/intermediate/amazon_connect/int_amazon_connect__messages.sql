-- One row per Contact Lens transcript turn. Chat turns carry their own time (AbsoluteTime); a voice turn is
-- placed at the start of the call recording plus its BeginOffsetMillis, and Connect records a call from the
-- moment the agent joins (ConnectedToAgentTimestamp), falling back to the contact's InitiationTimestamp.
-- A voice turn whose contact record has not arrived yet has no time and waits for it.
-- Voice turns name the speaker in ParticipantId (CUSTOMER, AGENT); chat turns in ParticipantRole.
-- Chat EVENT items (a participant joining or leaving) have no Content and are not messages.
-- Contact Lens's own sentiment label of each turn is int_amazon_connect__vendor_message_sentiments.
with source as (

    select * from {{ source('amazon_connect', 'transcript_turns') }}

),

legs as (

    select * from {{ ref('stg_amazon_connect__contact_legs') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by turn_key
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

placed as (

    select
        'amazon_connect:' || ranked.turn_key as message_id,
        coalesce(legs.interaction_id, 'amazon_connect:' || ranked.contact_id) as interaction_id,
        coalesce(
            ranked.absolute_time,
            coalesce(legs.connected_to_agent_at, legs.initiated_at)
                + cast(ranked.begin_offset_millis as bigint) * interval '1 millisecond'
        ) as sent_at,
        case upper(coalesce(ranked.participant_role, ranked.participant_id))
            when 'CUSTOMER' then 'customer'
            when 'AGENT' then 'agent'
            when 'SUPERVISOR' then 'agent'
            when 'CUSTOM_BOT' then 'bot'
            else 'system'
        end as author_role,
        case when upper(coalesce(ranked.participant_role, ranked.participant_id)) = 'AGENT' then legs.agent_id end as author_id,
        ranked.content as message_text,
        true as is_public
    from ranked
    left join legs
        on legs.contact_id = ranked.contact_id
    where ranked.version_rank = 1

)

select * from placed
where sent_at is not null and message_text is not null
