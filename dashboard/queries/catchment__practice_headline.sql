-- One row for the selection's practices in the quarter: their patients, those whose residence is
-- known (at practices with a home council), how many of those live under a social care council
-- other than their practice's home council (or outside England), and how many of the practices are
-- boundary practices (mart_catchment_practice).
with practices as (
    select practice_code from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

catchment as (
    select catchment.*
    from mart_catchment_practice as catchment
    inner join practices using (practice_code)
    where catchment.quarter = $quarter
),

final as (
    select
        count(*) as practices,
        count(*) filter (where is_boundary_practice) as boundary_practices,
        coalesce(sum(patients_total), 0)::bigint as patients,
        coalesce(sum(patients_total - patients_unknown_residence) filter (
            where home_council_code is not null
        ), 0)::bigint as patients_known_residence,
        coalesce(sum(patients_other_council + patients_outside_england) filter (
            where home_council_code is not null
        ), 0)::bigint as patients_elsewhere
    from catchment
)

select * from final
