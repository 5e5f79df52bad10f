-- One row per calendar month x dimension (intent, queue, team) x member with contacts: the Repetition Loop
-- signal. Customers come back about the same thing (repeat-contact rate at or above [signals]
-- repetition_loop_rate) or repeat to a person what they told the bot (restatement rate at or above
-- restatement_rate), or either rate rose by at least rising_relative_change on the month before. Rates with
-- fewer than [signals] min_cases cases in the month are never flagged.
with journeys as (

    select
        cast(date_trunc('month', cast(date_day as timestamp)) as date) as period_month,
        case
            when grouping(intent) = 0 then 'intent'
            when grouping(queue_name) = 0 then 'queue'
            else 'team'
        end as dimension,
        coalesce(intent, queue_name, team_name) as member,
        cast(sum(count_repeat_contacts) as double precision) as count_repeat_contacts,
        cast(sum(count_repeat_eligible_contacts) as double precision) as count_repeat_eligible_contacts
    from {{ ref('journey_daily') }}
    group by grouping sets (
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), intent),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), queue_name),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), team_name)
    )

),

handoffs as (

    select
        cast(date_trunc('month', cast(date_day as timestamp)) as date) as period_month,
        case
            when grouping(intent) = 0 then 'intent'
            when grouping(queue_name) = 0 then 'queue'
            else 'team'
        end as dimension,
        coalesce(intent, queue_name, team_name) as member,
        cast(sum(count_restatements) as double precision) as count_restatements,
        cast(sum(count_handoffs_restatement_comparable) as double precision) as count_handoffs_comparable
    from {{ ref('automation_daily') }}
    group by grouping sets (
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), intent),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), queue_name),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), team_name)
    )

),

rated as (

    select
        journeys.period_month,
        journeys.dimension,
        journeys.member,
        journeys.count_repeat_contacts,
        journeys.count_repeat_eligible_contacts,
        journeys.count_repeat_contacts / nullif(journeys.count_repeat_eligible_contacts, 0) as repeat_contact_rate,
        journeys.count_repeat_eligible_contacts < {{ var('signal_min_cases') }} as is_repeat_thin,
        coalesce(handoffs.count_restatements, 0) as count_restatements,
        coalesce(handoffs.count_handoffs_comparable, 0) as count_handoffs_comparable,
        handoffs.count_restatements / nullif(handoffs.count_handoffs_comparable, 0) as restatement_rate,
        coalesce(handoffs.count_handoffs_comparable, 0) < {{ var('signal_min_cases') }} as is_restatement_thin
    from journeys
    left join handoffs
        on handoffs.period_month = journeys.period_month
        and handoffs.dimension = journeys.dimension
        and handoffs.member = journeys.member
    where journeys.count_repeat_eligible_contacts > 0

),

compared as (

    select
        rated.*,
        previous.repeat_contact_rate as previous_repeat_contact_rate,
        coalesce(previous.is_repeat_thin, true) as is_previous_repeat_thin,
        previous.restatement_rate as previous_restatement_rate,
        coalesce(previous.is_restatement_thin, true) as is_previous_restatement_thin
    from rated
    left join rated as previous
        on previous.dimension = rated.dimension
        and previous.member = rated.member
        and previous.period_month = cast(rated.period_month - interval '1 month' as date)

),

flags as (

    select
        *,
        not is_repeat_thin and repeat_contact_rate >= {{ var('repetition_loop_rate') }} as is_repeat_above_threshold,
        not is_repeat_thin and not is_previous_repeat_thin and previous_repeat_contact_rate > 0
            and repeat_contact_rate >= previous_repeat_contact_rate * (1 + {{ var('rising_relative_change') }})
            as is_repeat_rising,
        not is_restatement_thin and restatement_rate >= {{ var('restatement_rate') }}
            as is_restatement_above_threshold,
        not is_restatement_thin and not is_previous_restatement_thin and previous_restatement_rate > 0
            and restatement_rate >= previous_restatement_rate * (1 + {{ var('rising_relative_change') }})
            as is_restatement_rising
    from compared

)

select
    period_month,
    dimension,
    member,
    count_repeat_contacts,
    count_repeat_eligible_contacts,
    repeat_contact_rate,
    previous_repeat_contact_rate,
    is_repeat_thin,
    count_restatements,
    count_handoffs_comparable,
    restatement_rate,
    previous_restatement_rate,
    is_restatement_thin,
    is_repeat_above_threshold,
    is_repeat_rising,
    is_restatement_above_threshold,
    is_restatement_rising,
    is_repeat_above_threshold or is_repeat_rising or is_restatement_above_threshold or is_restatement_rising
        as is_flagged
from flags
