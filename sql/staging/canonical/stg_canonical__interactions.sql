-- One row per interaction: the latest version by updated_at.
with source as (

    select * from {{ source('canonical', 'interactions') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by interaction_id
            order by updated_at desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

renamed as (

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
        cast(talk_seconds as double precision) as talk_seconds,
        cast(hold_seconds as double precision) as hold_seconds,
        cast(acw_seconds as double precision) as acw_seconds,
        cast(null as double precision) as queue_wait_seconds,
        cast(null as bigint) as stated_count_reopens,
        cast(null as text) as account_id,
        false as times_are_synthetic
    from ranked
    where version_rank = 1

)

select * from renamed
