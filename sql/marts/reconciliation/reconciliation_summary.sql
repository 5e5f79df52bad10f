-- One row per source system x figure x basis the source's own system reports: how many records were compared
-- with cxpulse's own figure, how many agree within the tolerance, the share agreeing, and the disagreements by
-- cause (core.reconciliation_vendor_figures, docs/reconciliation.md). A reported figure cxpulse computes no
-- counterpart for (Zendesk requester, agent and on-hold wait, replies) has no records and a not_compared_reason:
-- its agreement rate is not measured, never 0.
with records as (

    select * from {{ ref('reconciliation_vendor_figures') }}

),

vendor_figures as (

    select * from {{ ref('fct_vendor_figures') }}

),

reported as (

    select
        source_system,
        figure_name,
        figure_basis,
        min(figure_unit) as figure_unit,
        count(*) as count_vendor_figures
    from vendor_figures
    group by source_system, figure_name, figure_basis

),

compared as (

    select
        source_system,
        figure_name,
        figure_basis,
        count(*) as count_records,
        count(case when is_agreeing then 1 end) as count_agreeing,
        count(case when disagreement_cause = 'missing vendor figure' then 1 end) as count_missing_vendor_figure,
        count(case when disagreement_cause = 'a missing event' then 1 end) as count_missing_event,
        count(case when disagreement_cause = 'a reopen' then 1 end) as count_reopen,
        count(case when disagreement_cause = 'different calendar' then 1 end) as count_different_calendar,
        count(case when disagreement_cause = 'values differ' then 1 end) as count_values_differ
    from records
    group by source_system, figure_name, figure_basis

)

select
    reported.source_system,
    reported.figure_name,
    reported.figure_basis,
    reported.figure_unit,
    cast(reported.count_vendor_figures as bigint) as count_vendor_figures,
    cast(coalesce(compared.count_records, 0) as bigint) as count_records,
    cast(coalesce(compared.count_agreeing, 0) as bigint) as count_agreeing,
    cast(compared.count_agreeing as double precision) / nullif(compared.count_records, 0) as agreement_rate,
    cast(coalesce(compared.count_missing_vendor_figure, 0) as bigint) as count_missing_vendor_figure,
    cast(coalesce(compared.count_missing_event, 0) as bigint) as count_missing_event,
    cast(coalesce(compared.count_reopen, 0) as bigint) as count_reopen,
    cast(coalesce(compared.count_different_calendar, 0) as bigint) as count_different_calendar,
    cast(coalesce(compared.count_values_differ, 0) as bigint) as count_values_differ,
    case when compared.count_records is null then 'cxpulse computes no own figure for it' end as not_compared_reason
from reported
left join compared
    on compared.source_system = reported.source_system
    and compared.figure_name = reported.figure_name
    and compared.figure_basis = reported.figure_basis
