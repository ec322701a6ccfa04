-- The units the comparator pools, one row per measure and unit over the year's months, so a download can
-- check them for overdispersion as the pages' funnels do (etl/stats/funnels.py): with $residents, each
-- council's residents; otherwise each practice based in the selected practices' council(s); with $compare =
-- 'peers', the similar areas or practices (comparison_units).
select
    measure_id,
    unit_code,
    numerator,
    denominator
from
    comparison_units(
        $residents, $council, $locality, $sub_icb, $pcn, $practice, $period, compare := $compare,
        group_practices := $group_practices
    )
where denominator > 0
order by measure_id, unit_code
