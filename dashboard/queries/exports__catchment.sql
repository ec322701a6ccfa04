-- The catchment of each selected council in its latest registrations release at or before the year's end:
-- its residents registered with a GP, those registered with practices based in another council, and the
-- practices serving its residents. One row per council (none when no release is that early).
with final as (
    select
        catchment.council_code,
        catchment.council_name,
        catchment.quarter,
        strftime(catchment.quarter, '%B %Y') as release,
        catchment.residents_registered as residents,
        catchment.residents_at_practices_elsewhere as residents_elsewhere,
        catchment.practices_serving
    from mart_catchment_council as catchment
    inner join
        selected_council_releases(
            $council, $locality, $sub_icb, $pcn, $practice, $period, group_practices := $group_practices
        ) as releases
        using (council_code, quarter)
)

select * from final
order by council_name
