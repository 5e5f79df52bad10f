-- One row per business calendar x hour of business time x opening span covering part of that hour: the spans
-- a position on the calendar's business-time axis can fall in.
--
-- Positions are seconds of open time since the start of the horizon (int_business_intervals); bucket n holds
-- positions n * 3,600 to (n + 1) * 3,600. Walking a target forward (the moment `position + target` is reached)
-- is then an equality join on (calendar, bucket) plus a check among one or two candidates. A span lasts at most
-- one local day (25 hours on a fall-back day), so it touches at most 27 buckets.
with intervals as (

    select * from {{ ref('int_business_intervals') }}

),

offsets as (

    select cast(offset_series.bucket_offset as bigint) as bucket_offset
    from generate_series(0, 26) as offset_series(bucket_offset)

),

first_buckets as (

    select
        intervals.*,
        cast(floor(intervals.business_seconds_before / 3600) as bigint) as first_bucket,
        cast(floor((intervals.business_seconds_before + intervals.open_seconds) / 3600) as bigint) as last_bucket
    from intervals

)

select
    first_buckets.calendar_name,
    first_buckets.first_bucket + offsets.bucket_offset as position_bucket,
    first_buckets.opens_at,
    first_buckets.closes_at,
    first_buckets.open_seconds,
    first_buckets.business_seconds_before
from first_buckets
cross join offsets
where first_buckets.first_bucket + offsets.bucket_offset <= first_buckets.last_bucket
