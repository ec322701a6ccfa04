-- The council of a practice pack ($council) in its latest registrations release at or before the end of
-- $period (else the earliest loaded): its residents registered with a GP, those at practices based in
-- another council, the practices serving its residents (mart_catchment_council's rule, etl/method.yml) and
-- whether the warehouse holds the fictional demo. One row; none when the code is not a council with
-- registrations.
with final as (
    select
        catchment.council_code,
        catchment.council_name,
        catchment.quarter,
        strftime(catchment.quarter, '%B %Y') as release,
        catchment.quarter > period_last_day($period) as release_after_period,
        catchment.residents_registered,
        catchment.residents_at_practices_elsewhere,
        catchment.practices_serving,
        catchment.practices_with_residents,
        coalesce((select bool_or(is_demo) from meta_build), false) as is_demo
    from mart_catchment_council as catchment
    inner join pack_release($council, $period) using (quarter)
    where catchment.council_code = $council
)

select * from final
