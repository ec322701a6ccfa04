-- A practice's patients by the LSOA they live in (English and Welsh LSOAs only; closed and unknown
-- addresses are in the council split), in the registrations release the period uses (release_for_period),
-- with each LSOA's name and council and its share of the practice's list. One row per LSOA.
with releases as (
    select distinct quarter from fct_registrations
    where practice_code = $code
),

chosen as (
    select release_for_period(quarter, $period) as quarter
    from releases
),

registrations as (
    select
        registrations.lsoa_code,
        sum(registrations.patients)::bigint as patients
    from fct_registrations as registrations
    inner join chosen using (quarter)
    where registrations.practice_code = $code
    group by registrations.lsoa_code
),

final as (
    select
        registrations.lsoa_code,
        lsoas.lsoa_name,
        registrations.patients,
        -- share of the whole list, closed and unknown addresses included
        registrations.patients / (select sum(whole_list.patients) from registrations as whole_list) as share,
        coalesce(lsoas.council_name, 'outside England') as council_name
    from registrations
    inner join dim_lsoa as lsoas using (lsoa_code)
)

select * from final
order by patients desc, lsoa_code
