-- One row per source system x channel: when that source's own data ends (its latest creation, update or close of
-- a contact, outbound included). service_backlog_daily stops each source's backlog series there, so a source
-- whose export stopped long ago shows no backlog after its end.
select
    source_system,
    channel,
    max(greatest(
        created_at,
        coalesce(updated_at, created_at),
        coalesce(closed_at, created_at)
    )) as data_ended_at
from {{ ref('int_interactions_unioned') }}
group by source_system, channel
