-- One row per contact a bot served (service_path bot_only or bot_to_human): how the bot session ended
-- (bot_outcome, exactly one per session), whether it was truly contained (no return about the same intent on
-- any channel within the repeat window), and the handoff measures of handed-off sessions (time to the first
-- human reply, customer sentiment before and after, restatement). Rules: docs/automation.md.
with interactions as (

    select * from {{ ref('fct_interactions') }}
    where service_path in ('bot_only', 'bot_to_human')

),

episodes as (

    select interaction_id, has_return_within_window, is_return_censored
    from {{ ref('int_contact_episodes') }}

),

messages as (

    select
        fct_messages.interaction_id,
        fct_messages.message_id,
        fct_messages.message_seq,
        fct_messages.text_hash,
        fct_messages.sent_at,
        fct_messages.author_role,
        fct_messages.is_public
    from {{ ref('fct_messages') }} as fct_messages
    inner join interactions
        on interactions.interaction_id = fct_messages.interaction_id
    where fct_messages.author_role in ('customer', 'bot', 'agent')

),

signals as (

    select * from {{ enriched('message_signals') }}
    where signals_version = '{{ var("signals_version") }}'

),

sentiment as (

    select * from {{ enriched('message_sentiment') }}
    where analyzer_version = '{{ var("sentiment_analyzer_version") }}'

),

restatement as (

    select * from {{ ref('int_handoff_restatements_thresholded') }}

),

first_agent_message as (

    select interaction_id, min(sent_at) as first_agent_message_at
    from messages
    where author_role = 'agent'
    group by interaction_id

),

-- the moment the bot let go: the handoff event, else the queue or the answer, else the first agent turn
sessions as (

    select
        interactions.*,
        interactions.service_path = 'bot_to_human' as is_handed_off,
        case when interactions.service_path = 'bot_to_human' then
            coalesce(interactions.handoff_at, interactions.queued_at, interactions.answered_at,
                     first_agent_message.first_agent_message_at)
        end as handed_off_at,
        first_agent_message.first_agent_message_at
    from interactions
    left join first_agent_message
        on first_agent_message.interaction_id = interactions.interaction_id

),

flagged as (

    select
        messages.interaction_id,
        messages.message_seq,
        messages.sent_at,
        messages.author_role,
        messages.is_public,
        sessions.handed_off_at,
        sessions.handed_off_at is null or messages.sent_at < sessions.handed_off_at as is_before_handoff,
        coalesce(signals.is_human_request, false) as is_human_request,
        coalesce(signals.is_confirmation, false) as is_confirmation,
        coalesce(signals.is_bot_fallback, false) as is_bot_fallback,
        coalesce(signals.is_answer_rejected, false) as is_answer_rejected,
        case when messages.author_role = 'customer' then sentiment.compound end as customer_compound
    from messages
    inner join sessions
        on sessions.interaction_id = messages.interaction_id
    left join signals
        on signals.message_id = messages.message_id
        and signals.text_hash = messages.text_hash
    left join sentiment
        on sentiment.message_id = messages.message_id
        and sentiment.text_hash = messages.text_hash

),

-- the last turn of the conversation with the bot (customer or bot), and the bot's last turn
bot_turns_ranked as (

    select
        interaction_id,
        author_role,
        is_bot_fallback,
        row_number() over (
            partition by interaction_id order by sent_at desc, message_seq desc
        ) as rank_from_end,
        row_number() over (
            partition by interaction_id, author_role order by sent_at desc, message_seq desc
        ) as rank_from_end_in_role
    from flagged
    where is_before_handoff and author_role in ('customer', 'bot')

),

bot_segment_ends as (

    select
        interaction_id,
        max(case when rank_from_end = 1 then author_role end) as last_turn_role,
        coalesce(
            max(case when author_role = 'bot' and rank_from_end_in_role = 1 and is_bot_fallback then 1 end), 0
        ) = 1 as is_last_bot_turn_fallback
    from bot_turns_ranked
    group by interaction_id

),

rolled_up as (

    select
        interaction_id,
        count(case when author_role = 'customer' and is_before_handoff then 1 end) as count_customer_turns_to_bot,
        count(case when author_role = 'bot' and is_before_handoff then 1 end) as count_bot_turns,
        count(case when author_role = 'bot' and is_before_handoff and is_bot_fallback then 1 end)
            as count_bot_fallbacks,
        min(case when author_role = 'customer' and is_before_handoff and is_human_request then sent_at end)
            as first_human_request_at,
        max(case when author_role = 'customer' and is_before_handoff and is_human_request then sent_at end)
            as last_human_request_at,
        max(case when author_role = 'customer' and is_before_handoff and is_confirmation then sent_at end)
            as last_confirmation_at,
        max(case when author_role = 'customer' and is_before_handoff and is_answer_rejected then sent_at end)
            as last_answer_rejected_at,
        max(case when author_role = 'bot' and is_before_handoff then sent_at end) as last_bot_turn_at,
        min(case when author_role = 'agent' and is_public and not is_before_handoff then sent_at end)
            as first_human_reply_after_handoff_at,
        avg(case when is_before_handoff and handed_off_at is not null then customer_compound end)
            as customer_sentiment_before_handoff,
        avg(case when not is_before_handoff then customer_compound end) as customer_sentiment_after_handoff
    from flagged
    group by interaction_id

),

joined as (

    select
        sessions.*,
        coalesce(rolled_up.count_customer_turns_to_bot, 0) as count_customer_turns_to_bot,
        coalesce(rolled_up.count_bot_turns, 0) as count_bot_turns,
        coalesce(rolled_up.count_bot_fallbacks, 0) as count_bot_fallbacks,
        rolled_up.first_human_request_at,
        rolled_up.last_human_request_at,
        rolled_up.last_confirmation_at,
        rolled_up.last_answer_rejected_at,
        rolled_up.last_bot_turn_at,
        rolled_up.first_human_reply_after_handoff_at,
        rolled_up.customer_sentiment_before_handoff,
        rolled_up.customer_sentiment_after_handoff,
        bot_segment_ends.last_turn_role,
        coalesce(bot_segment_ends.is_last_bot_turn_fallback, false) as is_last_bot_turn_fallback,
        sessions.is_handed_off and sessions.is_abandoned and sessions.first_agent_message_at is null
            as is_abandoned_after_handoff,
        episodes.has_return_within_window,
        coalesce(episodes.is_return_censored, false) as is_return_censored,
        restatement.similarity as restatement_similarity,
        restatement.count_shared_words as count_restatement_shared_words,
        restatement.has_restatement_cue,
        restatement.is_restatement,
        restatement.count_customer_turns_before > 0 and restatement.count_customer_turns_after > 0
            as is_restatement_comparable
    from sessions
    left join rolled_up
        on rolled_up.interaction_id = sessions.interaction_id
    left join bot_segment_ends
        on bot_segment_ends.interaction_id = sessions.interaction_id
    left join episodes
        on episodes.interaction_id = sessions.interaction_id
    left join restatement
        on restatement.interaction_id = sessions.interaction_id

),

outcomes as (

    select
        *,
        case
            when is_abandoned_after_handoff then 'abandoned'
            when is_handed_off and first_human_request_at is not null then 'escalated_customer_request'
            when is_handed_off then 'escalated_bot_failure'
            when count_customer_turns_to_bot = 0 and count_bot_turns > 0 then 'abandoned'
            when count_customer_turns_to_bot = 0 and (is_abandoned or status = 'abandoned') then 'abandoned'
            when last_confirmation_at is not null
                and (last_human_request_at is null or last_human_request_at < last_confirmation_at)
                and (last_answer_rejected_at is null or last_answer_rejected_at < last_confirmation_at)
                and not (is_last_bot_turn_fallback and last_bot_turn_at > last_confirmation_at)
                then 'contained_confirmed'
            when last_human_request_at is not null then 'abandoned'
            when last_answer_rejected_at is not null then 'abandoned'
            when is_last_bot_turn_fallback then 'abandoned'
            when last_turn_role = 'customer' then 'abandoned'
            else 'contained_soft'
        end as bot_outcome
    from joined

)

select
    interaction_id,
    channel,
    service_path,
    customer_key,
    segment,
    queue_id,
    team_name,
    intent,
    date_day,
    created_at,
    bot_started_at,
    handed_off_at,
    bot_outcome,
    bot_outcome in ('contained_confirmed', 'contained_soft') as is_contained,
    case
        when has_return_within_window is not null
            then bot_outcome in ('contained_confirmed', 'contained_soft') and not has_return_within_window
    end as is_truly_contained,
    has_return_within_window,
    is_return_censored,
    is_handed_off,
    is_abandoned_after_handoff,
    count_customer_turns_to_bot,
    count_bot_turns,
    count_bot_fallbacks,
    first_human_request_at is not null as has_human_request,
    last_confirmation_at is not null as has_confirmation,
    last_answer_rejected_at is not null as has_answer_rejected,
    is_last_bot_turn_fallback,
    first_human_reply_after_handoff_at,
    case
        when first_human_reply_after_handoff_at is not null
            then {{ seconds_between('handed_off_at', 'first_human_reply_after_handoff_at') }}
        when is_handed_off and channel = 'voice' and answered_at >= handed_off_at
            then {{ seconds_between('handed_off_at', 'answered_at') }}
    end as handoff_to_first_human_seconds,
    customer_sentiment_before_handoff,
    customer_sentiment_after_handoff,
    case
        when customer_sentiment_before_handoff is not null and customer_sentiment_after_handoff is not null
            then customer_sentiment_after_handoff - customer_sentiment_before_handoff
    end as customer_sentiment_change_across_handoff,
    restatement_similarity,
    count_restatement_shared_words,
    coalesce(has_restatement_cue, false) as has_restatement_cue,
    coalesce(is_restatement, false) as is_restatement,
    coalesce(is_restatement_comparable, false) as is_restatement_comparable,
    -- the restatement detector's version (scores and calibration), stamped on people's labels of it (feedback.labels)
    '{{ var("restatement_detector_version") }}' as restatement_version
from outcomes
