-- One row per Genesys session with its participant, the role that participant plays in the contact, the
-- canonical channel of its media and the ids it gets in the canonical model. Roles:
--   customer  purpose customer (external when the conversation has no customer participant: outbound)
--   agent     purpose agent or user, with a user id
--   queue     purpose acd
--   bot       purpose bot, or a workflow running a bot flow (flow type BOT or DIGITALBOT)
--   ivr       purpose ivr
--   other     anything else (voicemail, other workflows, stations, ...)
with sessions as (

    select * from {{ ref('stg_genesys__sessions') }}

),

participants as (

    select * from {{ ref('stg_genesys__participants') }}

),

joined as (

    select
        sessions.session_id,
        sessions.participant_id,
        sessions.conversation_id,
        sessions.conversation_start,
        participants.participant_seq,
        sessions.session_seq,
        participants.purpose,
        participants.participant_name,
        participants.user_id,
        participants.external_contact_id,
        sessions.media_type,
        sessions.message_type,
        sessions.direction,
        sessions.ani,
        sessions.address_from,
        sessions.flow_id,
        sessions.flow_name,
        sessions.flow_type,
        coalesce(sessions.ani, sessions.address_from) as customer_address
    from sessions
    inner join participants
        on participants.participant_id = sessions.participant_id

),

classified as (

    select
        *,
        case
            when purpose = 'customer' then 'customer'
            when purpose = 'external' then 'external'
            when purpose in ('agent', 'user') and user_id is not null then 'agent'
            when purpose = 'acd' then 'queue'
            when purpose = 'bot' then 'bot'
            when purpose = 'workflow' and flow_type in ('BOT', 'DIGITALBOT') then 'bot'
            when purpose = 'ivr' then 'ivr'
            else 'other'
        end as participant_role,
        case
            when media_type in ('voice', 'callback', 'video') then 'voice'
            when media_type = 'email' then 'email'
            else 'chat'
        end as channel,
        case
            when customer_address like 'tel:%' then substr(customer_address, 5)
            else customer_address
        end as customer_address_stripped
    from joined

)

select
    session_id,
    participant_id,
    conversation_id,
    conversation_start,
    participant_seq,
    session_seq,
    purpose,
    participant_role,
    participant_name,
    user_id,
    external_contact_id,
    media_type,
    message_type,
    channel,
    direction,
    flow_id,
    flow_name,
    flow_type,
    customer_address_stripped as customer_address,
    case
        when participant_role in ('customer', 'external')
            then 'genesys:' || coalesce(external_contact_id, customer_address_stripped, participant_id)
    end as customer_id,
    case
        when participant_role = 'agent' then 'genesys:' || user_id
        when participant_role = 'bot' then 'genesys:' || coalesce(flow_id, participant_id)
    end as agent_id
from classified
