-- One row per reporting day x channel x source system x queue x team x intent x intent basis x segment x service path x escalation reason:
-- escalated contacts by the reason of their first escalation ('unknown' when none was given). Kept apart from
-- service_daily because reasons are open-ended text (one column per reason would change with the data); the
-- sum of count_escalated over reasons equals service_daily.count_escalated under the same filter.
with interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

queues as (

    select * from {{ ref('dim_queues') }}

),

escalated as (

    select
        interactions.*,
        coalesce(queues.queue_name, interactions.queue_id) as queue_name,
        coalesce(interactions.escalation_reason, 'unknown') as escalation_reason_or_unknown
    from interactions
    left join queues
        on queues.queue_id = interactions.queue_id
    where interactions.is_escalated

)

select
    date_day,
    cast(date_trunc('week', cast(date_day as timestamp)) as date) as week_start,
    channel,
    source_system,
    queue_id,
    queue_name,
    team_name,
    intent,
    intent_basis,
    segment,
    service_path,
    escalation_reason_or_unknown as escalation_reason,
    cast(count(*) as bigint) as count_escalated
from escalated
group by
    {{ standard_grain_columns() }}, escalation_reason_or_unknown
