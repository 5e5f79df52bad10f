-- One row per customer contact: what the customer had to do to get served (the inputs of the inferred effort
-- index, etl/enrich/effort.py and docs/effort.md) and the CES answers linked to the contact.
--
-- Every feature is 0 for a frictionless contact (first of its episode, no transfer, same channel, nothing
-- restated, no wait), so the model's intercept is the expected CES of such a contact:
--   prior_episode_contacts   contacts of the same episode before this one (episode_seq - 1)
--   count_transfers          transfers between queues or agents
--   is_channel_switch        the previous contact of the episode was on another channel
--   is_repeat_contact        not the first contact of its episode
--   is_restatement           after a bot handoff the customer repeated what they had told the bot
--                            (false when there was no handoff)
--   log_queue_wait_minutes   ln(1 + minutes waited in queue for a person), 0 when the contact never queued
--   log_first_reply_hours    ln(1 + calendar hours to the first public human reply), 0 without one
-- Waits enter as logarithms: they are heavy-tailed, and the tenth minute on hold costs less than the first.
with interactions as (

    select * from {{ ref('fct_interactions') }}
    -- the brand's own outbound posts and calls are not customer contacts
    where direction <> 'outbound'

),

episodes as (

    select * from {{ ref('int_contact_episodes') }}

),

restatements as (

    select interaction_id, bool_or(is_restatement) as is_restatement
    from {{ ref('int_handoff_restatements_thresholded') }}
    group by interaction_id

),

ces_answers as (

    select
        interaction_id,
        cast(count(*) as bigint) as count_ces_responses,
        sum(score) as sum_ces_score,
        sum(score * score) as sum_ces_score_squared,
        cast(count(case when score >= 5 then 1 end) as bigint) as count_ces_easy
    from {{ ref('fct_surveys') }}
    where survey_type = 'ces' and interaction_id is not null
    group by interaction_id

)

select
    interactions.interaction_id,
    interactions.date_day,
    cast(coalesce(episodes.episode_seq, 1) - 1 as bigint) as prior_episode_contacts,
    cast(coalesce(interactions.count_transfers, 0) as bigint) as count_transfers,
    coalesce(episodes.is_channel_switch, false) as is_channel_switch,
    coalesce(episodes.is_repeat_contact, false) as is_repeat_contact,
    coalesce(restatements.is_restatement, false) as is_restatement,
    interactions.queue_wait_seconds,
    interactions.first_reply_calendar_seconds,
    ln(1 + coalesce(cast(interactions.queue_wait_seconds as double precision), 0) / 60.0) as log_queue_wait_minutes,
    ln(1 + coalesce(cast(interactions.first_reply_calendar_seconds as double precision), 0) / 3600.0)
        as log_first_reply_hours,
    coalesce(ces_answers.count_ces_responses, 0) as count_ces_responses,
    cast(ces_answers.sum_ces_score as double precision) as sum_ces_score,
    cast(ces_answers.sum_ces_score_squared as double precision) as sum_ces_score_squared,
    coalesce(ces_answers.count_ces_easy, 0) as count_ces_easy,
    cast(ces_answers.sum_ces_score as double precision) / ces_answers.count_ces_responses as ces_score_mean
from interactions
left join episodes
    on episodes.interaction_id = interactions.interaction_id
left join restatements
    on restatements.interaction_id = interactions.interaction_id
left join ces_answers
    on ces_answers.interaction_id = interactions.interaction_id
