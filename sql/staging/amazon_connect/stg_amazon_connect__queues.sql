-- One row per queue seen on a contact (Queue.ARN, else Queue.Name). A Connect queue may serve several
-- channels; the canonical queue has one, taken from the latest contact routed to it.
with legs as (

    select * from {{ ref('stg_amazon_connect__contact_legs') }}

),

ranked as (

    select
        queue_id,
        queue_name,
        channel,
        updated_at,
        row_number() over (partition by queue_id order by updated_at desc, contact_id desc) as version_rank
    from legs
    where queue_id is not null

)

select
    queue_id,
    queue_name,
    channel,
    cast(null as text) as team_name,
    updated_at
from ranked
where version_rank = 1
