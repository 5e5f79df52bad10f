-- One row per Salesforce Account: the latest version by LastModifiedDate.
-- segment: the custom field Segment__c when it names a segment (spelling normalised: "Mid-Market", "mid market",
-- "MidMarket" -> mid_market; "SMB", "Small Business" -> smb; "Enterprise" -> enterprise); otherwise the
-- AnnualRevenue band: at least 1,000,000,000 -> enterprise, at least 50,000,000 -> mid_market, below -> smb;
-- null when neither is known. arr_amount: ARR__c, else null (AnnualRevenue is company revenue, not ARR).
-- churned_on: Churn_Date__c; when only Churned__c = true, the date of LastModifiedDate. The id in its
-- 18-character form (a 15-character id gets its case checksum, etl/salesforce_ids.py). account_type: Account.Type
-- as Salesforce names it ("Customer - Direct", "Customer - Channel", "Prospect"...).
with source as (

    select * from {{ source('salesforce', 'accounts') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ salesforce_id_18('account_id') }}
            order by last_modified_date desc, _batch_id desc, _source_line desc
        ) as version_rank
    from source

),

latest as (

    select
        *,
        replace(replace(replace(lower(trim(segment__c)), '-', ''), '_', ''), ' ', '') as segment_key
    from ranked
    where version_rank = 1

),

renamed as (

    select
        'salesforce:' || {{ salesforce_id_18('account_id') }} as account_id,
        account_name,
        case
            when segment_key in ('enterprise', 'ent') then 'enterprise'
            when segment_key in ('midmarket', 'mid', 'mm') then 'mid_market'
            when segment_key in ('smb', 'smallbusiness', 'smallandmediumbusiness', 'small') then 'smb'
            when annual_revenue >= 1000000000 then 'enterprise'
            when annual_revenue >= 50000000 then 'mid_market'
            when annual_revenue >= 0 then 'smb'
        end as segment,
        industry,
        cast(arr__c as double precision) as arr_amount,
        cast(created_date as date) as started_on,
        coalesce(
            churn_date__c,
            case when churned__c then cast(last_modified_date as date) end
        ) as churned_on,
        last_modified_date as updated_at,
        nullif(trim(account_type), '') as account_type
    from latest

)

select * from renamed
