-- One row per interaction: its business calendar and its durations in business time (plus the wait from the
-- bot's last turn to the first human reply), joined into core.fct_interactions.
--
-- The calendar: the one assigned to the contact's queue, else the one assigned to the queue's team, else the
-- default calendar (seed calendar_assignments / calendar_hours; etl.seeds adds a 24x7 default in the reporting
-- time zone when none is configured). Several calendars naming one queue or team: the first by name wins.
--
-- Business seconds between two moments = the calendar's open time between them = position(end) -
-- position(start), where a moment's position is the open time before it on the calendar's axis
-- (int_business_intervals.business_seconds_before plus the part of its span already elapsed). The span of a
-- moment is found through int_business_interval_days (span_join below: an equality join on calendar and UTC
-- date; the table itself, not a CTE, so PostgreSQL plans it with statistics); a moment before the calendar's
-- first span has position 0.
--
-- The milestones follow core.fct_interactions exactly (this model runs before it, from the same inputs):
-- first reply = first public human message of a non-voice contact, at or after creation; resolution = first
-- solve (Zendesk's first resolution time), full resolution = last solve (Zendesk's full resolution time).
-- The bot's last turn is the bot's last message at or before the handoff (or, without a handoff event, before
-- the first human reply).
{% macro span_join(alias, calendar, moment) -%}
left join {{ ref('int_business_interval_days') }} as {{ alias }}
        on {{ alias }}.calendar_name = {{ calendar }}
        and {{ alias }}.utc_date = cast({{ moment }} as date)
        and {{ alias }}.opens_at <= {{ moment }}
        and {{ moment }} < {{ alias }}.next_opens_at
{%- endmacro %}
{% macro business_position(alias, moment) -%}
case when {{ moment }} is not null then coalesce(
            {{ alias }}.business_seconds_before
            + {{ seconds_between(alias ~ '.opens_at', 'least(' ~ moment ~ ', ' ~ alias ~ '.closes_at)') }},
            0
        ) end
{%- endmacro %}
with interactions as (

    select interaction_id, channel, queue_id, created_at from {{ ref('int_interactions_unioned') }}

),

queues as (

    select queue_id, team_name from {{ ref('dim_queues') }}

),

event_milestones as (

    select interaction_id, handoff_at, first_solved_at, last_solved_at
    from {{ ref('int_events_pivoted_to_interactions') }}

),

message_rollup as (

    select interaction_id, first_human_reply_at from {{ ref('int_messages_rolled_up_to_interactions') }}

),

bot_messages as (

    select interaction_id, sent_at from {{ ref('fct_messages') }} where author_role = 'bot'

),

assignments as (

    select * from {{ seed('calendar_assignments') }}

),

default_calendar as (

    select min(calendar_name) as calendar_name from {{ seed('calendar_hours') }} where is_default

),

queue_calendars as (

    select assigned_id as queue_id, min(calendar_name) as calendar_name
    from assignments
    where assigned_to = 'queue'
    group by assigned_id

),

team_calendars as (

    select assigned_id as team_name, min(calendar_name) as calendar_name
    from assignments
    where assigned_to = 'team'
    group by assigned_id

),

milestones as (

    select
        interactions.interaction_id,
        interactions.created_at,
        coalesce(queue_calendars.calendar_name, team_calendars.calendar_name, default_calendar.calendar_name)
            as calendar_name,
        case
            when interactions.channel <> 'voice' and message_rollup.first_human_reply_at >= interactions.created_at
                then message_rollup.first_human_reply_at
        end as first_reply_at,
        case when event_milestones.first_solved_at >= interactions.created_at
            then event_milestones.first_solved_at
        end as first_solved_at,
        case when event_milestones.last_solved_at >= interactions.created_at
            then event_milestones.last_solved_at
        end as last_solved_at,
        coalesce(event_milestones.handoff_at, message_rollup.first_human_reply_at) as bot_cutoff_at
    from interactions
    left join queues
        on queues.queue_id = interactions.queue_id
    left join event_milestones
        on event_milestones.interaction_id = interactions.interaction_id
    left join message_rollup
        on message_rollup.interaction_id = interactions.interaction_id
    left join queue_calendars
        on queue_calendars.queue_id = interactions.queue_id
    left join team_calendars
        on team_calendars.team_name = coalesce(queues.team_name, 'unassigned')
    cross join default_calendar

),

bot_last_turns as (

    select
        milestones.interaction_id,
        max(bot_messages.sent_at) as bot_last_turn_at
    from milestones
    inner join bot_messages
        on bot_messages.interaction_id = milestones.interaction_id
        and bot_messages.sent_at <= milestones.bot_cutoff_at
    group by milestones.interaction_id

),

positions as (

    select
        milestones.interaction_id,
        {{ business_position('created_span', 'milestones.created_at') }} as created_position,
        {{ business_position('first_reply_span', 'milestones.first_reply_at') }} as first_reply_position,
        {{ business_position('first_solved_span', 'milestones.first_solved_at') }} as first_solved_position,
        {{ business_position('last_solved_span', 'milestones.last_solved_at') }} as last_solved_position
    from milestones
    {{ span_join('created_span', 'milestones.calendar_name', 'milestones.created_at') }}
    {{ span_join('first_reply_span', 'milestones.calendar_name', 'milestones.first_reply_at') }}
    {{ span_join('first_solved_span', 'milestones.calendar_name', 'milestones.first_solved_at') }}
    {{ span_join('last_solved_span', 'milestones.calendar_name', 'milestones.last_solved_at') }}

)

select
    milestones.interaction_id,
    milestones.calendar_name,
    bot_last_turns.bot_last_turn_at,
    case when milestones.first_reply_at >= bot_last_turns.bot_last_turn_at
        then {{ seconds_between('bot_last_turns.bot_last_turn_at', 'milestones.first_reply_at') }}
    end as first_reply_from_bot_seconds,
    case when milestones.calendar_name is not null
        then positions.first_reply_position - positions.created_position
    end as first_reply_business_seconds,
    case when milestones.calendar_name is not null
        then positions.first_solved_position - positions.created_position
    end as resolution_business_seconds,
    case when milestones.calendar_name is not null
        then positions.last_solved_position - positions.created_position
    end as full_resolution_business_seconds
from milestones
left join bot_last_turns
    on bot_last_turns.interaction_id = milestones.interaction_id
left join positions
    on positions.interaction_id = milestones.interaction_id
