-- One row per interaction x SLA metric x occurrence: the targets the SLA policies set, with when each started
-- and was fulfilled (core.fct_sla_events adds when it is due and whether it was met).
--
-- Policy: the first policy (seed sla_policies, lowest policy_order) whose channels and priorities match the
-- contact (an empty list in the settings matches any). A policy without a target for a metric sets none.
--   first_reply  contacts other than voice calls and bot-only contacts; from creation to the first public human
--                reply (Zendesk's first reply time target).
--   next_reply   the same contacts; every public customer message that follows a public human reply, i.e. the
--                oldest customer message of each wait after the first reply (Zendesk's next reply time);
--                fulfilled by the next public human reply, or by a solve or close after the message, whichever
--                comes first. sla_event_seq numbers the waits of one contact.
--   resolution   contacts other than abandoned ones; from creation to the first solve, else the close (Zendesk's
--                first resolution time).
-- measured_until_at is the fulfilment, or the data's end while the target is unfulfilled.
with interactions as (

    select * from {{ ref('fct_interactions') }}

),

policies as (

    select * from {{ seed('sla_policies') }}

),

horizon as (

    select * from {{ ref('int_business_horizon') }}

),

policy_choice as (

    select
        interactions.interaction_id,
        min(policies.policy_order) as policy_order
    from interactions
    inner join policies
        on (policies.channel is null or policies.channel = interactions.channel)
        and (policies.priority is null or policies.priority = interactions.priority)
    group by interactions.interaction_id

),

policy_targets as (

    select distinct
        policy_order,
        policy_name,
        first_reply_target_seconds,
        next_reply_target_seconds,
        resolution_target_seconds,
        is_business_hours
    from policies

),

applied as (

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
        policy_targets.policy_name,
        policy_targets.policy_order,
        policy_targets.first_reply_target_seconds,
        policy_targets.next_reply_target_seconds,
        policy_targets.resolution_target_seconds,
        policy_targets.is_business_hours
    from policy_choice
    inner join interactions
        on interactions.interaction_id = policy_choice.interaction_id
    inner join policy_targets
        on policy_targets.policy_order = policy_choice.policy_order

),

replies as (

    select
        interaction_id,
        message_id,
        message_seq,
        sent_at,
        author_role,
        lag(author_role) over (partition by interaction_id order by message_seq) as previous_author_role,
        min(case when author_role = 'agent' then sent_at end) over (
            partition by interaction_id order by message_seq
            rows between 1 following and unbounded following
        ) as next_agent_reply_at
    from {{ ref('fct_messages') }}
    where is_public
        and author_role in ('customer', 'agent')

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

    select * from first_reply_targets
    union all
    select * from next_reply_targets
    union all
    select * from resolution_targets

)

select
    targets.*,
    targets.is_business_hours and targets.calendar_name is not null as is_business_time,
    horizon.data_ended_at,
    coalesce(targets.fulfilled_at, greatest(horizon.data_ended_at, targets.applied_at)) as measured_until_at
from targets
cross join horizon
