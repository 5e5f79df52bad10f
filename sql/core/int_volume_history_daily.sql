-- One row per channel x reporting day, every day from the channel's first day with contacts to its own last
-- COMPLETE day. Each channel keeps its own time: a channel whose export ended years before another's is not
-- padded with zeros up to the other's end, so its forecast starts where its own data stops. A channel's last
-- day with contacts is complete when its source's data goes on after that day (a later update, close or contact
-- of the same source system); the day the source's data ends is left out (an export usually stops part-way
-- through it). Days without contacts are 0.
-- The demand that needs a person, the series the volume forecast is fitted to (etl/enrich/volume_forecast.py):
--   voice and chat: contacts offered to a person (is_offered: answered or abandoned in queue, short abandons
--   left out, as in the service-level metric); a chat the bot closed alone never reaches the queue;
--   e-mail, tickets, social: contacts created, less those a bot handled alone (nobody queues for them);
--   outbound contacts (calls, e-mails or posts the company started) are work it chose to do, not demand: left out.
with interactions as (

    select * from {{ ref('fct_interactions') }}

),

calendar as (

    select * from {{ ref('dim_calendar') }}

),

demand as (

    select
        channel,
        date_day,
        case
            when channel in ('voice', 'chat') then is_offered
            else service_path <> 'bot_only'
        end and coalesce(direction, 'inbound') <> 'outbound' as is_demand_for_people,
        handle_seconds
    from interactions

),

source_ends as (

    select
        source_system,
        max({{ local_date('greatest(created_at, coalesce(updated_at, created_at), coalesce(closed_at, created_at))',
                          var('reporting_timezone')) }}) - 1 as last_complete_day
    from {{ ref('int_interactions_unioned') }}
    group by source_system

),

bounds as (

    select
        interactions.channel,
        min(interactions.date_day) as first_day,
        least(max(interactions.date_day), max(source_ends.last_complete_day)) as last_complete_day
    from interactions
    inner join source_ends
        on source_ends.source_system = interactions.source_system
    group by interactions.channel

),

channels as (

    select distinct channel from demand where is_demand_for_people

),

spine as (

    select channels.channel, calendar.date_day, calendar.iso_day_of_week
    from channels
    inner join bounds
        on bounds.channel = channels.channel
    inner join calendar
        on calendar.date_day between bounds.first_day and bounds.last_complete_day

),

daily as (

    select
        channel,
        date_day,
        count(case when is_demand_for_people then 1 end) as count_contacts_offered,
        count(case when is_demand_for_people and handle_seconds is not null then 1 end) as count_handled,
        sum(case when is_demand_for_people then handle_seconds end) as sum_handle_seconds
    from demand
    group by channel, date_day

)

select
    spine.channel,
    spine.date_day,
    spine.iso_day_of_week,
    cast(coalesce(daily.count_contacts_offered, 0) as bigint) as count_contacts_offered,
    cast(coalesce(daily.count_handled, 0) as bigint) as count_handled,
    cast(coalesce(daily.sum_handle_seconds, 0) as double precision) as sum_handle_seconds
from spine
left join daily
    on daily.channel = spine.channel
    and daily.date_day = spine.date_day
