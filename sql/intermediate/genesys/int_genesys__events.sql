-- One row per event of a Genesys conversation, derived from its segments and session metrics:
--   ivr_entered   an ivr participant's first segment start
--   bot_started   a bot participant's first segment start (purpose bot, or a workflow running a bot flow)
--   handoff       a bot participant's last segment end, when an agent answered after the bot started
--   queued        each acd participant's first interact segment start (with no acd participant: the
--                 customer's first segment that names a queue)
--   answered      an agent session's tAnswered metric, at its emitDate
--   abandoned     an acd session's tAbandon metric, at its emitDate, when no agent answered
--   hold_started  the start of an agent's hold segment; hold_ended its end
--   transferred   an agent session's nTransferred metric, at its emitDate (one event per metric; reason
--                 blind or consult from the nBlindTransferred / nConsultTransferred emitted with it)
-- Event ids are the event type with the id of the node that carries it (session, segment or metric key).
with sessions as (

    select * from {{ ref('int_genesys__sessions_joined_to_participants') }}

),

segments as (

    select * from {{ ref('stg_genesys__segments') }}

),

metrics as (

    select * from {{ ref('stg_genesys__metrics') }}

),

session_segments as (

    select
        segments.*,
        sessions.participant_role,
        sessions.agent_id
    from segments
    inner join sessions
        on sessions.session_id = segments.session_id

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

session_spans as (

    select
        session_id,
        conversation_id,
        participant_role,
        agent_id,
        min(segment_start) as first_segment_start,
        max(coalesce(segment_end, segment_start)) as last_segment_end
    from session_segments
    group by session_id, conversation_id, participant_role, agent_id

),

session_queues as (

    select
        session_id,
        queue_id,
        row_number() over (partition by session_id order by segment_start, segment_seq) as queue_rank
    from segments
    where queue_id is not null

),

answers as (

    select
        metric_key,
        session_id,
        conversation_id,
        agent_id,
        emitted_at,
        row_number() over (partition by conversation_id order by emitted_at, metric_key) as answer_rank
    from session_metrics
    where participant_role = 'agent' and metric_name = 'tAnswered'

),

acd_entries as (

    select
        session_id,
        conversation_id,
        segment_start,
        queue_id,
        row_number() over (partition by session_id order by segment_start, segment_seq) as entry_rank
    from session_segments
    where participant_role = 'queue' and segment_type = 'interact'

),

customer_entries as (

    select
        segment_key,
        conversation_id,
        segment_start,
        queue_id,
        row_number() over (partition by conversation_id order by segment_start, segment_seq) as entry_rank
    from session_segments
    where participant_role in ('customer', 'external') and queue_id is not null

),

transfer_kinds as (

    select
        session_id,
        emitted_at,
        max(case
            when metric_name = 'nBlindTransferred' then 'blind'
            when metric_name = 'nConsultTransferred' then 'consult'
        end) as transfer_kind
    from metrics
    where metric_name in ('nBlindTransferred', 'nConsultTransferred')
    group by session_id, emitted_at

),

ivr_entered as (

    select
        'genesys:ivr_entered:' || session_id as event_id,
        conversation_id,
        first_segment_start as occurred_at,
        'ivr_entered' as event_type,
        cast(null as text) as agent_id,
        cast(null as text) as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from session_spans
    where participant_role = 'ivr'

),

bot_started as (

    select
        'genesys:bot_started:' || session_id as event_id,
        conversation_id,
        first_segment_start as occurred_at,
        'bot_started' as event_type,
        agent_id,
        cast(null as text) as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from session_spans
    where participant_role = 'bot'

),

handoffs as (

    select
        'genesys:handoff:' || bots.session_id as event_id,
        bots.conversation_id,
        bots.last_segment_end as occurred_at,
        'handoff' as event_type,
        bots.agent_id,
        cast(null as text) as queue_id,
        bots.agent_id as from_value,
        answers.agent_id as to_value,
        cast(null as text) as reason
    from session_spans as bots
    inner join answers
        on answers.conversation_id = bots.conversation_id
        and answers.answer_rank = 1
        and answers.emitted_at >= bots.first_segment_start
    where bots.participant_role = 'bot'

),

queued_from_acd as (

    select
        'genesys:queued:' || session_id as event_id,
        conversation_id,
        segment_start as occurred_at,
        'queued' as event_type,
        cast(null as text) as agent_id,
        'genesys:' || queue_id as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from acd_entries
    where entry_rank = 1

),

queued_from_customer as (

    select
        'genesys:queued:' || segment_key as event_id,
        conversation_id,
        segment_start as occurred_at,
        'queued' as event_type,
        cast(null as text) as agent_id,
        'genesys:' || queue_id as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from customer_entries
    where entry_rank = 1
        and not exists (
            select 1 from acd_entries
            where acd_entries.conversation_id = customer_entries.conversation_id
        )

),

answered as (

    select
        'genesys:answered:' || answers.metric_key as event_id,
        answers.conversation_id,
        answers.emitted_at as occurred_at,
        'answered' as event_type,
        answers.agent_id,
        'genesys:' || session_queues.queue_id as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from answers
    left join session_queues
        on session_queues.session_id = answers.session_id
        and session_queues.queue_rank = 1

),

abandoned as (

    select
        'genesys:abandoned:' || session_metrics.metric_key as event_id,
        session_metrics.conversation_id,
        session_metrics.emitted_at as occurred_at,
        'abandoned' as event_type,
        cast(null as text) as agent_id,
        'genesys:' || session_queues.queue_id as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from session_metrics
    left join session_queues
        on session_queues.session_id = session_metrics.session_id
        and session_queues.queue_rank = 1
    where session_metrics.participant_role = 'queue'
        and session_metrics.metric_name = 'tAbandon'
        and not exists (
            select 1 from answers
            where answers.conversation_id = session_metrics.conversation_id
        )

),

holds_started as (

    select
        'genesys:hold_started:' || segment_key as event_id,
        conversation_id,
        segment_start as occurred_at,
        'hold_started' as event_type,
        agent_id,
        'genesys:' || queue_id as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from session_segments
    where participant_role = 'agent' and segment_type = 'hold'

),

holds_ended as (

    select
        'genesys:hold_ended:' || segment_key as event_id,
        conversation_id,
        segment_end as occurred_at,
        'hold_ended' as event_type,
        agent_id,
        'genesys:' || queue_id as queue_id,
        cast(null as text) as from_value,
        cast(null as text) as to_value,
        cast(null as text) as reason
    from session_segments
    where participant_role = 'agent' and segment_type = 'hold' and segment_end is not null

),

transfers as (

    select
        'genesys:transferred:' || session_metrics.metric_key as event_id,
        session_metrics.conversation_id,
        session_metrics.emitted_at as occurred_at,
        'transferred' as event_type,
        session_metrics.agent_id,
        'genesys:' || session_queues.queue_id as queue_id,
        session_metrics.agent_id as from_value,
        cast(null as text) as to_value,
        transfer_kinds.transfer_kind as reason
    from session_metrics
    left join session_queues
        on session_queues.session_id = session_metrics.session_id
        and session_queues.queue_rank = 1
    left join transfer_kinds
        on transfer_kinds.session_id = session_metrics.session_id
        and transfer_kinds.emitted_at = session_metrics.emitted_at
    where session_metrics.participant_role = 'agent'
        and session_metrics.metric_name = 'nTransferred'
        and session_metrics.metric_value > 0

),

unioned as (

    select * from ivr_entered
    union all
    select * from bot_started
    union all
    select * from handoffs
    union all
    select * from queued_from_acd
    union all
    select * from queued_from_customer
    union all
    select * from answered
    union all
    select * from abandoned
    union all
    select * from holds_started
    union all
    select * from holds_ended
    union all
    select * from transfers

)

select
    event_id,
    'genesys:' || conversation_id as interaction_id,
    occurred_at,
    event_type,
    agent_id,
    queue_id,
    from_value,
    to_value,
    reason
from unioned
