-- One row per calendar month x dimension (all, channel, segment, intent, team, queue) x member: SLA and XLA
-- attainment and the Watermelon flag (SLA met, XLA missed). Attainment counts the metrics with a target and
-- enough cases (thin figures are left out, not failed): a member is a watermelon when at least [signals]
-- watermelon_sla_attainment of its SLA metrics meet target and fewer than watermelon_xla_attainment of its
-- XLA metrics do. A member with a target-bearing SLA or XLA figure that is not measured (its evidence is absent:
-- marts.metric_evidence_coverage) is never a watermelon: its green might only be the figures it lacks.
-- The dashboard applies the same rule to any period (dashboard/scorecard.py).
with scored as (

    select * from {{ ref('metric_attainment_monthly') }}
    where is_target_met is not null
        and not is_thin

),

unmeasured as (

    select
        period_month,
        dimension,
        member,
        count(*) as count_not_measured
    from {{ ref('metric_attainment_monthly') }}
    where not is_measured
        and metric_kind in ('sla', 'xla')
    group by period_month, dimension, member

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
    tallied.period_month,
    tallied.dimension,
    tallied.member,
    count_sla_measured,
    count_sla_met,
    count_xla_measured,
    count_xla_met,
    cast(coalesce(unmeasured.count_not_measured, 0) as bigint) as count_not_measured,
    cast(count_sla_met as double precision) / nullif(count_sla_measured, 0) as sla_attainment,
    cast(count_xla_met as double precision) / nullif(count_xla_measured, 0) as xla_attainment,
    coalesce(
        coalesce(unmeasured.count_not_measured, 0) = 0
        and count_sla_measured > 0 and count_xla_measured > 0
        and cast(count_sla_met as double precision) / count_sla_measured >= {{ var('watermelon_sla_attainment') }}
        and cast(count_xla_met as double precision) / count_xla_measured < {{ var('watermelon_xla_attainment') }},
        false
    ) as is_watermelon
from tallied
left join unmeasured
    on unmeasured.period_month = tallied.period_month
    and unmeasured.dimension = tallied.dimension
    and unmeasured.member = tallied.member
