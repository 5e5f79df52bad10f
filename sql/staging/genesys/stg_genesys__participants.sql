-- One row per participant of a Genesys conversation: the latest version by export batch.
with source as (

    select * from {{ source('genesys', 'participants') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by participant_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

    select
        participant_id,
        conversation_id,
        conversation_start,
        cast(participant_seq as bigint) as participant_seq,
        lower(purpose) as purpose,
        trim(participant_name) as participant_name,
        user_id,
        external_contact_id,
        external_organization_id,
        team_id
    from ranked
    where version_rank = 1

)

select * from renamed
