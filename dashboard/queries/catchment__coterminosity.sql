-- One row per PCN and sub-ICB with practices in the selection, for the quarter: the best-matching
-- social care council and council locality and the share of the organisation's patients living
-- inside each (its coterminosity, mart_coterminosity), and the share of its patients living in
-- LSOAs that belong to a locality.
with practices as (
    select
        details.pcn_code,
        details.sub_icb_code
    from dim_practice as details
    where details.practice_code in (
        select practice_code from selected_practices(
            $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
            group_practices := $group_practices
        )
    )
),

organisations as (
    select distinct
        'pcn' as org_type,
        pcn_code as org_code
    from practices
    where pcn_code is not null
    union
    select distinct
        'sub_icb',
        sub_icb_code
    from practices
    where sub_icb_code is not null
),

scores as (
    select scores.*
    from mart_coterminosity as scores
    inner join organisations using (org_type, org_code)
    where scores.quarter = $quarter
),

names as (
    select
        'pcn' as org_type,
        pcn_code as org_code,
        pcn_name as org_name
    from dim_pcn
    union all
    select
        'sub_icb',
        sub_icb_code,
        sub_icb_name
    from dim_sub_icb
),

final as (
    select
        scores.org_type,
        scores.org_code,
        coalesce(any_value(names.org_name), scores.org_code) as org_name,
        max(scores.patients_in_areas) filter (where scores.area_type = 'council') as patients,
        any_value(scores.best_area_name) filter (where scores.area_type = 'council') as best_council_name,
        max(scores.coterminosity) filter (where scores.area_type = 'council') as council_coterminosity,
        max(scores.areas_with_patients) filter (where scores.area_type = 'council') as councils_with_patients,
        any_value(scores.best_area_name) filter (where scores.area_type = 'locality') as best_locality_name,
        max(scores.coterminosity) filter (where scores.area_type = 'locality') as locality_coterminosity,
        max(scores.locality_coverage) filter (where scores.area_type = 'locality') as locality_coverage
    from scores
    left join names using (org_type, org_code)
    group by scores.org_type, scores.org_code
)

select * from final
order by org_type, council_coterminosity, org_code
