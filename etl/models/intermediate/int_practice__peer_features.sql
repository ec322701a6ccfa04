-- What practices are compared on to find each one's peers (etl/stats/peers.py), at the latest registration
-- release: list size, the share of patients aged 65 and over, and the share living under a council other
-- than the practice's home council. Practices without an age profile or a known residence that release are
-- left out (they cannot be placed).
with latest as (
    select max(quarter) as quarter from {{ ref('mart_catchment_practice') }}
),

catchment as (
    select
        catchment.practice_code,
        catchment.quarter,
        catchment.share_other_council
    from {{ ref('mart_catchment_practice') }} as catchment
    inner join latest using (quarter)
),

population as (
    select * from {{ ref('int_practice_quarter__population') }}
)

select
    catchment.practice_code,
    catchment.quarter,
    population.patients,
    population.patients_65_plus::double / population.patients as share_65_plus,
    catchment.share_other_council
from catchment
inner join population using (practice_code, quarter)
where
    population.patients > 0
    and population.patients_65_plus is not null
    and catchment.share_other_council is not null
order by catchment.practice_code
