-- One row per Amazon Connect contact (a leg of a customer journey): the latest delivery by LastUpdateTimestamp.
-- Connect delivers a contact record at least once, and again when it changes; transfers chain legs through
-- PreviousContactId / NextContactId, all sharing the first leg's id as InitialContactId (null on the first leg).
-- queue_wait_seconds is the leg's wait for an agent, read off its timestamps as Connect defines Queue.Duration:
--   a queued leg waits from EnqueueTimestamp to DequeueTimestamp (taken off the queue by an agent accepting it,
--   or by the customer hanging up; a leg that ended with no dequeue time waited until it ended);
--   a queued callback (InitiationMethod CALLBACK) waits from its creation (InitiationTimestamp, the moment the
--   customer asked to be called back) to DequeueTimestamp: Connect puts the callback in queue only after the
--   flow's initial delay, and its Queue.Duration counts that delay ("the initial delay (99 seconds), plus any
--   additional time sitting in queue waiting for an agent (21 seconds)" = 120 s in the documented example,
--   where DequeueTimestamp - EnqueueTimestamp is only 21 s). The customer is off the line during a callback's
--   wait either way; the callback wait is the time from asking for the call to an agent taking it.
-- direction says who started the leg (docs/connectors.md, Amazon Connect): INBOUND, CALLBACK, WEBRTC_API the
-- customer; OUTBOUND, EXTERNAL_OUTBOUND, AGENT_REPLY, FLOW, CAMPAIGN_PREVIEW the company; API depends on the
-- channel (a StartOutboundVoiceContact call is the company's, a StartChatContact chat, a StartTaskContact task
-- or a StartEmailContact e-mail the customer's); TRANSFER, QUEUE_TRANSFER, DISCONNECT and MONITOR legs say
-- nothing of their own (their journey's first leg does).
with source as (

    select * from {{ source('amazon_connect', 'contacts') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by contact_id
            order by last_update_timestamp desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        contact_id,
        'amazon_connect:' || coalesce(initial_contact_id, contact_id) as interaction_id,
        previous_contact_id,
        next_contact_id,
        case channel
            when 'voice' then 'voice'
            when 'chat' then 'chat'
            when 'email' then 'email'
            when 'task' then 'ticket'
        end as channel,
        lower(initiation_method) as initiation_method,
        initiation_timestamp as initiated_at,
        connected_to_system_timestamp as connected_to_system_at,
        queue__enqueue_timestamp as enqueued_at,
        queue__dequeue_timestamp as dequeued_at,
        agent__connected_to_agent_timestamp as connected_to_agent_at,
        disconnect_timestamp as disconnected_at,
        last_update_timestamp as updated_at,
        lower(disconnect_reason) as disconnect_reason,
        'amazon_connect:' || coalesce(queue__arn, queue__name) as queue_id,
        queue__name as queue_name,
        'amazon_connect:' || coalesce(agent__arn, agent__username) as agent_id,
        agent__username as agent_username,
        agent__hierarchy_groups__level1__group_name as agent_team_name,
        cast(agent__agent_interaction_duration_seconds as double precision) as talk_seconds,
        cast(agent__customer_hold_duration_seconds as double precision) as hold_seconds,
        cast(agent__after_contact_work_duration_seconds as double precision) as acw_seconds,
        cast(queue__duration_seconds as double precision) as queue_duration_seconds,
        case
            when queue__enqueue_timestamp is null then null
            when lower(initiation_method) = 'callback'
                and coalesce(queue__dequeue_timestamp, disconnect_timestamp) >= initiation_timestamp
                then {{ seconds_between('initiation_timestamp', 'coalesce(queue__dequeue_timestamp, disconnect_timestamp)') }}
            when coalesce(lower(initiation_method), '') <> 'callback'
                and coalesce(queue__dequeue_timestamp, disconnect_timestamp) >= queue__enqueue_timestamp
                then {{ seconds_between('queue__enqueue_timestamp', 'coalesce(queue__dequeue_timestamp, disconnect_timestamp)') }}
        end as queue_wait_seconds,
        case
            when upper(initiation_method) in ('INBOUND', 'CALLBACK', 'WEBRTC_API') then 'inbound'
            when upper(initiation_method) in (
                'OUTBOUND', 'EXTERNAL_OUTBOUND', 'AGENT_REPLY', 'FLOW', 'CAMPAIGN_PREVIEW'
            ) then 'outbound'
            when upper(initiation_method) = 'API' and channel = 'voice' then 'outbound'
            when upper(initiation_method) = 'API' then 'inbound'
        end as direction,
        case when customer_endpoint__type = 'TELEPHONE_NUMBER' then customer_endpoint__address end as phone,
        lower(trim(attributes__email)) as email,
        'amazon_connect:' || coalesce(
            attributes__customer_id,
            case when customer_endpoint__type = 'TELEPHONE_NUMBER' then customer_endpoint__address end,
            lower(trim(attributes__email))
        ) as customer_id,
        attributes__intent as intent,
        queue__enqueue_timestamp is not null
            and agent__connected_to_agent_timestamp is null
            and upper(disconnect_reason) = 'CUSTOMER_DISCONNECT' as is_abandoned_in_queue
    from ranked
    where version_rank = 1

)

select * from renamed
