-- One row per channel x interval of the day (local time, [capacity] interval_minutes long) in which a contact
-- needing a person arrived or was answered: the history the intraday profile, the handled workload and the
-- past staffing requirement are computed from, up to the channel's own last complete day. Arrivals are counted in the interval the contact joined the
-- queue (voice and chat; else when it was created); handle time and the agents who answered in the interval
-- in which the contact was answered. Demand as in int_volume_history_daily.
with interactions as (

    select * from {{ ref('fct_interactions') }}

),

bounds as (

    select channel, max(date_day) as last_complete_day from {{ ref('int_volume_history_daily') }} group by channel

),

demand as (

    select
        interactions.channel,
        cast(((coalesce(interactions.queued_at, interactions.created_at) at time zone 'UTC')
            at time zone '{{ var('reporting_timezone') }}') as timestamp) as arrived_local,
        cast(((interactions.answered_at at time zone 'UTC')
            at time zone '{{ var('reporting_timezone') }}') as timestamp) as answered_local,
        interactions.agent_id,
        interactions.handle_seconds
    from interactions
    where
        case
            when interactions.channel in ('voice', 'chat') then interactions.is_offered
            else interactions.service_path <> 'bot_only'
        end
        and coalesce(interactions.direction, 'inbound') <> 'outbound'

),

slotted as (

    select
        channel,
        cast(date_trunc('day', arrived_local)
            + interval '1 minute' * (cast(floor(
                (cast(extract(hour from arrived_local) as integer) * 60
                    + cast(extract(minute from arrived_local) as integer))
                / {{ var('capacity_interval_minutes') }}) as integer) * {{ var('capacity_interval_minutes') }})
            as timestamp) as arrival_interval_local,
        cast(date_trunc('day', answered_local)
            + interval '1 minute' * (cast(floor(
                (cast(extract(hour from answered_local) as integer) * 60
                    + cast(extract(minute from answered_local) as integer))
                / {{ var('capacity_interval_minutes') }}) as integer) * {{ var('capacity_interval_minutes') }})
            as timestamp) as answer_interval_local,
        agent_id,
        handle_seconds
    from demand

),

arrivals as (

    select channel, arrival_interval_local as interval_start_local, count(*) as count_contacts_offered
    from slotted
    group by channel, arrival_interval_local

),

handled as (

    select
        channel,
        answer_interval_local as interval_start_local,
        count(handle_seconds) as count_handled,
        sum(handle_seconds) as sum_handle_seconds,
        count(distinct agent_id) as count_agents_active
    from slotted
    where answer_interval_local is not null
    group by channel, answer_interval_local

),

joined as (

    select
        coalesce(arrivals.channel, handled.channel) as channel,
        coalesce(arrivals.interval_start_local, handled.interval_start_local) as interval_start_local,
        coalesce(arrivals.count_contacts_offered, 0) as count_contacts_offered,
        coalesce(handled.count_handled, 0) as count_handled,
        coalesce(handled.sum_handle_seconds, 0) as sum_handle_seconds,
        coalesce(handled.count_agents_active, 0) as count_agents_active
    from arrivals
    full outer join handled
        on handled.channel = arrivals.channel
        and handled.interval_start_local = arrivals.interval_start_local

)

select
    joined.channel,
    joined.interval_start_local,
    cast(joined.interval_start_local as date) as date_day,
    cast(extract(isodow from joined.interval_start_local) as integer) as iso_day_of_week,
    cast((cast(extract(hour from joined.interval_start_local) as integer) * 60
        + cast(extract(minute from joined.interval_start_local) as integer))
        / {{ var('capacity_interval_minutes') }} as integer) as interval_of_day,
    cast(joined.count_contacts_offered as bigint) as count_contacts_offered,
    cast(joined.count_handled as bigint) as count_handled,
    cast(joined.sum_handle_seconds as double precision) as sum_handle_seconds,
    cast(joined.count_agents_active as bigint) as count_agents_active
from joined
inner join bounds
    on bounds.channel = joined.channel
where cast(joined.interval_start_local as date) <= bounds.last_complete_day
