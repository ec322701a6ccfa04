-- Social care events (clients aged 65+) per practice, council and month. Clients whose registered
-- practice the council does not know stay in the council's totals under practice 'UNKNOWN'.
select
    coalesce(events.practice_code, 'UNKNOWN') as practice_code,
    events.council_code,
    councils.council_name,
    events.event_month,
    events.event,
    events.clients
from {{ ref('stg_local__social_care_events') }} as events
left join {{ ref('dim_council') }} as councils on events.council_code = councils.council_code
