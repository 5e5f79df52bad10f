-- One row per channel x reporting day: the daily demand that needs a person up to the last complete day
-- (int_volume_history_daily) and, after it, the latest volume forecast under the current model version
-- (etl/enrich/volume_forecast.py) with its 80% and 95% prediction intervals, the model chosen and its
-- holdout error. Prediction intervals are not additive: they hold at this grain only.
with history as (

    select * from {{ ref('int_volume_history_daily') }}

),

forecast_runs as (

    select *
    from {{ enriched('volume_forecast') }}
    where model_version = '{{ var('volume_forecast_version') }}'

),

latest_run as (

    select max(run_id) as run_id from forecast_runs

),

forecast as (

    select forecast_runs.*
    from forecast_runs
    inner join latest_run
        on latest_run.run_id = forecast_runs.run_id

),

joined as (

    select
        coalesce(history.channel, forecast.channel) as channel,
        coalesce(history.date_day, forecast.date_day) as date_day,
        history.date_day is null as is_forecast,
        history.count_contacts_offered,
        forecast.forecast_contacts,
        forecast.lower_80,
        forecast.upper_80,
        forecast.lower_95,
        forecast.upper_95,
        forecast.model_name,
        forecast.holdout_mase,
        forecast.holdout_mape,
        forecast.selection_reason,
        forecast.model_version,
        forecast.fitted_at,
        forecast.run_id
    from history
    full outer join forecast
        on forecast.channel = history.channel
        and forecast.date_day = history.date_day

)

select
    channel,
    date_day,
    cast(date_trunc('week', cast(date_day as timestamp)) as date) as week_start,
    cast(extract(isodow from date_day) as integer) as iso_day_of_week,
    is_forecast,
    count_contacts_offered,
    forecast_contacts,
    lower_80,
    upper_80,
    lower_95,
    upper_95,
    model_name,
    holdout_mase,
    holdout_mape,
    selection_reason,
    model_version,
    fitted_at,
    run_id
from joined
