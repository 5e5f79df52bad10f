-- One row per customer contact: call, chat (with or without a bot), e-mail, ticket, social thread.
-- customer_key is the person across sources (docs/identity.md); the account is the one the source links the
-- contact to (Salesforce Case.AccountId), else the person's.
-- Business calendar and business-time durations come from int_interaction_business_durations
-- (docs/business_time.md).
-- Queue time: queue_wait_seconds is the time the customer waited in queues in all (every queue of a transfer
-- chain, a callback's wait for its callback), as the source states it per queue, else read off the events
-- (first queued to first answered or abandoned). speed_of_answer_seconds is the wait before the first answer
-- (first queue entry to the first agent answer), the ICMI / COPC speed of answer; the service level is
-- measured on it. For a contact queued once the two are the same.
-- times_are_synthetic: the export states no times and the connector made them up to keep the turns in order
-- (ABCD): the contact counts on its day, but its reply and business-time durations are null (not measured).
-- Reopens: the reopened events counted, else the count the source states when it exported no status trail
-- (stated_count_reopens). A first solve hidden by such a reopen (stated reopens, no reopened event) is unknown:
-- the exported solve is the last one, so first resolution is left null rather than taken for the full one.
with interactions as (

    select * from {{ ref('int_interactions_unioned') }}

),

event_milestones as (

    select * from {{ ref('int_events_pivoted_to_interactions') }}

),

message_rollup as (

    select * from {{ ref('int_messages_rolled_up_to_interactions') }}

),

identity as (

    select customer_id, customer_key from {{ ref('int_customer_identity_keys') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

queues as (

    select * from {{ ref('dim_queues') }}

),

business_durations as (

    select * from {{ ref('int_interaction_business_durations') }}

),

vendor_intents as (

    select * from {{ ref('int_interaction_vendor_intents') }}

),

-- each contact's latest intent row from the contact_intents step (rules and classifier); a mapped vendor value
-- is read from vendor_intents directly, so it holds even on a build without enrichment
latest_intent_rows as (

    select * from (
        select
            *,
            row_number() over (partition by interaction_id order by assigned_at desc, run_id desc) as row_rank
        from {{ enriched('contact_intents') }}
    ) ranked
    where row_rank = 1

),

detected_intents as (

    select * from latest_intent_rows
    where intent_source <> 'vendor'

),

taxonomy as (

    select intent, intent_parent from {{ seed('intent_taxonomy') }}

),

joined as (

    select
        interactions.interaction_id,
        interactions.channel,
        interactions.source_system,
        -- a source that does not say who started the contact is taken as the customer (inbound)
        coalesce(interactions.direction, 'inbound') as direction,
        interactions.customer_id,
        coalesce(identity.customer_key, interactions.customer_id) as customer_key,
        coalesce(interactions.account_id, customers.account_id) as account_id,
        coalesce(accounts.segment, 'unknown') as segment,
        coalesce(interactions.queue_id, 'unassigned') as queue_id,
        coalesce(queues.team_name, 'unassigned') as team_name,
        interactions.agent_id,
        case
            when vendor_intents.intent is not null then vendor_intents.intent
            when detected_intents.intent is not null then detected_intents.intent
            else 'unclassified'
        end as intent,
        case
            when vendor_intents.intent is not null then 'vendor'
            when detected_intents.intent is not null then detected_intents.intent_source
            else 'unclassified'
        end as intent_source,
        case
            when vendor_intents.intent is not null then 1.0
            else detected_intents.intent_confidence
        end as intent_confidence,
        case
            when vendor_intents.intent is not null
                then vendor_intents.source_system || ' ' || vendor_intents.vendor_field || ' = '
                    || vendor_intents.vendor_value
            when detected_intents.intent is not null then detected_intents.intent_reason
            else 'not yet classified (build with enrichment)'
        end as intent_reason,
        -- the contact_intents step's version that labelled it (taxonomy, rules, model, floor), which people's
        -- labels of the intent judge; null on a build without enrichment
        latest_intent_rows.detector_version as intent_detector_version,
        interactions.priority,
        interactions.status,
        interactions.created_at,
        interactions.closed_at,
        {{ local_date('interactions.created_at', var('reporting_timezone')) }} as date_day,
        event_milestones.ivr_entered_at,
        event_milestones.bot_started_at,
        event_milestones.handoff_at,
        event_milestones.queued_at,
        event_milestones.answered_at,
        event_milestones.abandoned_at,
        event_milestones.first_solved_at,
        event_milestones.last_solved_at,
        event_milestones.escalated_at,
        coalesce(event_milestones.is_escalated, false) as is_escalated,
        event_milestones.escalation_reason,
        coalesce(event_milestones.count_transfers, 0) as count_transfers,
        coalesce(interactions.stated_count_reopens, event_milestones.count_reopens, 0) as count_reopens,
        coalesce(interactions.stated_count_reopens > 0 and coalesce(event_milestones.count_reopens, 0) = 0, false)
            as is_first_solve_unseen,
        coalesce(event_milestones.count_holds, 0) as count_holds,
        message_rollup.first_customer_message_at,
        message_rollup.first_human_reply_at,
        message_rollup.last_bot_message_at,
        coalesce(message_rollup.count_customer_messages, 0) as count_customer_messages,
        coalesce(message_rollup.count_agent_messages, 0) as count_agent_messages,
        coalesce(message_rollup.count_bot_messages, 0) as count_bot_messages,
        interactions.talk_seconds,
        interactions.hold_seconds,
        interactions.acw_seconds,
        interactions.queue_wait_seconds as stated_queue_wait_seconds,
        business_durations.calendar_name,
        business_durations.bot_last_turn_at,
        interactions.times_are_synthetic,
        case when not interactions.times_are_synthetic
            then business_durations.first_reply_business_seconds end as first_reply_business_seconds,
        case when not interactions.times_are_synthetic
            then business_durations.first_reply_from_bot_seconds end as first_reply_from_bot_seconds,
        case when not interactions.times_are_synthetic
            then business_durations.resolution_business_seconds end as resolution_business_seconds,
        case when not interactions.times_are_synthetic
            then business_durations.full_resolution_business_seconds end as full_resolution_business_seconds
    from interactions
    left join event_milestones
        on event_milestones.interaction_id = interactions.interaction_id
    left join message_rollup
        on message_rollup.interaction_id = interactions.interaction_id
    left join identity
        on identity.customer_id = interactions.customer_id
    left join customers
        on customers.customer_key = coalesce(identity.customer_key, interactions.customer_id)
    left join accounts
        on accounts.account_id = coalesce(interactions.account_id, customers.account_id)
    left join queues
        on queues.queue_id = interactions.queue_id
    left join business_durations
        on business_durations.interaction_id = interactions.interaction_id
    left join vendor_intents
        on vendor_intents.interaction_id = interactions.interaction_id
    left join detected_intents
        on detected_intents.interaction_id = interactions.interaction_id
    left join latest_intent_rows
        on latest_intent_rows.interaction_id = interactions.interaction_id

),

paths as (

    select
        *,
        case
            when bot_started_at is null and count_bot_messages = 0 then 'human_only'
            when handoff_at is not null or answered_at is not null or count_agent_messages > 0 then 'bot_to_human'
            else 'bot_only'
        end as service_path,
        -- a reply answers a customer: the brand's own outbound post or call has no first reply
        case
            when channel <> 'voice' and direction <> 'outbound' and not times_are_synthetic
                and first_human_reply_at >= created_at
                then first_human_reply_at
        end as first_reply_at,
        case
            when queued_at is not null and coalesce(answered_at, abandoned_at) >= queued_at
                then {{ seconds_between('queued_at', 'coalesce(answered_at, abandoned_at)') }}
        end as first_queue_wait_seconds,
        abandoned_at is not null and answered_at is null as is_abandoned
    from joined

),

waits as (

    select
        *,
        coalesce(stated_queue_wait_seconds, first_queue_wait_seconds) as queue_wait_seconds
    from paths

),

queue_outcomes as (

    select
        waits.*,
        taxonomy.intent_parent,
        -- vendor- and rule-labelled contacts have confidence 1.0 and so band High; a model's confidence is
        -- banded by [intents] high_from / medium_from; an unclassified contact has no band
        case
            when waits.intent_source = 'unclassified' then null
            when waits.intent_confidence >= {{ var('intent_high_from') }} then 'High'
            when waits.intent_confidence >= {{ var('intent_medium_from') }} then 'Medium'
            else 'Low'
        end as intent_confidence_band,
        coalesce(is_abandoned and queue_wait_seconds < {{ var('short_abandon_seconds') }}, false)
            as is_short_abandon,
        queued_at is not null and answered_at is not null as is_answered
    from waits
    left join taxonomy
        on taxonomy.intent = waits.intent

)

select
    interaction_id,
    channel,
    source_system,
    direction,
    service_path,
    customer_id,
    customer_key,
    account_id,
    segment,
    queue_id,
    team_name,
    agent_id,
    intent,
    intent_source,
    intent_confidence,
    intent_confidence_band,
    -- how the intent was found, the marts' intent_basis dimension: vendor, rule, model_high, model_medium,
    -- model_low or unclassified (a model's guess split by its confidence band)
    case
        when intent_source = 'model' then 'model_' || lower(coalesce(intent_confidence_band, 'low'))
        else intent_source
    end as intent_basis,
    intent_reason,
    intent_detector_version,
    intent_parent,
    priority,
    status,
    date_day,
    created_at,
    ivr_entered_at,
    bot_started_at,
    handoff_at,
    queued_at,
    answered_at,
    abandoned_at,
    first_reply_at,
    first_solved_at,
    last_solved_at,
    closed_at,
    escalated_at,
    is_escalated,
    escalation_reason,
    count_transfers,
    count_reopens,
    count_holds,
    count_customer_messages,
    count_agent_messages,
    count_bot_messages,
    calendar_name,
    bot_last_turn_at,
    times_are_synthetic,
    case when first_reply_at is not null
        then {{ seconds_between('created_at', 'first_reply_at') }}
    end as first_reply_calendar_seconds,
    first_reply_business_seconds,
    first_reply_from_bot_seconds,
    case when first_solved_at >= created_at and not is_first_solve_unseen and not times_are_synthetic
        then {{ seconds_between('created_at', 'first_solved_at') }}
    end as resolution_calendar_seconds,
    case when not is_first_solve_unseen then resolution_business_seconds end as resolution_business_seconds,
    case when last_solved_at >= created_at and not times_are_synthetic
        then {{ seconds_between('created_at', 'last_solved_at') }}
    end as full_resolution_calendar_seconds,
    full_resolution_business_seconds,
    queue_wait_seconds,
    case when is_answered then first_queue_wait_seconds end as speed_of_answer_seconds,
    is_answered,
    is_abandoned,
    is_short_abandon,
    is_answered or (is_abandoned and queued_at is not null and not is_short_abandon) as is_offered,
    coalesce(is_answered and first_queue_wait_seconds <= {{ var('service_level_seconds') }}, false)
        as is_answered_within_threshold,
    talk_seconds,
    hold_seconds,
    acw_seconds,
    case when talk_seconds is not null
        then talk_seconds + coalesce(hold_seconds, 0) + coalesce(acw_seconds, 0)
    end as handle_seconds
from queue_outcomes
