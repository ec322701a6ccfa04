-- What councils are compared on to find each one's peers (etl/stats/peers.py), at the latest registration
-- release: how many residents are registered, the share aged 65 and over, and the share registered with
-- a practice based in another council. Councils without registered residents that release are left out.
with latest as (
    select max(quarter) as quarter from {{ ref('mart_catchment_council') }}
),

catchment as (
    select
        catchment.council_code,
        catchment.council_name,
        catchment.quarter,
        catchment.share_at_practices_elsewhere
    from {{ ref('mart_catchment_council') }} as catchment
    inner join latest using (quarter)
),

population as (
    select * from {{ ref('int_council_quarter__population') }}
)

select
    catchment.council_code,
    catchment.council_name,
    catchment.quarter,
    population.residents,
    population.residents_65_plus::double / population.residents as share_65_plus,
    catchment.share_at_practices_elsewhere
from catchment
inner join population using (council_code, quarter)
where population.residents > 0 and population.residents_65_plus is not null
order by catchment.council_code
