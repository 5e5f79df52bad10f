-- One row per source system x week (Monday of the reporting day) x evidence rule of the metric catalog
-- (sql/metrics/evidence/rules.yml): the records in the rule's scope and those carrying the evidence it asks
-- for. Contacts are inbound customer contacts only: the brand's own outbound posts and calls are not contacts.
-- Every rule of rules.yml has one branch below, and every source-week with contacts has a row for every
-- contact rule (0 when no contact carries the evidence); the queue interval report has its own rows (its
-- intervals, by the week of their start; an interval without a start has a null week).
{%- set contact_rules = [
    ('contacts', 'true', 'true'),
    ('agent_reply', "channel <> 'voice'", "channel <> 'voice' and first_reply_calendar_seconds is not null"),
    ('queued', 'true', 'queued_at is not null'),
    ('talk_time', 'true', 'talk_seconds is not null'),
    ('hold_time', 'talk_seconds is not null', 'talk_seconds is not null and hold_seconds is not null'),
    ('transfer_events', 'true', 'count_transfers > 0'),
    ('escalation_events', 'true', 'is_escalated or count_transfers > 0'),
    ('solved', 'true', 'first_solved_at is not null'),
    ('reopen_events', 'first_solved_at is not null', 'first_solved_at is not null and count_reopens > 0'),
    ('sla_policy', 'true', 'has_settled_sla'),
    ('csat_survey', 'true', 'count_csat_responses > 0'),
    ('ces_survey', 'true', 'count_ces_responses > 0'),
    ('customer_messages', 'true', 'count_customer_messages > 0'),
    ('two_customer_messages', 'true', 'count_customer_messages >= 2'),
    ('unit_costs', 'true', 'has_unit_costs'),
    ('bot_sessions', 'true', "service_path <> 'human_only'"),
    ('handoffs', "service_path <> 'human_only'", "service_path = 'bot_to_human'"),
    ('customer_identity', 'true', "customer_key is not null and intent <> 'unclassified'"),
    ('open_work', 'true', "channel <> 'voice' and service_path <> 'bot_only' and not is_abandoned"),
    ('accounts', 'true', 'account_id is not null'),
] %}
with interactions as (

    select * from {{ ref('fct_interactions') }}
    where direction <> 'outbound'

),

surveys as (

    select * from {{ ref('int_surveys_rolled_up_to_interactions') }}

),

settled_slas as (

    select distinct interaction_id from {{ ref('fct_sla_events') }}
    where status in ('met', 'breached')

),

costed_channels as (

    select distinct channel from {{ seed('unit_costs') }}
    where cost_per_contact is not null

),

contacts as (

    select
        interactions.*,
        cast(date_trunc('week', cast(interactions.date_day as timestamp)) as date) as week_start,
        coalesce(surveys.count_csat_responses, 0) as count_csat_responses,
        coalesce(surveys.count_ces_responses, 0) as count_ces_responses,
        settled_slas.interaction_id is not null as has_settled_sla,
        costed_channels.channel is not null as has_unit_costs
    from interactions
    left join surveys
        on surveys.interaction_id = interactions.interaction_id
    left join settled_slas
        on settled_slas.interaction_id = interactions.interaction_id
    left join costed_channels
        on costed_channels.channel = interactions.channel

),

intervals as (

    select
        source_system,
        cast(date_trunc('week', interval_start) as date) as week_start
    from {{ ref('fct_queue_intervals') }}

)
{%- for rule, scope, evidence in contact_rules %}

select
    source_system,
    week_start,
    '{{ rule }}' as evidence_rule,
    cast(count(case when {{ scope }} then 1 end) as bigint) as count_in_scope,
    cast(count(case when {{ evidence }} then 1 end) as bigint) as count_with_evidence
from contacts
group by source_system, week_start

union all
{%- endfor %}

select
    source_system,
    week_start,
    'queue_interval_report' as evidence_rule,
    cast(count(*) as bigint) as count_in_scope,
    cast(count(*) as bigint) as count_with_evidence
from intervals
group by source_system, week_start
