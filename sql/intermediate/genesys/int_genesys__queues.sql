-- One row per Genesys queue named in any segment. Its name is the participantName of an acd participant
-- that waited in it (the latest one), and its channel the canonical channel of that session's media.
with sessions as (

    select * from {{ ref('int_genesys__sessions_joined_to_participants') }}

),

segments as (

    select * from {{ ref('stg_genesys__segments') }}

),

ranked as (

    select
        'genesys:' || segments.queue_id as queue_id,
        case when sessions.participant_role = 'queue' then sessions.participant_name end as queue_name,
        sessions.channel,
        segments.conversation_start,
        row_number() over (
            partition by segments.queue_id
            order by
                case when sessions.participant_role = 'queue' then 0 else 1 end,
                segments.conversation_start desc,
                segments.segment_start desc,
                segments.segment_key desc
        ) as version_rank
    from segments
    inner join sessions
        on sessions.session_id = segments.session_id
    where segments.queue_id is not null

)

select
    queue_id,
    queue_name,
    channel,
    cast(null as text) as team_name,
    conversation_start as updated_at
from ranked
where version_rank = 1
