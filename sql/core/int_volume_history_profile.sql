-- One row per channel x ISO weekday x interval of the day that received contacts in the profile window (the
-- last [capacity] profile_weeks weeks of the channel's own complete days): the share of that weekday's contacts arriving in that
-- interval. The volume forecast's daily figure is spread over the day by these shares; an interval absent
-- here gets none (shares of a channel and weekday sum to 1).
with intervals as (

    select * from {{ ref('int_volume_history_intervals') }}

),

daily as (

    select * from {{ ref('int_volume_history_daily') }}

),

bounds as (

    select channel, max(date_day) as last_complete_day from daily group by channel

),

recent as (

    select intervals.*
    from intervals
    inner join bounds
        on bounds.channel = intervals.channel
    where intervals.date_day > bounds.last_complete_day - 7 * {{ var('capacity_profile_weeks') }}
        and intervals.count_contacts_offered > 0

),

by_slot as (

    select channel, iso_day_of_week, interval_of_day, sum(count_contacts_offered) as count_contacts_offered
    from recent
    group by channel, iso_day_of_week, interval_of_day

),

by_weekday as (

    select channel, iso_day_of_week, sum(count_contacts_offered) as count_weekday_contacts
    from by_slot
    group by channel, iso_day_of_week

)

select
    by_slot.channel,
    by_slot.iso_day_of_week,
    by_slot.interval_of_day,
    cast(by_slot.count_contacts_offered as bigint) as count_contacts_offered,
    cast(by_weekday.count_weekday_contacts as bigint) as count_weekday_contacts,
    cast(by_slot.count_contacts_offered as double precision)
        / cast(by_weekday.count_weekday_contacts as double precision) as share_of_day
from by_slot
inner join by_weekday
    on by_weekday.channel = by_slot.channel
    and by_weekday.iso_day_of_week = by_slot.iso_day_of_week
