-- One row: which scorer the customer sentiment figures use and why (int_customer_sentiment_scorer), for the app.
with scorer as (

    select * from {{ ref('int_customer_sentiment_scorer') }}

)

select * from scorer
