-- One row per interaction that has events: the milestones and counts its event trail implies.
with events as (

    select * from {{ ref('int_events_unioned') }}

),

first_escalation as (

    select
        interaction_id,
        reason as escalation_reason,
        row_number() over (partition by interaction_id order by occurred_at, event_id) as escalation_rank
    from events
    where event_type = 'escalated'

),

pivoted as (

    select
        interaction_id,
        min(case when event_type = 'ivr_entered' then occurred_at end) as ivr_entered_at,
        min(case when event_type = 'bot_started' then occurred_at end) as bot_started_at,
        min(case when event_type = 'handoff' then occurred_at end) as handoff_at,
        min(case when event_type = 'queued' then occurred_at end) as queued_at,
        min(case when event_type = 'answered' then occurred_at end) as answered_at,
        min(case when event_type = 'abandoned' then occurred_at end) as abandoned_at,
        min(case when event_type = 'escalated' then occurred_at end) as escalated_at,
        min(case when event_type = 'solved' then occurred_at end) as first_solved_at,
        max(case when event_type = 'solved' then occurred_at end) as last_solved_at,
        count(case when event_type = 'transferred' then 1 end) as count_transfers,
        count(case when event_type = 'reopened' then 1 end) as count_reopens,
        count(case when event_type = 'hold_started' then 1 end) as count_holds,
        count(*) as count_events
    from events
    group by interaction_id

)

select
    pivoted.*,
    pivoted.escalated_at is not null as is_escalated,
    first_escalation.escalation_reason
from pivoted
left join first_escalation
    on first_escalation.interaction_id = pivoted.interaction_id
    and first_escalation.escalation_rank = 1
