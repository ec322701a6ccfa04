-- One row per practice with a registration release: the council locality where most of its
-- patients live in its latest release. The dashboard's locality filter selects practices by it,
-- because practices have no locality of their own (localities are drawn by councils from LSOAs).
with latest as (
    select
        practice_code,
        max(quarter) as quarter
    from {{ ref('fct_registrations') }}
    group by practice_code
),

by_locality as (
    select
        registrations.practice_code,
        lsoas.locality_code,
        any_value(lsoas.locality_name) as locality_name,
        any_value(lsoas.council_code) as council_code,
        sum(registrations.patients) as patients
    from {{ ref('fct_registrations') }} as registrations
    inner join latest using (practice_code, quarter)
    inner join {{ ref('dim_lsoa') }} as lsoas on registrations.lsoa_code = lsoas.lsoa_code
    where lsoas.locality_code is not null
    group by registrations.practice_code, lsoas.locality_code
),

list_sizes as (
    select
        registrations.practice_code,
        sum(registrations.patients) as patients
    from {{ ref('fct_registrations') }} as registrations
    inner join latest using (practice_code, quarter)
    group by registrations.practice_code
),

ranked as (
    select
        *,
        row_number() over (partition by practice_code order by patients desc, locality_code) as rank_in_practice
    from by_locality
)

select
    ranked.practice_code,
    latest.quarter,
    ranked.locality_code as main_locality_code,
    ranked.locality_name as main_locality_name,
    ranked.council_code as main_locality_council_code,
    ranked.patients::integer as patients_in_main_locality,
    ranked.patients / list_sizes.patients as share_in_main_locality
from ranked
inner join latest using (practice_code)
inner join list_sizes using (practice_code)
where ranked.rank_in_practice = 1
