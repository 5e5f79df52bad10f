-- One row per Genesys conversation x figure that Genesys Cloud itself computed: the conversation's session
-- metrics of that name summed over every session (durations in ms turned into seconds): queue_wait = tAcd (time
-- in ACD queues), talk = tTalk, hold = tHeld, acw = tAcw, handle = tHandle, transfers = nTransferred (a count).
-- Basis none; reported_at is the latest emitDate of the metrics summed. These are the vendor's figures, kept
-- beside cxpulse's so that the two can be reconciled; no model computes a metric from them.
with metrics as (

    select * from {{ ref('stg_genesys__metrics') }}

),

named as (

    select
        conversation_id,
        case metric_name
            when 'tAcd' then 'queue_wait'
            when 'tTalk' then 'talk'
            when 'tHeld' then 'hold'
            when 'tAcw' then 'acw'
            when 'tHandle' then 'handle'
            when 'nTransferred' then 'transfers'
        end as figure_name,
        case when metric_name like 't%' then metric_seconds else metric_value end as figure_value,
        case when metric_name like 't%' then 'seconds' else 'count' end as figure_unit,
        emitted_at
    from metrics
    where metric_name in ('tAcd', 'tTalk', 'tHeld', 'tAcw', 'tHandle', 'nTransferred')

)

select
    'genesys:' || conversation_id as interaction_id,
    figure_name,
    'none' as figure_basis,
    cast(sum(figure_value) as double precision) as vendor_value,
    figure_unit,
    max(emitted_at) as reported_at
from named
group by conversation_id, figure_name, figure_unit
