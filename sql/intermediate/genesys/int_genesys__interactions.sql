-- One row per Genesys conversation, as a canonical interaction. This model reads the flattened streams of
-- one conversation together (joins and sums within a conversation), which a staging model otherwise does
-- not: a conversation detail record is one contact spread over several raw tables.
--   channel       from the customer's first session (voice/callback -> voice, chat/message -> chat, email)
--   queue_id      the queue of the conversation's latest segment that names one (the last after transfers)
--   agent_id      the last agent who answered (tAnswered)
--   intent        the name of the latest wrap-up segment's wrap-up code, from a saved wrap-up code list
--                 (wrapupcodes*.json); the code's id itself when the list does not name it
--                 (ops.genesys_unmapped_wrap_up_codes lists those)
--   direction     originatingDirection (inbound: the customer called or wrote; outbound: the company did)
--   queue wait    the time spent in every ACD queue: the acd participants' interact segments, start to end
--                 (a conversation transferred from one queue to another waited in both)
--   status        abandoned (an acd session has tAbandon and no agent answered), closed (ended), open
--   talk/hold/acw sums of tTalkComplete, tHeldComplete, tAcw (ms -> s); null when absent, except that hold
--                 and after-contact work are 0 on a conversation with talk time
with conversations as (

    select * from {{ ref('stg_genesys__conversations') }}

),

sessions as (

    select * from {{ ref('int_genesys__sessions_joined_to_participants') }}

),

segments as (

    select * from {{ ref('stg_genesys__segments') }}

),

metrics as (

    select * from {{ ref('stg_genesys__metrics') }}

),

session_metrics as (

    select
        metrics.*,
        sessions.participant_role,
        sessions.agent_id
    from metrics
    inner join sessions
        on sessions.session_id = metrics.session_id

),

customer_sessions as (

    select
        conversation_id,
        customer_id,
        channel,
        row_number() over (
            partition by conversation_id
            order by
                case when participant_role = 'customer' then 0 else 1 end,
                participant_seq,
                session_seq
        ) as customer_rank
    from sessions
    where participant_role in ('customer', 'external')

),

first_sessions as (

    select
        conversation_id,
        channel,
        row_number() over (partition by conversation_id order by participant_seq, session_seq) as session_rank
    from sessions

),

last_queues as (

    select
        conversation_id,
        queue_id,
        row_number() over (
            partition by conversation_id
            order by segment_start desc, segment_seq desc, segment_key desc
        ) as queue_rank
    from segments
    where queue_id is not null

),

wrap_up_names as (

    select wrapup_code_id, wrapup_code_name from {{ ref('stg_genesys__wrapup_codes') }}

),

queue_waits as (

    select
        sessions.conversation_id,
        sum({{ seconds_between('segments.segment_start', 'segments.segment_end') }}) as queue_wait_seconds
    from segments
    inner join sessions
        on sessions.session_id = segments.session_id
    where sessions.participant_role = 'queue'
        and segments.segment_type = 'interact'
        and segments.segment_end >= segments.segment_start
    group by sessions.conversation_id

),

last_wrap_ups as (

    select
        conversation_id,
        wrap_up_code,
        row_number() over (
            partition by conversation_id
            order by segment_start desc, segment_key desc
        ) as wrap_up_rank
    from segments
    where segment_type = 'wrapup' and wrap_up_code is not null

),

answers as (

    select
        conversation_id,
        agent_id,
        row_number() over (
            partition by conversation_id
            order by emitted_at desc, metric_key desc
        ) as answer_rank
    from session_metrics
    where participant_role = 'agent' and metric_name = 'tAnswered'

),

durations as (

    select
        conversation_id,
        sum(case when metric_name = 'tTalkComplete' then metric_seconds end) as talk_seconds,
        sum(case when metric_name = 'tHeldComplete' then metric_seconds end) as hold_seconds,
        sum(case when metric_name = 'tAcw' then metric_seconds end) as acw_seconds,
        count(case when participant_role = 'queue' and metric_name = 'tAbandon' then 1 end) as count_queue_abandons,
        count(case when participant_role = 'agent' and metric_name = 'tAnswered' then 1 end) as count_answers
    from session_metrics
    group by conversation_id

),

joined as (

    select
        'genesys:' || conversations.conversation_id as interaction_id,
        coalesce(customer_sessions.channel, first_sessions.channel, 'voice') as channel,
        customer_sessions.customer_id,
        'genesys:' || last_queues.queue_id as queue_id,
        answers.agent_id,
        coalesce(wrap_up_names.wrapup_code_name, last_wrap_ups.wrap_up_code) as intent,
        cast(null as text) as priority,
        case
            when coalesce(durations.count_queue_abandons, 0) > 0 and coalesce(durations.count_answers, 0) = 0
                then 'abandoned'
            when conversations.conversation_end is not null then 'closed'
            else 'open'
        end as status,
        conversations.conversation_start as created_at,
        coalesce(conversations.conversation_end, conversations.conversation_start) as updated_at,
        conversations.conversation_end as closed_at,
        cast(null as text) as subject,
        lower(conversations.originating_direction) as direction,
        cast(durations.talk_seconds as double precision) as talk_seconds,
        cast(
            coalesce(durations.hold_seconds, case when durations.talk_seconds is not null then 0 end)
            as double precision
        ) as hold_seconds,
        cast(
            coalesce(durations.acw_seconds, case when durations.talk_seconds is not null then 0 end)
            as double precision
        ) as acw_seconds,
        cast(queue_waits.queue_wait_seconds as double precision) as queue_wait_seconds
    from conversations
    left join customer_sessions
        on customer_sessions.conversation_id = conversations.conversation_id
        and customer_sessions.customer_rank = 1
    left join first_sessions
        on first_sessions.conversation_id = conversations.conversation_id
        and first_sessions.session_rank = 1
    left join last_queues
        on last_queues.conversation_id = conversations.conversation_id
        and last_queues.queue_rank = 1
    left join last_wrap_ups
        on last_wrap_ups.conversation_id = conversations.conversation_id
        and last_wrap_ups.wrap_up_rank = 1
    left join answers
        on answers.conversation_id = conversations.conversation_id
        and answers.answer_rank = 1
    left join durations
        on durations.conversation_id = conversations.conversation_id
    left join wrap_up_names
        on wrap_up_names.wrapup_code_id = last_wrap_ups.wrap_up_code
    left join queue_waits
        on queue_waits.conversation_id = conversations.conversation_id

)

select
    interaction_id,
    channel,
    customer_id,
    queue_id,
    agent_id,
    intent,
    priority,
    status,
    created_at,
    updated_at,
    closed_at,
    subject,
    direction,
    talk_seconds,
    hold_seconds,
    acw_seconds,
    queue_wait_seconds,
    cast(null as bigint) as stated_count_reopens,
    cast(null as text) as account_id,
    false as times_are_synthetic
from joined
