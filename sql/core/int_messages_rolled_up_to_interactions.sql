-- One row per interaction that has messages: who wrote how much, and when the first person replied.
with messages as (

    select * from {{ ref('fct_messages') }}

)

select
    interaction_id,
    min(case when author_role = 'customer' then sent_at end) as first_customer_message_at,
    min(case when author_role = 'agent' and is_public then sent_at end) as first_human_reply_at,
    max(case when author_role = 'bot' then sent_at end) as last_bot_message_at,
    count(case when author_role = 'customer' then 1 end) as count_customer_messages,
    count(case when author_role = 'agent' then 1 end) as count_agent_messages,
    count(case when author_role = 'bot' then 1 end) as count_bot_messages
from messages
group by interaction_id
