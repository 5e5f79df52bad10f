-- One row per calendar month x dimension (all, channel, segment, intent, team, queue) x member x metric that
-- has a target: the metric re-aggregated from its mart's additive columns (a ratio of sums), its target
-- (settings [targets], else the catalog's), and whether it met it. Generated from the metric catalog
-- (sql/metrics/*.yml), so a metric is defined once and every target-bearing metric is scored here.
-- A metric whose evidence no source carries in the month (marts.metric_evidence_coverage, weeks by the month of
-- their Monday) is not measured: no value, no verdict (is_target_met null), and its reason; never 0, never met.
{%- set metrics = catalog_metrics(with_target=True) %}
{%- set marts = metrics | map(attribute='mart_model') | unique | list %}
with
{%- for mart in marts %}
{%- set columns = [] %}
{%- for metric in metrics if metric.mart_model == mart %}
{%- do columns.append(metric.numerator) if metric.numerator not in columns %}
{%- if metric.denominator %}{% do columns.append(metric.denominator) if metric.denominator not in columns %}{% endif %}
{%- endfor %}

{{ mart }}_by_month as (

    select
        cast(date_trunc('month', cast(date_day as timestamp)) as date) as period_month,
        case
            when grouping(channel) = 0 then 'channel'
            when grouping(segment) = 0 then 'segment'
            when grouping(intent) = 0 then 'intent'
            when grouping(team_name) = 0 then 'team'
            when grouping(queue_name) = 0 then 'queue'
            else 'all'
        end as dimension,
        coalesce(channel, segment, intent, team_name, queue_name, 'all') as member,
        {%- for column in columns %}
        cast(sum({{ column }}) as double precision) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref(mart) }}
    group by grouping sets (
        (cast(date_trunc('month', cast(date_day as timestamp)) as date)),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), channel),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), segment),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), intent),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), team_name),
        (cast(date_trunc('month', cast(date_day as timestamp)) as date), queue_name)
    )

),
{%- endfor %}

coverage_by_month as (

    select
        cast(date_trunc('month', cast(week_start as timestamp)) as date) as period_month,
        metric_name,
        sum(count_with_evidence) > 0 as is_measured,
        max(not_measured_reason) as not_measured_reason
    from {{ ref('metric_evidence_coverage') }}
    group by cast(date_trunc('month', cast(week_start as timestamp)) as date), metric_name

),

scored as (
{%- for metric in metrics %}

    select
        period_month,
        dimension,
        member,
        '{{ metric.name }}' as metric_name,
        '{{ metric.kind }}' as metric_kind,
        '{{ metric.direction }}' as direction,
        {{ metric.numerator }} as numerator,
        {% if metric.denominator %}{{ metric.denominator }}{% else %}cast(null as double precision){% endif %}
            as denominator,
        {% if metric.denominator %}{{ metric.numerator }} / nullif({{ metric.denominator }}, 0)
        {%- else %}{{ metric.numerator }}{% endif %} as metric_value,
        cast({{ metric.target }} as double precision) as target_value,
        {{ metric.min_cases }} as min_cases
    from {{ metric.mart_model }}_by_month
    {{ "union all" if not loop.last }}
{%- endfor %}

)

select
    scored.period_month,
    scored.dimension,
    scored.member,
    scored.metric_name,
    scored.metric_kind,
    scored.direction,
    scored.numerator,
    scored.denominator,
    case when coalesce(coverage_by_month.is_measured, true) then scored.metric_value end as metric_value,
    scored.target_value,
    case
        when not coalesce(coverage_by_month.is_measured, true) then null
        when scored.metric_value is null then null
        when scored.direction = 'lower_is_better' then scored.metric_value <= scored.target_value
        else scored.metric_value >= scored.target_value
    end as is_target_met,
    coalesce(scored.denominator, scored.numerator, 0) < scored.min_cases as is_thin,
    coalesce(coverage_by_month.is_measured, true) as is_measured,
    case when not coalesce(coverage_by_month.is_measured, true) then coverage_by_month.not_measured_reason end
        as not_measured_reason
from scored
left join coverage_by_month
    on coverage_by_month.period_month = scored.period_month
    and coverage_by_month.metric_name = scored.metric_name
