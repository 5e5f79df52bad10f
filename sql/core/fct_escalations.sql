-- One row per escalated contact: a contact with an 'escalated' event (to a higher tier, a specialist or a
-- higher priority: is_escalated) or one a bot handed to a person (bot_to_human). escalation_at is the earlier of
-- the two moments. What preceded it, from the customer's messages up to and including that moment: negative
-- sentiment, escalation language, an explicit request for a person, a bot fallback, complexity; and one
-- primary trigger by precedence (docs/automation.md).
with interactions as (

    select * from {{ ref('fct_interactions') }}
    where is_escalated or service_path = 'bot_to_human'

),

bot_sessions as (

    select interaction_id, handed_off_at from {{ ref('fct_bot_sessions') }}
    where is_handed_off

),

signals as (

    select * from {{ enriched('message_signals') }}
    where signals_version = '{{ var("signals_version") }}'

),

sentiment as (

    select * from {{ enriched('message_sentiment') }}
    where analyzer_version = '{{ var("sentiment_analyzer_version") }}'

),

escalations as (

    select
        interactions.*,
        bot_sessions.handed_off_at,
        case
            when interactions.escalated_at is not null
                and (bot_sessions.handed_off_at is null or interactions.escalated_at <= bot_sessions.handed_off_at)
                then interactions.escalated_at
            else bot_sessions.handed_off_at
        end as escalation_at,
        case
            when interactions.is_escalated and bot_sessions.handed_off_at is not null then 'bot_handoff_and_escalated'
            when interactions.is_escalated then 'escalated'
            else 'bot_handoff'
        end as escalation_kind
    from interactions
    left join bot_sessions
        on bot_sessions.interaction_id = interactions.interaction_id

),

messages_before as (

    select
        fct_messages.interaction_id,
        fct_messages.author_role,
        coalesce(signals.is_human_request, false) as is_human_request,
        coalesce(signals.has_escalation_keyword, false) as has_escalation_keyword,
        coalesce(signals.is_bot_fallback, false) as is_bot_fallback,
        sentiment.compound
    from {{ ref('fct_messages') }} as fct_messages
    inner join escalations
        on escalations.interaction_id = fct_messages.interaction_id
        and fct_messages.sent_at <= escalations.escalation_at
    left join signals
        on signals.message_id = fct_messages.message_id
        and signals.text_hash = fct_messages.text_hash
    left join sentiment
        on sentiment.message_id = fct_messages.message_id
        and sentiment.text_hash = fct_messages.text_hash
    where fct_messages.author_role in ('customer', 'bot')

),

rolled_up as (

    select
        interaction_id,
        count(case when author_role = 'customer' then 1 end) as count_customer_turns_before,
        coalesce(max(case when author_role = 'customer' and compound < -0.05 then 1 end), 0) = 1
            as has_negative_sentiment_before,
        coalesce(max(case when author_role = 'customer' and has_escalation_keyword then 1 end), 0) = 1
            as has_escalation_keyword_before,
        coalesce(max(case when author_role = 'customer' and is_human_request then 1 end), 0) = 1
            as has_human_request_before,
        coalesce(max(case when author_role = 'bot' and is_bot_fallback then 1 end), 0) = 1
            as has_bot_fallback_before
    from messages_before
    group by interaction_id

),

flagged as (

    select
        escalations.*,
        coalesce(rolled_up.count_customer_turns_before, 0) as count_customer_turns_before,
        coalesce(rolled_up.has_negative_sentiment_before, false) as has_negative_sentiment_before,
        coalesce(rolled_up.has_escalation_keyword_before, false) as has_escalation_keyword_before,
        coalesce(rolled_up.has_human_request_before, false) as has_human_request_before,
        coalesce(rolled_up.has_bot_fallback_before, false) as has_bot_fallback_before,
        coalesce(rolled_up.count_customer_turns_before, 0) >= {{ var('escalation_complex_customer_turns') }}
            or escalations.count_transfers >= 2 as is_complex
    from escalations
    left join rolled_up
        on rolled_up.interaction_id = escalations.interaction_id

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
    escalation_at,
    escalation_kind,
    escalation_reason,
    count_transfers,
    count_customer_turns_before,
    has_negative_sentiment_before,
    has_escalation_keyword_before,
    has_human_request_before,
    has_bot_fallback_before,
    is_complex,
    case
        when has_human_request_before then 'customer_request'
        when has_escalation_keyword_before then 'escalation_keyword'
        when has_negative_sentiment_before then 'negative_sentiment'
        when has_bot_fallback_before then 'bot_fallback'
        when is_complex then 'complexity'
        else 'other'
    end as primary_trigger,
    -- the trigger detector's version (message signals and the sentiment they read), stamped on people's labels
    '{{ var("signals_version") }}+{{ var("sentiment_analyzer_version") }}' as trigger_version
from flagged
