-- One row per interaction x SLA metric x occurrence: each target an SLA policy set on a contact, when it was
-- due (breach_at), when it was fulfilled, and whether it was met, breached or is still running.
--
-- Policy: the first policy (seed sla_policies, by policy_order) whose channels and priorities match the contact
-- (an empty list in the settings matches any). A policy without a target for a metric sets none.
-- Metrics (docs/business_time.md):
--   first_reply  contacts other than voice calls and bot-only contacts; from creation to the first public human
--                reply (Zendesk's first reply time target).
--   next_reply   every public customer message that follows a public human reply, i.e. the oldest customer
--                message of each wait after the first reply (Zendesk's next reply time); fulfilled by the next
--                public human reply, or by a solve or close after the message, whichever comes first. Same
--                contacts as first_reply. sla_event_seq numbers the waits of one contact (message_id names the
--                customer message).
--   resolution   contacts other than abandoned calls and chats; from creation to the first solve, else the
--                close (Zendesk's first resolution time).
-- breach_at: the moment the target elapses, counted in the contact's business calendar when the policy is in
-- business hours (walked over int_business_intervals), else in calendar time; null when it falls past the
-- calendars' horizon. elapsed_seconds: in the same basis, from applied_at to the fulfilment, or to the data's
-- end while unfulfilled. status: met (fulfilled at or before breach_at), breached (fulfilled after breach_at, or
-- unfulfilled and breach_at at or before the data's end), running (unfulfilled and breach_at after the data's
-- end).
with interactions as (

    select * from {{ ref('fct_interactions') }}

),

messages as (

    select * from {{ ref('fct_messages') }}

),

policies as (

    select * from {{ seed('sla_policies') }}

),

intervals as (

    select * from {{ ref('int_business_intervals') }}

),

horizon as (

    select * from {{ ref('int_business_horizon') }}

),

matched as (

    select
        interactions.interaction_id,
        interactions.calendar_name,
        interactions.channel,
        interactions.service_path,
        interactions.is_abandoned,
        interactions.created_at,
        interactions.first_reply_at,
        interactions.first_solved_at,
        interactions.last_solved_at,
        interactions.closed_at,
        policies.policy_name,
        policies.policy_order,
        policies.first_reply_target_seconds,
        policies.next_reply_target_seconds,
        policies.resolution_target_seconds,
        policies.is_business_hours,
        row_number() over (
            partition by interactions.interaction_id order by policies.policy_order
        ) as policy_rank
    from interactions
    inner join policies
        on (policies.channel is null or policies.channel = interactions.channel)
        and (policies.priority is null or policies.priority = interactions.priority)

),

applied as (

    select * from matched where policy_rank = 1

),

replies as (

    select
        messages.interaction_id,
        messages.message_id,
        messages.message_seq,
        messages.sent_at,
        messages.author_role,
        lag(messages.author_role) over (
            partition by messages.interaction_id order by messages.message_seq
        ) as previous_author_role,
        min(case when messages.author_role = 'agent' then messages.sent_at end) over (
            partition by messages.interaction_id order by messages.message_seq
            rows between 1 following and unbounded following
        ) as next_agent_reply_at
    from messages
    inner join applied
        on applied.interaction_id = messages.interaction_id
    where messages.is_public
        and messages.author_role in ('customer', 'agent')

),

first_reply_targets as (

    select
        interaction_id,
        'first_reply' as sla_metric,
        cast(1 as bigint) as sla_event_seq,
        cast(null as text) as message_id,
        policy_name,
        policy_order,
        is_business_hours,
        calendar_name,
        created_at as applied_at,
        first_reply_at as fulfilled_at,
        first_reply_target_seconds as target_seconds
    from applied
    where first_reply_target_seconds is not null
        and channel <> 'voice'
        and service_path <> 'bot_only'

),

next_reply_targets as (

    select
        applied.interaction_id,
        'next_reply' as sla_metric,
        cast(row_number() over (
            partition by applied.interaction_id order by replies.message_seq
        ) as bigint) as sla_event_seq,
        replies.message_id,
        applied.policy_name,
        applied.policy_order,
        applied.is_business_hours,
        applied.calendar_name,
        replies.sent_at as applied_at,
        least(
            replies.next_agent_reply_at,
            case when applied.last_solved_at >= replies.sent_at then applied.last_solved_at end,
            case when applied.closed_at >= replies.sent_at then applied.closed_at end
        ) as fulfilled_at,
        applied.next_reply_target_seconds as target_seconds
    from replies
    inner join applied
        on applied.interaction_id = replies.interaction_id
    where applied.next_reply_target_seconds is not null
        and applied.channel <> 'voice'
        and applied.service_path <> 'bot_only'
        and replies.author_role = 'customer'
        and replies.previous_author_role = 'agent'

),

resolution_targets as (

    select
        interaction_id,
        'resolution' as sla_metric,
        cast(1 as bigint) as sla_event_seq,
        cast(null as text) as message_id,
        policy_name,
        policy_order,
        is_business_hours,
        calendar_name,
        created_at as applied_at,
        case
            when first_solved_at >= created_at then first_solved_at
            when closed_at >= created_at then closed_at
        end as fulfilled_at,
        resolution_target_seconds as target_seconds
    from applied
    where resolution_target_seconds is not null
        and not is_abandoned

),

targets as (

    select
        unioned.*,
        unioned.is_business_hours and unioned.calendar_name is not null as is_business_time,
        horizon.data_ended_at
    from (
        select * from first_reply_targets
        union all
        select * from next_reply_targets
        union all
        select * from resolution_targets
    ) as unioned
    cross join horizon

),

moments as (

    select interaction_id, sla_metric, sla_event_seq, calendar_name, 'applied' as moment, applied_at as moment_at
    from targets where is_business_time
    union all
    select interaction_id, sla_metric, sla_event_seq, calendar_name, 'ended',
        coalesce(fulfilled_at, greatest(data_ended_at, applied_at))
    from targets where is_business_time

),

positions as (

    select
        moments.interaction_id,
        moments.sla_metric,
        moments.sla_event_seq,
        moments.moment,
        coalesce(
            intervals.business_seconds_before
            + {{ seconds_between('intervals.opens_at', 'least(moments.moment_at, intervals.closes_at)') }},
            0
        ) as business_position_seconds
    from moments
    left join intervals
        on intervals.calendar_name = moments.calendar_name
        and intervals.opens_at <= moments.moment_at
        and moments.moment_at < intervals.next_opens_at

),

pivoted as (

    select
        interaction_id,
        sla_metric,
        sla_event_seq,
        max(case when moment = 'applied' then business_position_seconds end) as applied_position_seconds,
        max(case when moment = 'ended' then business_position_seconds end) as ended_position_seconds
    from positions
    group by interaction_id, sla_metric, sla_event_seq

),

business_breaches as (

    select
        targets.interaction_id,
        targets.sla_metric,
        targets.sla_event_seq,
        intervals.opens_at + interval '1 second' * (
            pivoted.applied_position_seconds + targets.target_seconds - intervals.business_seconds_before
        ) as breach_at
    from targets
    inner join pivoted
        on pivoted.interaction_id = targets.interaction_id
        and pivoted.sla_metric = targets.sla_metric
        and pivoted.sla_event_seq = targets.sla_event_seq
    inner join intervals
        on intervals.calendar_name = targets.calendar_name
        and intervals.business_seconds_before < pivoted.applied_position_seconds + targets.target_seconds
        and pivoted.applied_position_seconds + targets.target_seconds
            <= intervals.business_seconds_before + intervals.open_seconds

),

measured as (

    select
        targets.*,
        case
            when targets.is_business_time then business_breaches.breach_at
            else targets.applied_at + interval '1 second' * targets.target_seconds
        end as breach_at,
        case
            when targets.is_business_time
                then pivoted.ended_position_seconds - pivoted.applied_position_seconds
            else {{ seconds_between('targets.applied_at',
                                    'coalesce(targets.fulfilled_at, greatest(targets.data_ended_at, targets.applied_at))') }}
        end as elapsed_seconds
    from targets
    left join pivoted
        on pivoted.interaction_id = targets.interaction_id
        and pivoted.sla_metric = targets.sla_metric
        and pivoted.sla_event_seq = targets.sla_event_seq
    left join business_breaches
        on business_breaches.interaction_id = targets.interaction_id
        and business_breaches.sla_metric = targets.sla_metric
        and business_breaches.sla_event_seq = targets.sla_event_seq

)

select
    interaction_id,
    sla_metric,
    sla_event_seq,
    message_id,
    policy_name,
    policy_order,
    calendar_name,
    is_business_time,
    applied_at,
    fulfilled_at,
    target_seconds,
    breach_at,
    elapsed_seconds,
    case
        when fulfilled_at is not null and (breach_at is null or fulfilled_at <= breach_at) then 'met'
        when fulfilled_at is not null then 'breached'
        when breach_at <= data_ended_at then 'breached'
        else 'running'
    end as status
from measured
