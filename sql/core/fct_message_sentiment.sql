-- One row per scored message: its VADER compound and label under the version that applies to its author.
-- Customer messages carry the scorer every customer sentiment figure uses (int_customer_sentiment_scorer: the
-- supervised scorer where it measured better, else VADER + our lexicon); agent, bot and system messages the stock analyzer
-- (var('sentiment_analyzer_version')). A message not scored under its version (text changed since) is absent.
-- sentiment_label: a customer message's is cut from its compound at the active calibration's cut-offs
-- (negative below var('sentiment_negative_below'), positive above var('sentiment_positive_above'); VADER's
-- -0.05 / +0.05 shipped; etl/calibration.py); other authors' is the stock label at VADER's published cut-offs.
-- sentiment_label_version: the scorer's version, and for customer messages the calibration it was cut at.
-- vendor_sentiment_label is the source's own label for the same message (Contact Lens), when it has one.
with messages as (

    select * from {{ ref('fct_messages') }}

),

customer_scorer as (

    select customer_sentiment_version from {{ ref('int_customer_sentiment_scorer') }}

),

scores as (

    select * from {{ enriched('message_sentiment') }}
    where analyzer_version = '{{ var("sentiment_analyzer_version") }}'
        or analyzer_version in (select customer_sentiment_version from customer_scorer)

)

select
    messages.message_id,
    messages.interaction_id,
    messages.message_seq,
    messages.author_role,
    scores.compound,
    case
        when messages.author_role <> 'customer' then scores.sentiment_label
        when scores.compound < {{ var('sentiment_negative_below') }} then 'negative'
        when scores.compound > {{ var('sentiment_positive_above') }} then 'positive'
        else 'neutral'
    end as sentiment_label,
    scores.analyzer_version,
    case
        when messages.author_role = 'customer'
            then customer_scorer.customer_sentiment_version || '/calibration-{{ var("detector_calibration_version") }}'
        else scores.analyzer_version
    end as sentiment_label_version,
    messages.vendor_sentiment as vendor_sentiment_label
from messages
cross join customer_scorer
inner join scores
    on scores.message_id = messages.message_id
    and scores.text_hash = messages.text_hash
    and scores.analyzer_version = case
        when messages.author_role = 'customer' then customer_scorer.customer_sentiment_version
        else '{{ var("sentiment_analyzer_version") }}'
    end
