-- The practices serving each selected council's residents, in the council's latest registrations release at
-- or before the year's end: the residents registered with each practice, their share of the council's
-- registered residents and of the practice's list, and whether the practice is based in another council.
-- One row per council and practice, largest first.
with final as (
    select
        releases.council_code,
        catchment.council_name,
        shares.practice_code,
        dim.practice_name,
        dim.pcn_name,
        dim.home_council_name as home_council,
        (dim.home_council_code is distinct from releases.council_code) as based_elsewhere,
        shares.patients as residents,
        shares.patients / nullif(catchment.residents_registered, 0) as share,
        shares.share as share_of_list
    from
        selected_council_releases(
            $council, $locality, $sub_icb, $pcn, $practice, $period, group_practices := $group_practices
        ) as releases
    inner join mart_catchment_council as catchment using (council_code, quarter)
    inner join mart_practice_council_share as shares
        on shares.area_code = releases.council_code and shares.quarter = releases.quarter
    inner join dim_practice as dim on dim.practice_code = shares.practice_code
)

select * from final
order by council_name, residents desc, practice_name
