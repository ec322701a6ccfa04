-- One row per boundary practice of the selection in the quarter (more than boundary_share_threshold
-- of its known-residence patients living under a social care council other than its home council,
-- mart_catchment_practice): its PCN, home council, list, that share, the councils it serves and the
-- largest other council (a council outside England counts: 'Outside England' when it is the only one).
with practices as (
    select practice_code from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

final as (
    select
        catchment.practice_code,
        coalesce(details.practice_name, catchment.practice_code) as practice_name,
        details.pcn_name,
        homes.council_name as home_council_name,
        catchment.patients_total,
        catchment.share_other_council,
        catchment.councils_served,
        coalesce(
            others.council_name,
            case when catchment.patients_outside_england > 0 then 'Outside England' end
        ) as largest_other_council_name,
        catchment.largest_other_council_share
    from mart_catchment_practice as catchment
    inner join practices using (practice_code)
    left join dim_practice as details using (practice_code)
    left join dim_council as homes on catchment.home_council_code = homes.council_code
    left join dim_council as others on catchment.largest_other_council_code = others.council_code
    where catchment.quarter = $quarter and catchment.is_boundary_practice
)

select * from final
order by share_other_council desc, practice_code
