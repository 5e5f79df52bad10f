-- One row per interaction x figure x basis that the source's own system computed (Zendesk Ticket Metrics,
-- Amazon Connect contact-record durations, Genesys Cloud conversation metrics), with its source system. The
-- vendor's figures, kept beside cxpulse's own for reconciliation (marts.reconciliation_*); no metric is
-- computed from them.
with vendor_figures as (

    select * from {{ ref('int_vendor_figures_unioned') }}

)

select
    interaction_id,
    source_system,
    figure_name,
    figure_basis,
    vendor_value,
    figure_unit,
    reported_at
from vendor_figures
