-- One row per message of a Case: its CaseComments and its EmailMessages; a re-delivered record keeps its latest
-- copy. A CaseComment is written by a User (author_role agent); it is public only when IsPublished is true
-- (Salesforce's default is false). An EmailMessage with Incoming = true is the customer's, otherwise the agent's
-- (author: the User who created it); its text is TextBody, else the Subject. Drafts (Status 5 or 'Draft') were
-- never sent and are left out; sent_at is MessageDate, else CreatedDate.
with comment_source as (

    select * from {{ source('salesforce', 'case_comments') }}

),

email_source as (

    select * from {{ source('salesforce', 'email_messages') }}

),

ranked_comments as (

    select
        *,
        row_number() over (
            partition by case_comment_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from comment_source

),

ranked_emails as (

    select
        *,
        row_number() over (
            partition by email_message_id
            order by _batch_id desc, _source_line desc
        ) as version_rank
    from email_source

),

comments as (

    select
        'salesforce:' || case_comment_id as message_id,
        'salesforce:' || parent_id as interaction_id,
        created_date as sent_at,
        'agent' as author_role,
        'salesforce:' || created_by_id as author_id,
        comment_body as message_text,
        coalesce(is_published, false) as is_public
    from ranked_comments
    where version_rank = 1

),

emails as (

    select
        'salesforce:' || email_message_id as message_id,
        'salesforce:' || parent_id as interaction_id,
        coalesce(message_date, created_date) as sent_at,
        case when is_incoming then 'customer' else 'agent' end as author_role,
        case when not coalesce(is_incoming, false) then 'salesforce:' || created_by_id end as author_id,
        coalesce(text_body, subject, '') as message_text,
        true as is_public
    from ranked_emails
    where version_rank = 1
        and lower(coalesce(email_status, '')) not in ('5', 'draft')
        and coalesce(message_date, created_date) is not null

),

unioned as (

    select * from comments
    union all
    select * from emails

)

select * from unioned
