-- One row per Zendesk ticket x figure x basis that Zendesk itself computed (Ticket Metrics: reply, first and
-- full resolution, requester, agent and on-hold wait, in calendar and business minutes; reopens and replies),
-- from the latest ticket-metric record of each ticket, minutes turned into seconds. These are the vendor's own
-- figures, kept beside cxpulse's so that the two can be reconciled; no model computes a metric from them.
with metrics as (

    select * from {{ source('zendesk', 'ticket_metrics') }}

),

latest as (

    select
        *,
        row_number() over (
            partition by ticket_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from metrics

),

current_metrics as (

    select * from latest where version_rank = 1

),

figures as (

    {% set durations = [
        ('first_reply', 'reply_time_in_minutes'),
        ('first_resolution', 'first_resolution_time_in_minutes'),
        ('full_resolution', 'full_resolution_time_in_minutes'),
        ('requester_wait', 'requester_wait_time_in_minutes'),
        ('agent_wait', 'agent_wait_time_in_minutes'),
        ('on_hold', 'on_hold_time_in_minutes'),
    ] %}
    {% for figure, column in durations %}
    {% for basis in ['calendar', 'business'] %}
    select
        ticket_id,
        '{{ figure }}' as figure_name,
        '{{ basis }}' as figure_basis,
        cast({{ column }}__{{ basis }} * 60 as double precision) as vendor_value,
        'seconds' as figure_unit,
        updated_at as reported_at
    from current_metrics
    where {{ column }}__{{ basis }} is not null
    union all
    {% endfor %}
    {% endfor %}
    select
        ticket_id,
        'reopens' as figure_name,
        'none' as figure_basis,
        cast(reopens as double precision) as vendor_value,
        'count' as figure_unit,
        updated_at as reported_at
    from current_metrics
    where reopens is not null
    union all
    select
        ticket_id,
        'replies' as figure_name,
        'none' as figure_basis,
        cast(replies as double precision) as vendor_value,
        'count' as figure_unit,
        updated_at as reported_at
    from current_metrics
    where replies is not null

)

select
    'zendesk:ticket:' || ticket_id as interaction_id,
    figure_name,
    figure_basis,
    vendor_value,
    figure_unit,
    reported_at
from figures
