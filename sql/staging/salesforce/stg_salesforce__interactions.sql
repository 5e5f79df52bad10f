-- One row per Salesforce Case: the latest version by LastModifiedDate.
-- channel from Origin: Phone -> voice, Email -> email, Web -> ticket, Chat -> chat, Social/Twitter/Facebook ->
-- social; any other or no origin -> ticket. status from Status: New/Working/Escalated/Open/In Progress -> open;
-- On Hold/Pending/Waiting on Customer -> pending; Resolved/Solved -> solved; Closed (and "Closed - ...") ->
-- closed; any other status -> closed when IsClosed, else open. priority: Low -> low, Medium/Normal -> normal,
-- High -> high, Critical/Urgent -> urgent. The owner is the agent when it is a User (Id prefix 005); a case
-- owned by a queue (prefix 00G) has no agent, and no queue either since queues (Group) are not exported.
-- account_id: the case's own AccountId (Salesforce fills it from the contact, and a case may have an account and
-- no contact); ids in their 18-character form (etl/salesforce_ids.py), so a 15-character id from a report
-- finds its account exported by the API.
with source as (

    select * from {{ source('salesforce', 'cases') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by case_id
            order by last_modified_date desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

latest as (

    select
        *,
        lower(trim(origin)) as origin_key,
        lower(trim(status)) as status_key,
        lower(trim(priority)) as priority_key
    from ranked
    where version_rank = 1

),

renamed as (

    select
        'salesforce:' || case_id as interaction_id,
        case
            when origin_key = 'phone' then 'voice'
            when origin_key = 'email' then 'email'
            when origin_key = 'chat' then 'chat'
            when origin_key in ('social', 'twitter', 'facebook') then 'social'
            else 'ticket'
        end as channel,
        'salesforce:' || {{ salesforce_id_18('contact_id') }} as customer_id,
        cast(null as text) as queue_id,
        case when owner_id like '005%' then 'salesforce:' || owner_id end as agent_id,
        replace(lower(trim(reason)), ' ', '_') as intent,
        case
            when priority_key = 'low' then 'low'
            when priority_key in ('medium', 'normal') then 'normal'
            when priority_key = 'high' then 'high'
            when priority_key in ('critical', 'urgent') then 'urgent'
        end as priority,
        case
            when status_key in ('new', 'working', 'escalated', 'open', 'in progress') then 'open'
            when status_key in ('on hold', 'pending', 'waiting on customer') then 'pending'
            when status_key in ('resolved', 'solved') then 'solved'
            when status_key = 'closed' or status_key like 'closed %' then 'closed'
            when is_closed then 'closed'
            else 'open'
        end as status,
        created_date as created_at,
        last_modified_date as updated_at,
        closed_date as closed_at,
        subject,
        cast(null as text) as direction,
        cast(null as double precision) as talk_seconds,
        cast(null as double precision) as hold_seconds,
        cast(null as double precision) as acw_seconds,
        cast(null as double precision) as queue_wait_seconds,
        cast(null as bigint) as stated_count_reopens,
        'salesforce:' || {{ salesforce_id_18('account_id') }} as account_id,
        false as times_are_synthetic
    from latest

)

select * from renamed
