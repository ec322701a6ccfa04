-- One row per English LSOA of the councils the selection serves in the quarter (the serve rule of
-- mart_catchment_council applied to the selection's list: at least serve_min_share of it or
-- serve_min_patients patients): the selection's patients living there (0 for none), their share of
-- the selection's whole list, and the LSOA's council. Other councils are left out so that a handful
-- of patients living far away do not zoom the map out to all England; list_patients and the
-- patients column let the page say how many patients that leaves out.
with practices as (
    select practice_code from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

registrations as (
    select
        registrations.lsoa_code,
        sum(registrations.patients) as patients
    from fct_registrations as registrations
    inner join practices using (practice_code)
    where registrations.quarter = $quarter
    group by registrations.lsoa_code
),

list_size as (
    select sum(patients) as list_patients from registrations
),

lsoas as (
    select
        lsoa_code,
        lsoa_name,
        council_code,
        council_name
    from dim_lsoa
    where country = 'England' and council_code is not null
),

thresholds as (
    select
        max(value) filter (where name = 'serve_min_share') as min_share,
        max(value) filter (where name = 'serve_min_patients') as min_patients
    from meta_method
),

by_council as (
    select
        lsoas.council_code,
        sum(registrations.patients) as patients
    from registrations
    inner join lsoas using (lsoa_code)
    group by lsoas.council_code
),

served as (
    select by_council.council_code
    from by_council, list_size, thresholds
    where
        by_council.patients >= thresholds.min_patients
        or by_council.patients / list_size.list_patients >= thresholds.min_share
),

final as (
    select
        lsoas.lsoa_code,
        lsoas.lsoa_name,
        lsoas.council_name,
        coalesce(registrations.patients, 0)::integer as patients,
        coalesce(registrations.patients, 0) / list_size.list_patients as share,
        list_size.list_patients::integer as list_patients
    from lsoas
    inner join served using (council_code)
    left join registrations using (lsoa_code)
    cross join list_size
)

select * from final
order by patients desc, lsoa_code
