-- One row per interaction with at least one scored customer message: the customer's tone over the contact.
with customer_messages as (

    select * from {{ ref('fct_messages') }}
    where author_role = 'customer'

),

scores as (

    select * from {{ enriched('message_sentiment') }}
    where analyzer_version = '{{ var("sentiment_analyzer_version") }}'

),

scored as (

    select
        customer_messages.interaction_id,
        scores.compound,
        row_number() over (
            partition by customer_messages.interaction_id
            order by customer_messages.message_seq
        ) as rank_from_start,
        row_number() over (
            partition by customer_messages.interaction_id
            order by customer_messages.message_seq desc
        ) as rank_from_end
    from customer_messages
    inner join scores
        on scores.message_id = customer_messages.message_id
        and scores.text_hash = customer_messages.text_hash

)

select
    interaction_id,
    count(*) as count_scored_customer_messages,
    avg(compound) as customer_sentiment_mean,
    min(compound) as customer_sentiment_min,
    max(case when rank_from_start = 1 then compound end) as customer_sentiment_start,
    max(case when rank_from_end = 1 then compound end) as customer_sentiment_end
from scored
group by interaction_id
