{#- The standard grain of the daily marts: one row per reporting day x channel x source system x queue x team
    x intent x intent basis x segment x service path: the grain the catalog's metrics are read at. -#}

{%- macro standard_grain_columns() -%}
date_day, channel, source_system, queue_id, queue_name, team_name, intent, intent_basis, segment, service_path
{%- endmacro %}
