-- One row: the scorer every customer sentiment figure reads, and why. The one place that choice is made.
--
-- The supervised scorer (etl.enrich.sentiment_training) is used only when its latest model was fitted and measured
-- better than the customer-service lexicon on its held-out labels (is_used_for_customers); otherwise the lexicon
-- (var('customer_sentiment_version')) keeps the figures. fallback_reason says why a model was not fitted; a
-- warehouse that never trained one has no model row, and the lexicon applies.
with models as (

    select * from {{ enriched('sentiment_models') }}

),

latest as (

    select * from models
    order by fitted_at desc, model_version desc
    limit 1

),

one_row as (

    select 1 as one

)

select
    case when latest.is_used_for_customers then latest.model_version
        else '{{ var("customer_sentiment_version") }}' end as customer_sentiment_version,
    case when latest.is_used_for_customers then 'supervised' else 'lexicon' end as customer_sentiment_scorer,
    latest.model_version as latest_model_version,
    coalesce(latest.is_fitted, false) as is_latest_model_fitted,
    latest.fallback_reason,
    latest.count_labels,
    latest.count_heldout_labels,
    latest.heldout_macro_f1,
    latest.heldout_macro_f1_lexicon
from one_row
left join latest
    on true
