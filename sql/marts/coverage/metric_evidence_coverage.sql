-- One row per source system x week (Monday of the reporting day) x catalog metric: whether the source's
-- records that week hold the evidence the metric needs (its `evidence` rule in sql/metrics/*.yml), with the
-- records in scope, those carrying the evidence, and the reason the figure is not measured when none does.
-- The dashboard sums count_with_evidence over the sources and weeks chosen: 0 makes the figure
-- "not measured — <not_measured_reason>" on every page, scorecard, signal and export, never 0 and never "met".
with evidence as (

    select * from {{ ref('int_metric_evidence_weekly') }}

),

metric_rules as (

    select * from {{ seed('metric_evidence') }}

)

select
    evidence.source_system,
    evidence.week_start,
    metric_rules.metric_name,
    metric_rules.evidence_rule,
    metric_rules.evidence_needed,
    evidence.count_in_scope,
    evidence.count_with_evidence,
    evidence.count_with_evidence > 0 as is_measured,
    case when evidence.count_with_evidence = 0 then metric_rules.not_measured_reason end as not_measured_reason
from metric_rules
inner join evidence
    on evidence.evidence_rule = metric_rules.evidence_rule
