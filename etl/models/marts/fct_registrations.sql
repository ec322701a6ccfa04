-- One row per practice, 2021 LSOA (or explicit non-LSOA token) and quarter: registered patients.
-- 2011 codes are routed through the 2011 -> 2021 bridge; a split LSOA's patients are shared between
-- its parts in whole patients by largest remainder, so every published patient is counted once.
-- Where a release has all-persons rows they are used; sex-specific rows are summed only for a
-- release that has no all-persons rows (the -male and -female files without the -all file).
-- Only rows that can meet another row on the same key (sex-specific rows, and LSOAs touched by a
-- split or merge) go through the aggregation; the other 99% pass straight through.
with registrations as (
    select * from {{ ref('stg_nhs__registrations') }}
),

releases as (
    select
        file_id,
        quarter,
        lsoa_vintage,
        bool_or(has_all_persons) over (partition by quarter) as quarter_has_all
    from {{ ref('int_registrations__vintage') }}
),

bridge as (
    select * from {{ ref('int_lsoa11__lsoa21') }}
),

complex_targets as (
    -- 2021 LSOAs that receive patients from a split, or from more than one 2011 LSOA
    select lsoa21_code from bridge
    group by lsoa21_code
    having count(*) > 1 or max(parts) > 1
),

mapped as (
    select
        registrations.file_id,
        registrations.line,
        registrations.practice_code,
        registrations.quarter,
        registrations.extract_date,
        releases.lsoa_vintage,
        registrations.sex,
        registrations.patients,
        coalesce(bridge.lsoa21_code, registrations.lsoa_code) as lsoa_code,
        coalesce(bridge.parts, 1) as parts,
        coalesce(bridge.weight, 1.0) as weight
    from registrations
    inner join releases using (file_id)
    left join bridge
        on releases.lsoa_vintage = 2011 and registrations.lsoa_code = bridge.lsoa11_code
    where
        (releases.quarter_has_all and registrations.sex = 'ALL')
        or (not releases.quarter_has_all and registrations.sex in ('MALE', 'FEMALE'))
),

direct as (
    select
        practice_code,
        lsoa_code,
        quarter,
        extract_date,
        lsoa_vintage as published_lsoa_vintage,
        patients
    from mapped
    where sex = 'ALL' and parts = 1 and lsoa_code not in (select lsoa21_code from complex_targets)
),

to_combine as (
    select *
    from mapped
    where sex <> 'ALL' or parts > 1 or lsoa_code in (select lsoa21_code from complex_targets)
),

split_exact as (
    select
        *,
        floor(patients * weight)::integer as base,
        patients * weight - floor(patients * weight) as fraction
    from to_combine
),

allocated as (
    select
        practice_code,
        quarter,
        extract_date,
        lsoa_vintage,
        lsoa_code,
        base + case
            when
                row_number() over (partition by file_id, line order by fraction desc, lsoa_code)
                <= patients - sum(base) over (partition by file_id, line)
                then 1
            else 0
        end as patients
    from split_exact
),

combined as (
    select
        practice_code,
        lsoa_code,
        quarter,
        max(extract_date) as extract_date,
        max(lsoa_vintage) as published_lsoa_vintage,
        sum(patients)::integer as patients
    from allocated
    group by practice_code, lsoa_code, quarter
),

final as (
    select * from direct
    union all
    select * from combined
)

select * from final
