-- One row per Amazon Connect journey x figure that Connect itself reported, summed over the journey's legs as
-- Connect reports each leg (contact record): queue_wait = sum of Queue.Duration (Connect's "queue answer
-- time" of each leg; for a queued callback it includes the flow's initial delay), talk = sum of
-- Agent.AgentInteractionDuration, hold = sum of Agent.CustomerHoldDuration, acw = sum of
-- Agent.AfterContactWorkDuration, handle = sum of each leg's AgentInteractionDuration + CustomerHoldDuration +
-- AfterContactWorkDuration (Connect's "contact handle time"), transfers = legs Connect started by TRANSFER or
-- QUEUE_TRANSFER. All in seconds (counts for transfers), basis none; reported_at is the latest
-- LastUpdateTimestamp of the journey's legs. These are the vendor's figures, kept beside cxpulse's so that the
-- two can be reconciled; no model computes a metric from them.
with legs as (

    select * from {{ ref('stg_amazon_connect__contact_legs') }}

),

journeys as (

    select
        interaction_id,
        max(updated_at) as reported_at,
        sum(queue_duration_seconds) as queue_wait_value,
        sum(talk_seconds) as talk_value,
        sum(hold_seconds) as hold_value,
        sum(acw_seconds) as acw_value,
        sum(case
            when talk_seconds is not null then talk_seconds + coalesce(hold_seconds, 0) + coalesce(acw_seconds, 0)
        end) as handle_value,
        count(case when initiation_method in ('transfer', 'queue_transfer') then 1 end) as transfers_value
    from legs
    group by interaction_id

),

figures as (

    {% for figure, unit in [('queue_wait', 'seconds'), ('talk', 'seconds'), ('hold', 'seconds'),
                            ('acw', 'seconds'), ('handle', 'seconds'), ('transfers', 'count')] %}
    select
        interaction_id,
        '{{ figure }}' as figure_name,
        'none' as figure_basis,
        cast({{ figure }}_value as double precision) as vendor_value,
        '{{ unit }}' as figure_unit,
        reported_at
    from journeys
    where {{ figure }}_value is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from figures
