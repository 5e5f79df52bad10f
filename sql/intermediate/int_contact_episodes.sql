-- One row per customer contact: the episode it belongs to and whether the customer came back.
--
-- An episode is one customer's contacts about one intent, on any channel, stitched forward from its first
-- contact: a contact within `repeat_window_days` of the episode's first contact joins it, a later one starts
-- the next episode. The window is anchored on the episode's start (not rolling), so an episode lasts at most
-- the window; this takes a walk through each customer's contacts in time order (a recursive CTE).
-- Contacts of unknown intent cannot be tied to a topic, and contacts without a known customer cannot be tied
-- to a person: each is an episode of its own, and whether the customer came back about the same thing is
-- undetermined (null). (They must stay out of the walk: partitioned together under a null customer_key they
-- would read each other as returns, and the walk's equality join on customer_key would drop all but the
-- first of them.)
--
-- A contact "returns" when the same customer contacts again about the same intent, on any channel, within
-- the window after it. When no return was seen and the window reaches past the last contact in the data, the
-- answer is not known yet: is_return_censored is true and has_return_within_window is null.
with recursive contacts as (

    select
        interaction_id,
        customer_key,
        intent,
        channel,
        created_at,
        row_number() over (
            partition by customer_key, intent order by created_at, interaction_id
        ) as contact_seq,
        lead(created_at) over (
            partition by customer_key, intent order by created_at, interaction_id
        ) as next_contact_at,
        lead(channel) over (
            partition by customer_key, intent order by created_at, interaction_id
        ) as next_contact_channel
    from {{ ref('fct_interactions') }}
    where intent <> 'unknown'
        and customer_key is not null

),

data_end as (

    select max(created_at) as last_contact_at from {{ ref('fct_interactions') }}

),

walk (customer_key, intent, contact_seq, interaction_id, created_at, episode_started_at, episode_number) as (

    select customer_key, intent, contact_seq, interaction_id, created_at, created_at, 1
    from contacts
    where contact_seq = 1

    union all

    select
        contacts.customer_key,
        contacts.intent,
        contacts.contact_seq,
        contacts.interaction_id,
        contacts.created_at,
        case
            when contacts.created_at > walk.episode_started_at + interval '1 day' * {{ var('repeat_window_days') }}
                then contacts.created_at
            else walk.episode_started_at
        end,
        case
            when contacts.created_at > walk.episode_started_at + interval '1 day' * {{ var('repeat_window_days') }}
                then walk.episode_number + 1
            else walk.episode_number
        end
    from walk
    inner join contacts
        on contacts.customer_key = walk.customer_key
        and contacts.intent = walk.intent
        and contacts.contact_seq = walk.contact_seq + 1

),

episodes as (

    select
        walk.interaction_id,
        walk.customer_key,
        walk.intent,
        walk.episode_started_at,
        walk.episode_number,
        walk.created_at,
        contacts.channel,
        contacts.next_contact_at,
        contacts.next_contact_channel,
        row_number() over (
            partition by walk.customer_key, walk.intent, walk.episode_number
            order by walk.created_at, walk.interaction_id
        ) as episode_seq,
        lag(contacts.channel) over (
            partition by walk.customer_key, walk.intent, walk.episode_number
            order by walk.created_at, walk.interaction_id
        ) as previous_channel_in_episode,
        contacts.next_contact_at is not null
            and contacts.next_contact_at
                <= walk.created_at + interval '1 day' * {{ var('repeat_window_days') }} as returned
    from walk
    inner join contacts
        on contacts.interaction_id = walk.interaction_id

),

undetermined as (

    select interaction_id, created_at
    from {{ ref('fct_interactions') }}
    where intent = 'unknown'
        or customer_key is null

)

select
    episodes.interaction_id,
    episodes.customer_key || '|' || episodes.intent || '|' || cast(episodes.episode_number as varchar(12))
        as episode_id,
    cast(episodes.episode_seq as bigint) as episode_seq,
    episodes.episode_started_at,
    episodes.episode_seq > 1 as is_repeat_contact,
    coalesce(episodes.previous_channel_in_episode <> episodes.channel, false) as is_channel_switch,
    episodes.next_contact_at,
    episodes.next_contact_channel,
    case
        when episodes.returned then true
        when episodes.created_at + interval '1 day' * {{ var('repeat_window_days') }} <= data_end.last_contact_at
            then false
    end as has_return_within_window,
    not episodes.returned
        and episodes.created_at + interval '1 day' * {{ var('repeat_window_days') }} > data_end.last_contact_at
        as is_return_censored
from episodes
cross join data_end

union all

select
    interaction_id,
    'contact|' || interaction_id as episode_id,
    cast(1 as bigint) as episode_seq,
    created_at as episode_started_at,
    false as is_repeat_contact,
    false as is_channel_switch,
    cast(null as timestamp) as next_contact_at,
    cast(null as varchar) as next_contact_channel,
    cast(null as boolean) as has_return_within_window,
    false as is_return_censored
from undetermined
