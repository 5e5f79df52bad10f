-- One row per calendar month x dimension (intent, queue, team) x member with bot sessions: the Handoff
-- Highway signal. The bot hands a member's sessions to people at a rate at or above [signals]
-- handoff_highway_rate, or the rate rose by at least rising_relative_change (relative) on the month before.
-- Members with fewer than [signals] min_cases bot sessions in the month are never flagged (is_thin).
with monthly as (

    select
        cast(date_trunc('month', cast(date_day as timestamp)) as date) as period_month,
        case
            when grouping(intent) = 0 then 'intent'
            when grouping(queue_name) = 0 then 'queue'
            else 'team'
        end as dimension,
        coalesce(intent, queue_name, team_name) as member,
        cast(sum(count_bot_sessions) as double precision) as count_bot_sessions,
        cast(sum(count_handoffs) as double precision) as count_handoffs
    from {{ ref('automation_daily') }}
    group by grouping sets (
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), intent),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), queue_name),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), team_name)
    )

),

rated as (

    select
        *,
        count_handoffs / nullif(count_bot_sessions, 0) as handoff_rate,
        count_bot_sessions < {{ var('signal_min_cases') }} as is_thin
    from monthly
    where count_bot_sessions > 0

),

compared as (

    select
        rated.*,
        previous.handoff_rate as previous_handoff_rate,
        coalesce(previous.is_thin, true) as is_previous_thin
    from rated
    left join rated as previous
        on previous.dimension = rated.dimension
        and previous.member = rated.member
        and previous.period_month = cast(rated.period_month - interval '1 month' as date)

)

select
    period_month,
    dimension,
    member,
    count_bot_sessions,
    count_handoffs,
    handoff_rate,
    previous_handoff_rate,
    is_thin,
    not is_thin and handoff_rate >= {{ var('handoff_highway_rate') }} as is_above_threshold,
    not is_thin and not is_previous_thin and previous_handoff_rate > 0
        and handoff_rate >= previous_handoff_rate * (1 + {{ var('rising_relative_change') }}) as is_rising,
    not is_thin and (
        handoff_rate >= {{ var('handoff_highway_rate') }}
        or (not is_previous_thin and previous_handoff_rate > 0
            and handoff_rate >= previous_handoff_rate * (1 + {{ var('rising_relative_change') }}))
    ) as is_flagged
from compared
