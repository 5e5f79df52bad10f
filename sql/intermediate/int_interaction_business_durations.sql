-- One row per interaction: its business calendar and its durations in business time (plus the wait from the
-- bot's last turn to the first human reply), joined into core.fct_interactions.
--
-- The calendar: the one assigned to the contact's queue, else the one assigned to the queue's team, else the
-- default calendar (seed calendar_assignments / calendar_hours; etl.seeds adds a 24x7 default in the reporting
-- time zone when none is configured). Several calendars naming one queue or team: the first by name wins.
--
-- Business seconds between two moments = the calendar's open time between them = position(end) -
-- position(start), where a moment's position is the open time before it on the calendar's axis
-- (int_business_intervals.business_seconds_before plus the part of its span already elapsed).
--
-- The milestones follow core.fct_interactions exactly (this model runs before it, from the same inputs):
-- first reply = first public human message of a non-voice contact, at or after creation; resolution = first
-- solve (Zendesk's first resolution time), full resolution = last solve (Zendesk's full resolution time).
-- The bot's last turn is the bot's last message at or before the handoff (or, without a handoff event, before
-- the first human reply).
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

intervals as (

    select * from {{ ref('int_business_intervals') }}

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

moments as (

    select interaction_id, calendar_name, 'created' as milestone, created_at as moment_at from milestones
    union all
    select interaction_id, calendar_name, 'first_reply', first_reply_at from milestones
    where first_reply_at is not null
    union all
    select interaction_id, calendar_name, 'first_solved', first_solved_at from milestones
    where first_solved_at is not null
    union all
    select interaction_id, calendar_name, 'last_solved', last_solved_at from milestones
    where last_solved_at is not null

),

positions as (

    select
        moments.interaction_id,
        moments.milestone,
        coalesce(
            intervals.business_seconds_before
            + {{ seconds_between('intervals.opens_at', 'least(moments.moment_at, intervals.closes_at)') }},
            0
        ) as business_position_seconds
    from moments
    left join intervals
        on intervals.calendar_name = moments.calendar_name
        and intervals.opens_at <= moments.moment_at
        and moments.moment_at < intervals.next_opens_at

),

pivoted as (

    select
        interaction_id,
        max(case when milestone = 'created' then business_position_seconds end) as created_position,
        max(case when milestone = 'first_reply' then business_position_seconds end) as first_reply_position,
        max(case when milestone = 'first_solved' then business_position_seconds end) as first_solved_position,
        max(case when milestone = 'last_solved' then business_position_seconds end) as last_solved_position
    from positions
    group by interaction_id

)

select
    milestones.interaction_id,
    milestones.calendar_name,
    bot_last_turns.bot_last_turn_at,
    case when milestones.first_reply_at >= bot_last_turns.bot_last_turn_at
        then {{ seconds_between('bot_last_turns.bot_last_turn_at', 'milestones.first_reply_at') }}
    end as first_reply_from_bot_seconds,
    case when milestones.calendar_name is not null
        then pivoted.first_reply_position - pivoted.created_position
    end as first_reply_business_seconds,
    case when milestones.calendar_name is not null
        then pivoted.first_solved_position - pivoted.created_position
    end as resolution_business_seconds,
    case when milestones.calendar_name is not null
        then pivoted.last_solved_position - pivoted.created_position
    end as full_resolution_business_seconds
from milestones
left join bot_last_turns
    on bot_last_turns.interaction_id = milestones.interaction_id
left join pivoted
    on pivoted.interaction_id = milestones.interaction_id
