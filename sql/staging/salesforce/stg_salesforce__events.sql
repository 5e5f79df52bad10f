-- One row per canonical event derived from a CaseHistory row; a re-delivered row keeps its latest copy.
-- Rules (one history row can yield more than one event; event_id = 'salesforce:' || history Id || ':' || type):
--   Field 'created'                        -> created
--   Field 'Status'                         -> status_changed (from OldValue, to NewValue), and also
--       solved   when NewValue is a closed status (Closed, "Closed - ...", Resolved, Solved) and OldValue is not,
--       reopened when OldValue is a closed status and NewValue is not,
--       escalated (reason status_escalated) when NewValue is Escalated
--   Field 'IsEscalated', NewValue true     -> escalated (reason case_flagged_escalated)
--   Field 'Owner' / 'ownerAssignment' / 'ownerAccepted', the row holding Ids (Salesforce writes a second row
--   with the display names, which is skipped):
--       to a User (Id prefix 005) from a queue (00G) or from nobody -> agent_assigned
--       any other change of owner (User to User, to a queue)        -> transferred
-- History rows about other fields yield no event.
with source as (

    select * from {{ source('salesforce', 'case_history') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by case_history_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

history as (

    select
        case_history_id,
        'salesforce:' || case_id as interaction_id,
        created_date as occurred_at,
        case when created_by_id like '005%' then 'salesforce:' || created_by_id end as changed_by_agent_id,
        field_name,
        old_value,
        new_value,
        lower(trim(new_value)) as new_key,
        coalesce(lower(trim(old_value)) in ('closed', 'resolved', 'solved')
            or lower(trim(old_value)) like 'closed %', false) as is_old_closed,
        coalesce(lower(trim(new_value)) in ('closed', 'resolved', 'solved')
            or lower(trim(new_value)) like 'closed %', false) as is_new_closed
    from ranked
    where version_rank = 1

),

created as (

    select
        case_history_id, interaction_id, occurred_at, 'created' as event_type, changed_by_agent_id as agent_id,
        cast(null as text) as queue_id, cast(null as text) as from_value, cast(null as text) as to_value,
        cast(null as text) as reason
    from history
    where field_name = 'created'

),

status_changes as (

    select
        case_history_id, interaction_id, occurred_at, 'status_changed' as event_type,
        changed_by_agent_id as agent_id, cast(null as text) as queue_id, old_value as from_value,
        new_value as to_value, cast(null as text) as reason
    from history
    where field_name = 'Status'

),

solves as (

    select
        case_history_id, interaction_id, occurred_at, 'solved' as event_type, changed_by_agent_id as agent_id,
        cast(null as text) as queue_id, old_value as from_value, new_value as to_value,
        cast(null as text) as reason
    from history
    where field_name = 'Status' and is_new_closed and not is_old_closed

),

reopens as (

    select
        case_history_id, interaction_id, occurred_at, 'reopened' as event_type, changed_by_agent_id as agent_id,
        cast(null as text) as queue_id, old_value as from_value, new_value as to_value,
        cast(null as text) as reason
    from history
    where field_name = 'Status' and is_old_closed and not is_new_closed

),

escalations as (

    select
        case_history_id, interaction_id, occurred_at, 'escalated' as event_type,
        changed_by_agent_id as agent_id, cast(null as text) as queue_id, old_value as from_value,
        new_value as to_value,
        case when field_name = 'Status' then 'status_escalated' else 'case_flagged_escalated' end as reason
    from history
    where (field_name = 'Status' and new_key = 'escalated')
        or (field_name = 'IsEscalated' and new_key = 'true')

),

owner_changes as (

    select
        case_history_id, interaction_id, occurred_at,
        case
            when new_value like '005%' and (old_value is null or old_value like '00G%') then 'agent_assigned'
            else 'transferred'
        end as event_type,
        case when new_value like '005%' then 'salesforce:' || new_value end as agent_id,
        cast(null as text) as queue_id,
        'salesforce:' || old_value as from_value,
        'salesforce:' || new_value as to_value,
        cast(null as text) as reason
    from history
    where field_name in ('Owner', 'ownerAssignment', 'ownerAccepted')
        and (new_value like '005%' or new_value like '00G%')

),

unioned as (

    select * from created
    union all
    select * from status_changes
    union all
    select * from solves
    union all
    select * from reopens
    union all
    select * from escalations
    union all
    select * from owner_changes

),

renamed as (

    select
        'salesforce:' || case_history_id || ':' || event_type as event_id,
        interaction_id,
        occurred_at,
        event_type,
        agent_id,
        queue_id,
        from_value,
        to_value,
        reason
    from unioned

)

select * from renamed
