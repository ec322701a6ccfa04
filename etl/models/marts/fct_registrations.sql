-- One row per practice, 2021 LSOA (or explicit non-LSOA token) and quarter: registered patients.
-- 2011 codes are routed through the 2011 -> 2021 bridge; a split LSOA's patients are shared between
-- its parts in whole patients by largest remainder, so every published patient is counted once.
-- Where a release has all-persons rows they are used; sex-specific rows are summed only for a
-- release that has no all-persons rows (the -male and -female files without the -all file).
with registrations as (
    select * from stg_nhs__registrations
),

release_sexes as (
    select quarter, bool_or(sex = 'ALL') as has_all_persons
    from registrations
    group by quarter
),

chosen as (
    select registrations.*
    from registrations
    inner join release_sexes using (quarter)
    where (has_all_persons and sex = 'ALL') or (not has_all_persons and sex in ('MALE', 'FEMALE'))
),

with_vintage as (
    select chosen.*, vintage.lsoa_vintage
    from chosen
    left join int_registrations__vintage as vintage using (file_id)
),

mapped as (
    select
        with_vintage.file_id,
        with_vintage.line,
        with_vintage.practice_code,
        with_vintage.quarter,
        with_vintage.extract_date,
        with_vintage.lsoa_vintage,
        with_vintage.patients,
        coalesce(bridge.lsoa21_code, with_vintage.lsoa_code) as lsoa_code,
        coalesce(bridge.parts, 1) as parts,
        coalesce(bridge.weight, 1.0) as weight
    from with_vintage
    left join int_lsoa11__lsoa21 as bridge
        on with_vintage.lsoa_vintage = 2011 and with_vintage.lsoa_code = bridge.lsoa11_code
),

whole as (
    select practice_code, quarter, extract_date, lsoa_vintage, lsoa_code, patients
    from mapped
    where parts = 1
),

split_exact as (
    select *, floor(patients * weight)::integer as base, patients * weight - floor(patients * weight) as fraction
    from mapped
    where parts > 1
),

split_allocated as (
    select
        practice_code,
        quarter,
        extract_date,
        lsoa_vintage,
        lsoa_code,
        base + case
            when row_number() over (partition by file_id, line order by fraction desc, lsoa_code)
                <= patients - sum(base) over (partition by file_id, line) then 1
            else 0
        end as patients
    from split_exact
),

combined as (
    select * from whole
    union all
    select * from split_allocated
),

final as (
    select
        practice_code,
        lsoa_code,
        quarter,
        max(extract_date) as extract_date,
        max(lsoa_vintage) as published_lsoa_vintage,
        sum(patients)::integer as patients
    from combined
    group by practice_code, lsoa_code, quarter
)

select * from final
