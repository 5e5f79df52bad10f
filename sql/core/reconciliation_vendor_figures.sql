-- One row per source system x figure x basis x interaction where the vendor reported a figure that cxpulse
-- also computes, or cxpulse computed such a figure for a contact of a source that reports it: the vendor's
-- value beside cxpulse's, whether they agree within the tolerance, and the cause of a disagreement
-- (docs/reconciliation.md).
--
-- Figures compared (vendor figure_name x basis -> core.fct_interactions column): Zendesk first reply, first and
-- full resolution in calendar and business seconds, reopens; Amazon Connect and Genesys queue wait, talk, hold,
-- after-contact work, handle time and transfers. Other vendor figures (Zendesk requester, agent and on-hold
-- wait, replies) have no cxpulse counterpart: reconciliation_summary lists them as not compared.
-- Tolerance: durations agree when they differ by at most 60 seconds or 1% of the vendor's value, whichever is
-- larger (Zendesk reports whole minutes; Genesys and Connect round each leg or session); counts must be equal.
-- A vendor figure absent where cxpulse counts zero agrees: vendors omit what did not happen (Genesys emits
-- tHeld or nTransferred only for a conversation with a hold or a transfer). Cause, first that applies: missing vendor figure (cxpulse has one, the vendor none); a reopen (first
-- resolution hidden by a reopen, or a resolution that differs on a reopened contact); a missing event (the
-- vendor has a figure, cxpulse has none: the event or message it is measured from was not exported); different
-- calendar (business figures differ while the calendar figures of the same record agree: the vendor's business
-- hours are not cxpulse's calendar); values differ.
{% set compared = [
    ('first_reply', 'calendar', 'first_reply_calendar_seconds', 'seconds'),
    ('first_reply', 'business', 'first_reply_business_seconds', 'seconds'),
    ('first_resolution', 'calendar', 'resolution_calendar_seconds', 'seconds'),
    ('first_resolution', 'business', 'resolution_business_seconds', 'seconds'),
    ('full_resolution', 'calendar', 'full_resolution_calendar_seconds', 'seconds'),
    ('full_resolution', 'business', 'full_resolution_business_seconds', 'seconds'),
    ('reopens', 'none', 'count_reopens', 'count'),
    ('transfers', 'none', 'count_transfers', 'count'),
    ('queue_wait', 'none', 'queue_wait_seconds', 'seconds'),
    ('talk', 'none', 'talk_seconds', 'seconds'),
    ('hold', 'none', 'hold_seconds', 'seconds'),
    ('acw', 'none', 'acw_seconds', 'seconds'),
    ('handle', 'none', 'handle_seconds', 'seconds'),
] %}
{% set tolerance_seconds = 60 %}
{% set tolerance_share = 0.01 %}
with vendor_figures as (

    select * from {{ ref('fct_vendor_figures') }}

),

interactions as (

    select * from {{ ref('fct_interactions') }}

),

compared_figures as (

    {% for figure, basis, column, unit in compared %}
    select '{{ figure }}' as figure_name, '{{ basis }}' as figure_basis, '{{ unit }}' as figure_unit
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

reported as (

    select distinct vendor_figures.source_system, vendor_figures.figure_name, vendor_figures.figure_basis
    from vendor_figures
    inner join compared_figures
        on compared_figures.figure_name = vendor_figures.figure_name
        and compared_figures.figure_basis = vendor_figures.figure_basis

),

ours as (

    {% for figure, basis, column, unit in compared %}
    select
        interaction_id,
        source_system,
        '{{ figure }}' as figure_name,
        '{{ basis }}' as figure_basis,
        cast({{ column }} as double precision) as cxpulse_value
    from interactions
    where {{ column }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

ours_reported as (

    select ours.*
    from ours
    inner join reported
        on reported.source_system = ours.source_system
        and reported.figure_name = ours.figure_name
        and reported.figure_basis = ours.figure_basis

),

vendor_compared as (

    select vendor_figures.*
    from vendor_figures
    inner join compared_figures
        on compared_figures.figure_name = vendor_figures.figure_name
        and compared_figures.figure_basis = vendor_figures.figure_basis

),

paired as (

    select
        coalesce(vendor_compared.source_system, ours_reported.source_system) as source_system,
        coalesce(vendor_compared.figure_name, ours_reported.figure_name) as figure_name,
        coalesce(vendor_compared.figure_basis, ours_reported.figure_basis) as figure_basis,
        coalesce(vendor_compared.interaction_id, ours_reported.interaction_id) as interaction_id,
        vendor_compared.vendor_value,
        ours_reported.cxpulse_value
    from vendor_compared
    full outer join ours_reported
        on ours_reported.interaction_id = vendor_compared.interaction_id
        and ours_reported.figure_name = vendor_compared.figure_name
        and ours_reported.figure_basis = vendor_compared.figure_basis

),

judged as (

    select
        paired.*,
        compared_figures.figure_unit,
        case
            when compared_figures.figure_unit = 'count' then 0
            else greatest({{ tolerance_seconds }}, {{ tolerance_share }} * abs(coalesce(paired.vendor_value, 0)))
        end as tolerance_value,
        coalesce(interactions.count_reopens, 0) as count_reopens
    from paired
    inner join compared_figures
        on compared_figures.figure_name = paired.figure_name
        and compared_figures.figure_basis = paired.figure_basis
    left join interactions
        on interactions.interaction_id = paired.interaction_id

),

agreement as (

    select
        *,
        coalesce(
            abs(cxpulse_value - vendor_value) <= tolerance_value or (vendor_value is null and cxpulse_value = 0),
            false
        ) as is_agreeing
    from judged

),

with_calendar as (

    select
        agreement.*,
        calendar_basis.is_agreeing as is_calendar_agreeing
    from agreement
    left join agreement as calendar_basis
        on calendar_basis.interaction_id = agreement.interaction_id
        and calendar_basis.figure_name = agreement.figure_name
        and calendar_basis.figure_basis = 'calendar'
        and agreement.figure_basis = 'business'

)

select
    source_system,
    figure_name,
    figure_basis,
    interaction_id,
    figure_unit,
    vendor_value,
    cxpulse_value,
    cxpulse_value - vendor_value as difference_value,
    tolerance_value,
    is_agreeing,
    case
        when is_agreeing then null
        when vendor_value is null then 'missing vendor figure'
        when cxpulse_value is null and figure_name = 'first_resolution' and count_reopens > 0 then 'a reopen'
        when cxpulse_value is null then 'a missing event'
        when figure_basis = 'business' and is_calendar_agreeing then 'different calendar'
        when figure_name in ('first_resolution', 'full_resolution') and count_reopens > 0 then 'a reopen'
        else 'values differ'
    end as disagreement_cause
from with_calendar
