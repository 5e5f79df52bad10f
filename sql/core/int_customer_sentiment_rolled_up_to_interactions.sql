-- One row per interaction with at least one scored customer message: the customer's tone over the contact.
--
-- Customer messages are read with the scorer int_customer_sentiment_scorer chose: the supervised scorer where it
-- measured better on its held-out labels, else the customer-service lexicon (VADER + our lexicon,
-- var('customer_sentiment_version')); both agree with people on support messages far better than stock VADER
-- (docs/sentiment_evaluation.md). Agent and bot turns are never part of these figures.
-- start / end: the first and last scored customer message (by message_seq); trend = end - start (positive:
-- the customer ended happier than they began). Started negative: start below VADER's -0.05 threshold
-- (var('sentiment_negative_below'), etl.enrich.sentiment.NEGATIVE_BELOW); recovered: started negative and
-- the last message is not negative (>= -0.05). A contact with one scored
-- message has start = end and trend 0, and cannot recover.
with customer_messages as (

    select * from {{ ref('fct_messages') }}
    where author_role = 'customer'

),

scores as (

    select * from {{ enriched('message_sentiment') }}
    where analyzer_version in (select customer_sentiment_version from {{ ref('int_customer_sentiment_scorer') }})

),

scored as (

    select
        customer_messages.interaction_id,
        scores.compound,
        row_number() over (
            partition by customer_messages.interaction_id
            order by customer_messages.message_seq, customer_messages.message_id
        ) as rank_from_start,
        row_number() over (
            partition by customer_messages.interaction_id
            order by customer_messages.message_seq desc, customer_messages.message_id desc
        ) as rank_from_end
    from customer_messages
    inner join scores
        on scores.message_id = customer_messages.message_id
        and scores.text_hash = customer_messages.text_hash

),

rolled_up as (

    select
        interaction_id,
        cast(count(*) as bigint) as count_scored_customer_messages,
        avg(compound) as customer_sentiment_mean,
        min(compound) as customer_sentiment_min,
        max(compound) as customer_sentiment_max,
        max(case when rank_from_start = 1 then compound end) as customer_sentiment_start,
        max(case when rank_from_end = 1 then compound end) as customer_sentiment_end
    from scored
    group by interaction_id

)

select
    interaction_id,
    count_scored_customer_messages,
    customer_sentiment_mean,
    customer_sentiment_min,
    customer_sentiment_max,
    customer_sentiment_start,
    customer_sentiment_end,
    customer_sentiment_end - customer_sentiment_start as customer_sentiment_trend,
    customer_sentiment_start < {{ var('sentiment_negative_below') }} as is_started_negative,
    customer_sentiment_start < {{ var('sentiment_negative_below') }}
        and customer_sentiment_end >= {{ var('sentiment_negative_below') }} as is_recovered
from rolled_up
