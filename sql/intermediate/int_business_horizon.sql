-- One row: when the data starts and ends, and the span of local days the business calendars are laid out over.
--
-- data_ended_at is the latest moment the data knows about (the last contact, change, event or message); an SLA
-- target that has not elapsed by then is still running. The calendars cover two days before the first contact
-- (so every local day that holds a contact is there whatever the time zone) to the data's end plus a margin
-- long enough for the longest business-time SLA target to elapse: 31 days plus one day per target hour, i.e.
-- it assumes a calendar opens at least one hour a day on average over the margin (documented in
-- docs/business_time.md; a target elapsing past the horizon has no breach_at and reads as running).
with interactions as (

    select
        min(created_at) as first_created_at,
        max(created_at) as last_created_at,
        max(updated_at) as last_updated_at,
        max(closed_at) as last_closed_at
    from {{ ref('int_interactions_unioned') }}

),

events as (

    select max(occurred_at) as last_event_at from {{ ref('int_events_unioned') }}

),

messages as (

    select max(sent_at) as last_message_at from {{ ref('int_messages_unioned') }}

),

longest_target as (

    select
        coalesce(max(greatest(
            coalesce(first_reply_target_seconds, 0),
            coalesce(next_reply_target_seconds, 0),
            coalesce(resolution_target_seconds, 0)
        )), 0) as longest_target_seconds
    from {{ seed('sla_policies') }}
    where is_business_hours

),

bounds as (

    select
        interactions.first_created_at as data_started_at,
        greatest(
            interactions.last_created_at,
            coalesce(interactions.last_updated_at, interactions.last_created_at),
            coalesce(interactions.last_closed_at, interactions.last_created_at),
            coalesce(events.last_event_at, interactions.last_created_at),
            coalesce(messages.last_message_at, interactions.last_created_at)
        ) as data_ended_at,
        longest_target.longest_target_seconds
    from interactions
    cross join events
    cross join messages
    cross join longest_target

)

select
    data_started_at,
    data_ended_at,
    cast(data_started_at as date) - 2 as first_local_day,
    cast(data_ended_at as date) + 31 + cast(ceil(longest_target_seconds / 3600.0) as integer) as last_local_day
from bounds
where data_started_at is not null
