-- One row per interaction x SLA metric x occurrence: each target an SLA policy set on a contact, when it was
-- due (breach_at), when it was fulfilled, and whether it was met, breached or is still running.
--
-- Which targets exist, and when each started and was fulfilled: core.int_business_sla_targets
-- (docs/business_time.md). breach_at: the moment the target elapses, counted in the contact's business
-- calendar when the policy is in business hours (the position `start + target` on the calendar's business-time
-- axis, found through int_business_position_buckets), else in calendar time; null when it falls past the
-- calendars' horizon. elapsed_seconds: in the same basis, from applied_at to the fulfilment, or to the data's end
-- while unfulfilled. status: met (fulfilled at or before breach_at), breached (fulfilled after breach_at, or
-- unfulfilled and breach_at at or before the data's end), running (unfulfilled and breach_at after the data's
-- end).
-- The span lookups join the tables themselves rather than CTEs: PostgreSQL materialises a CTE used twice and then
-- plans the (calendar, date) join without statistics.
with targets as (

    select * from {{ ref('int_business_sla_targets') }}

),

positioned as (

    select
        targets.*,
        case when targets.is_business_time then coalesce(
            applied_span.business_seconds_before
            + {{ seconds_between('applied_span.opens_at', 'least(targets.applied_at, applied_span.closes_at)') }},
            0
        ) end as applied_position_seconds,
        case when targets.is_business_time then coalesce(
            until_span.business_seconds_before
            + {{ seconds_between('until_span.opens_at', 'least(targets.measured_until_at, until_span.closes_at)') }},
            0
        ) end as measured_until_position_seconds
    from targets
    left join {{ ref('int_business_interval_days') }} as applied_span
        on targets.is_business_time
        and applied_span.calendar_name = targets.calendar_name
        and applied_span.utc_date = cast(targets.applied_at as date)
        and applied_span.opens_at <= targets.applied_at
        and targets.applied_at < applied_span.next_opens_at
    left join {{ ref('int_business_interval_days') }} as until_span
        on targets.is_business_time
        and until_span.calendar_name = targets.calendar_name
        and until_span.utc_date = cast(targets.measured_until_at as date)
        and until_span.opens_at <= targets.measured_until_at
        and targets.measured_until_at < until_span.next_opens_at

),

due as (

    select
        positioned.*,
        positioned.applied_position_seconds + positioned.target_seconds as breach_position_seconds
    from positioned

),

measured as (

    select
        due.*,
        case
            when due.is_business_time
                then breach_span.opens_at
                    + interval '1 second' * (due.breach_position_seconds - breach_span.business_seconds_before)
            else due.applied_at + interval '1 second' * due.target_seconds
        end as breach_at,
        case
            when due.is_business_time then due.measured_until_position_seconds - due.applied_position_seconds
            else {{ seconds_between('due.applied_at', 'due.measured_until_at') }}
        end as elapsed_seconds
    from due
    left join {{ ref('int_business_position_buckets') }} as breach_span
        on due.is_business_time
        and breach_span.calendar_name = due.calendar_name
        and breach_span.position_bucket = cast(floor(due.breach_position_seconds / 3600) as bigint)
        and breach_span.business_seconds_before < due.breach_position_seconds
        and due.breach_position_seconds <= breach_span.business_seconds_before + breach_span.open_seconds

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
