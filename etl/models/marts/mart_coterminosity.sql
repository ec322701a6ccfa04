-- One row per PCN or sub-ICB, quarter and kind of council area (upper-tier council, or council
-- locality): the best-matching area and the coterminosity score, the share of the organisation's
-- patients living inside it. Patients with unknown residence or outside England are left out of
-- the denominator; for localities the denominator is patients living in LSOAs that have a locality,
-- and locality_coverage says what share of known-residence patients that is.
-- Organisations are grouped by their practices' current PCN and sub-ICB (dim_practice).
with registrations as (
    select
        practice_code,
        quarter,
        lsoa_code,
        patients
    from {{ ref('fct_registrations') }}
),

lsoas as (
    select
        lsoa_code,
        council_code,
        council_name,
        locality_code,
        locality_name
    from {{ ref('dim_lsoa') }}
    where country = 'England' and council_code is not null
),

practices as (
    select
        practice_code,
        pcn_code,
        sub_icb_code
    from {{ ref('dim_practice') }}
),

resident as materialized (
    -- aggregated once to org x area x quarter; every branch below reads this small table
    select
        registrations.quarter,
        sum(registrations.patients) as patients,
        practices.pcn_code,
        practices.sub_icb_code,
        lsoas.council_code,
        lsoas.council_name,
        lsoas.locality_code,
        lsoas.locality_name
    from registrations
    inner join lsoas using (lsoa_code)
    inner join practices using (practice_code)
    group by all
),

by_area as (
    select
        'pcn' as org_type,
        pcn_code as org_code,
        quarter,
        'council' as area_type,
        council_code as area_code,
        any_value(council_name) as area_name,
        sum(patients) as patients
    from resident
    where pcn_code is not null
    group by all
    union all
    select
        'sub_icb',
        sub_icb_code,
        quarter,
        'council',
        council_code,
        any_value(council_name),
        sum(patients)
    from resident
    where sub_icb_code is not null
    group by all
    union all
    select
        'pcn',
        pcn_code,
        quarter,
        'locality',
        locality_code,
        any_value(locality_name),
        sum(patients)
    from resident
    where pcn_code is not null and locality_code is not null
    group by all
    union all
    select
        'sub_icb',
        sub_icb_code,
        quarter,
        'locality',
        locality_code,
        any_value(locality_name),
        sum(patients)
    from resident
    where sub_icb_code is not null and locality_code is not null
    group by all
),

known as (
    select
        'pcn' as org_type,
        pcn_code as org_code,
        quarter,
        sum(patients) as patients_known
    from resident
    where pcn_code is not null
    group by all
    union all
    select
        'sub_icb',
        sub_icb_code,
        quarter,
        sum(patients)
    from resident
    where sub_icb_code is not null
    group by all
),

ranked as (
    select
        *,
        sum(patients) over (partition by org_type, org_code, quarter, area_type) as patients_in_areas,
        count(*) over (partition by org_type, org_code, quarter, area_type) as areas_with_patients
    from by_area
    qualify row_number() over (
        partition by org_type, org_code, quarter, area_type order by patients desc, area_code
    ) = 1
),

final as (
    select
        ranked.org_type,
        ranked.org_code,
        ranked.quarter,
        ranked.area_type,
        ranked.area_code as best_area_code,
        ranked.area_name as best_area_name,
        ranked.patients::integer as patients_in_best_area,
        ranked.patients_in_areas::integer as patients_in_areas,
        ranked.patients / ranked.patients_in_areas as coterminosity,
        ranked.areas_with_patients::integer as areas_with_patients,
        case when ranked.area_type = 'locality' then ranked.patients_in_areas / known.patients_known end
            as locality_coverage
    from ranked
    inner join known using (org_type, org_code, quarter)
)

select * from final
