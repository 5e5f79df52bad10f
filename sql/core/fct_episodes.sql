-- One row per contact episode: one customer's contacts about one intent, on any channel, stitched forward
-- from the first contact within `repeat_window_days` (core.int_contact_episodes), with how it travelled
-- across channels and service paths, whether it ended resolved, and how confident we are that it did.
--
-- is_resolved: the last contact of the episode was solved or closed and the customer did not come back about
-- the same intent within the window after it. Null while the window after the last contact is still open at
-- the end of the data (is_censored), or when a return cannot be determined (is_undetermined: unclassified intent or
-- unknown customer). episode_resolution_seconds: first contact -> the last contact's last solve (else its
-- closing), for resolved episodes.
--
-- confidence_level, a ladder, first rung that holds:
--   confirmed          a CSAT answer of 4 or 5 on a contact of the episode, or a customer message of the
--                      episode that confirms the problem is solved (enr_message_signals.is_confirmation)
--   no_return          not confirmed, but no return within the window after the last contact
--   tone_not_negative  the customer's last scored message in the episode is not negative (VADER compound
--                      >= -0.05)
--   unconfirmed        none of the above
-- Episodes whose window is still open at the end of the data are kept apart as 'censored', and episodes
-- whose return cannot be determined (unclassified intent or unknown customer) as 'undetermined'; neither takes a rung.
with episode_contacts as (

    select * from {{ ref('int_contact_episodes') }}

),

interactions as (

    select * from {{ ref('fct_interactions') }}

),

surveys as (

    select interaction_id, count_csat_satisfied from {{ ref('int_surveys_rolled_up_to_interactions') }}

),

customer_messages as (

    select message_id, interaction_id, message_seq, sent_at, text_hash
    from {{ ref('fct_messages') }}
    where author_role = 'customer'

),

signals as (

    select message_id, text_hash, is_confirmation
    from {{ enriched('message_signals') }}
    where signals_version = '{{ var("signals_version") }}'

),

scores as (

    select message_id, text_hash, compound
    from {{ enriched('message_sentiment') }}
    where analyzer_version = '{{ var("sentiment_analyzer_version") }}'

),

contacts as (

    select
        episode_contacts.episode_id,
        episode_contacts.episode_seq,
        episode_contacts.episode_started_at,
        episode_contacts.is_channel_switch,
        episode_contacts.has_return_within_window,
        episode_contacts.is_return_censored,
        interactions.interaction_id,
        interactions.customer_key,
        interactions.account_id,
        interactions.intent,
        interactions.channel,
        interactions.service_path,
        interactions.status,
        interactions.created_at,
        coalesce(interactions.last_solved_at, interactions.closed_at) as resolved_at,
        coalesce(surveys.count_csat_satisfied, 0) as count_csat_satisfied
    from episode_contacts
    inner join interactions
        on interactions.interaction_id = episode_contacts.interaction_id
    left join surveys
        on surveys.interaction_id = episode_contacts.interaction_id

),

confirming_contacts as (

    select distinct customer_messages.interaction_id
    from customer_messages
    inner join signals
        on signals.message_id = customer_messages.message_id
        and signals.text_hash = customer_messages.text_hash
    where signals.is_confirmation

),

scored_customer_messages as (

    select
        contacts.episode_id,
        scores.compound,
        row_number() over (
            partition by contacts.episode_id
            order by customer_messages.sent_at desc, contacts.episode_seq desc, customer_messages.message_seq desc,
                customer_messages.message_id desc
        ) as rank_from_end
    from contacts
    inner join customer_messages
        on customer_messages.interaction_id = contacts.interaction_id
    inner join scores
        on scores.message_id = customer_messages.message_id
        and scores.text_hash = customer_messages.text_hash

),

last_tone as (

    select episode_id, compound as last_customer_sentiment
    from scored_customer_messages
    where rank_from_end = 1

),

rolled_up as (

    select
        contacts.episode_id,
        min(contacts.customer_key) as customer_key,
        min(contacts.account_id) as account_id,
        min(contacts.intent) as intent,
        min(contacts.episode_started_at) as first_contact_at,
        max(contacts.created_at) as last_contact_at,
        cast(count(*) as bigint) as count_contacts,
        cast(count(distinct contacts.channel) as bigint) as count_channels,
        cast(count(case when contacts.is_channel_switch then 1 end) as bigint) as count_channel_switches,
        string_agg(contacts.channel, '>' order by contacts.episode_seq) as channel_path,
        string_agg(contacts.service_path, '>' order by contacts.episode_seq) as service_path_sequence,
        cast(sum(contacts.count_csat_satisfied) as bigint) as count_csat_satisfied,
        cast(count(confirming_contacts.interaction_id) as bigint) as count_confirming_contacts
    from contacts
    left join confirming_contacts
        on confirming_contacts.interaction_id = contacts.interaction_id
    group by contacts.episode_id

),

with_ends as (

    select
        rolled_up.*,
        first_contact.interaction_id as first_interaction_id,
        first_contact.channel as first_channel,
        first_contact.service_path as first_service_path,
        last_contact.interaction_id as last_interaction_id,
        last_contact.channel as last_channel,
        last_contact.status as last_status,
        last_contact.resolved_at as last_resolved_at,
        last_contact.has_return_within_window,
        last_contact.is_return_censored as is_censored,
        last_tone.last_customer_sentiment,
        rolled_up.count_csat_satisfied > 0 or rolled_up.count_confirming_contacts > 0 as is_confirmed
    from rolled_up
    inner join contacts as first_contact
        on first_contact.episode_id = rolled_up.episode_id
        and first_contact.episode_seq = 1
    inner join contacts as last_contact
        on last_contact.episode_id = rolled_up.episode_id
        and last_contact.episode_seq = rolled_up.count_contacts
    left join last_tone
        on last_tone.episode_id = rolled_up.episode_id

),

judged as (

    select
        *,
        case
            when has_return_within_window is null then null
            when last_status not in ('solved', 'closed') then false
            when has_return_within_window then false
            when not has_return_within_window then true
        end as is_resolved,
        case
            when is_censored then 'censored'
            when has_return_within_window is null then 'undetermined'
            when is_confirmed then 'confirmed'
            when not has_return_within_window then 'no_return'
            when last_customer_sentiment >= -0.05 then 'tone_not_negative'
            else 'unconfirmed'
        end as confidence_level
    from with_ends

)

select
    episode_id,
    customer_key,
    account_id,
    intent,
    first_interaction_id,
    last_interaction_id,
    first_contact_at,
    last_contact_at,
    count_contacts,
    count_channels,
    count_channel_switches,
    channel_path,
    first_channel,
    last_channel,
    first_service_path,
    service_path_sequence,
    last_status,
    last_resolved_at,
    has_return_within_window,
    is_censored,
    has_return_within_window is null and not is_censored as is_undetermined,
    is_resolved,
    case when is_resolved and last_resolved_at >= first_contact_at
        then {{ seconds_between('first_contact_at', 'last_resolved_at') }}
    end as episode_resolution_seconds,
    count_csat_satisfied,
    count_confirming_contacts,
    is_confirmed,
    last_customer_sentiment,
    confidence_level
from judged
