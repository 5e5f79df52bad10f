-- One row per calendar month x dimension (all, channel, segment, intent, team, queue) x member: SLA and XLA
-- attainment and the Watermelon flag (SLA met, XLA missed). Attainment counts the metrics with a target and
-- enough cases (thin figures are left out, not failed): a member is a watermelon when at least [signals]
-- watermelon_sla_attainment of its SLA metrics meet target and fewer than watermelon_xla_attainment of its
-- XLA metrics do. The dashboard applies the same rule to any period (dashboard/scorecard.py).
with scored as (

    select * from {{ ref('metric_attainment_monthly') }}
    where is_target_met is not null
        and not is_thin

),

tallied as (

    select
        period_month,
        dimension,
        member,
        count(case when metric_kind = 'sla' then 1 end) as count_sla_measured,
        count(case when metric_kind = 'sla' and is_target_met then 1 end) as count_sla_met,
        count(case when metric_kind = 'xla' then 1 end) as count_xla_measured,
        count(case when metric_kind = 'xla' and is_target_met then 1 end) as count_xla_met
    from scored
    group by period_month, dimension, member

)

select
    period_month,
    dimension,
    member,
    count_sla_measured,
    count_sla_met,
    count_xla_measured,
    count_xla_met,
    cast(count_sla_met as double precision) / nullif(count_sla_measured, 0) as sla_attainment,
    cast(count_xla_met as double precision) / nullif(count_xla_measured, 0) as xla_attainment,
    coalesce(
        count_sla_measured > 0 and count_xla_measured > 0
        and cast(count_sla_met as double precision) / count_sla_measured >= {{ var('watermelon_sla_attainment') }}
        and cast(count_xla_met as double precision) / count_xla_measured < {{ var('watermelon_xla_attainment') }},
        false
    ) as is_watermelon
from tallied
