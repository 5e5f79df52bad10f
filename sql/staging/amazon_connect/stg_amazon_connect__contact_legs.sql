-- One row per Amazon Connect contact (a leg of a customer journey): the latest delivery by LastUpdateTimestamp.
-- Connect delivers a contact record at least once, and again when it changes; transfers chain legs through
-- PreviousContactId / NextContactId, all sharing the first leg's id as InitialContactId (null on the first leg).
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
