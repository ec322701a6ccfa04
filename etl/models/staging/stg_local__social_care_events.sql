-- Council extracts of social care events by the client's registered GP practice, typed.
with valid as (
    select * from {{ valid_rows('social_care_events') }}
),

months as (
    select
        published,
        parse_month(published) as event_month
    from (select distinct event_month as published from {{ source('social_care_events') }}) as spellings
)

select
    valid.file_id,
    valid.line,
    upper(trim(valid.council_code)) as council_code,
    nullif(trim(valid.council_name), '') as council_name,
    months.event_month,
    nullif(upper(trim(valid.practice_code)), '') as practice_code,
    case label_key(valid.event)
        when 'permanent admission - residential' then 'residential_admission'
        when 'permanent admission - nursing' then 'nursing_admission'
        when 'reablement start' then 'reablement_start'
        when 'at home 91 days after reablement' then 'at_home_91_days'
    end as event,
    try_cast(trim(valid.clients) as integer) as clients
from valid
inner join months on valid.event_month = months.published
