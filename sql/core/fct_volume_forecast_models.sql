-- One row per channel x candidate forecasting model of the latest volume-forecast run under the current model
-- version: its error over the holdout (MASE, which chose the model; MAPE over days with contacts beside it),
-- whether it was chosen, and why it could not be fitted when it could not.
with runs as (

    select *
    from {{ enriched('volume_forecast_models') }}
    where model_version = '{{ var('volume_forecast_version') }}'

),

latest_run as (

    select max(run_id) as run_id from runs

)

select
    runs.channel,
    runs.model_name,
    runs.is_chosen,
    runs.holdout_days,
    runs.holdout_mase,
    runs.holdout_mape,
    runs.fit_error,
    runs.model_version,
    runs.fitted_at,
    runs.run_id
from runs
inner join latest_run
    on latest_run.run_id = runs.run_id
