-- One row per channel with contacts handled by a person in the profile window (the last [capacity]
-- profile_weeks weeks of the channel's own complete days): average handle time (talk + hold + after-call work) and, for queued
-- channels, the waiting that gives the customers' mean patience (total wait of offered contacts / abandons,
-- the estimate under exponential patience of Gans, Koole & Mandelbaum 2003). Channels without handle times
-- (e-mail and tickets in most exports) are absent: no staffing requirement is computed for them.
with interactions as (

    select * from {{ ref('fct_interactions') }}

),

daily as (

    select * from {{ ref('int_volume_history_daily') }}

),

bounds as (

    select channel, max(date_day) as last_complete_day from daily group by channel

),

recent as (

    select interactions.*
    from interactions
    inner join bounds
        on bounds.channel = interactions.channel
    where interactions.date_day > bounds.last_complete_day - 7 * {{ var('capacity_profile_weeks') }}
        and interactions.date_day <= bounds.last_complete_day

),

by_channel as (

    select
        channel,
        count(case when handle_seconds is not null and handle_seconds > 0 then 1 end) as count_handled,
        sum(case when handle_seconds > 0 then handle_seconds end) as sum_handle_seconds,
        count(case when is_offered then 1 end) as count_offered,
        count(case when is_offered and is_abandoned then 1 end) as count_abandoned,
        sum(case when is_offered then queue_wait_seconds end) as sum_queue_wait_seconds
    from recent
    group by channel

)

select
    channel,
    cast(count_handled as bigint) as count_handled,
    cast(sum_handle_seconds as double precision) as sum_handle_seconds,
    cast(sum_handle_seconds as double precision) / cast(count_handled as double precision) as aht_seconds,
    cast(count_offered as bigint) as count_offered,
    cast(count_abandoned as bigint) as count_abandoned,
    cast(coalesce(sum_queue_wait_seconds, 0) as double precision) as sum_queue_wait_seconds,
    case when count_abandoned > 0
        then cast(sum_queue_wait_seconds as double precision) / cast(count_abandoned as double precision)
    end as patience_seconds
from by_channel
where count_handled > 0
