-- The units the comparator pools, one row per measure and unit over the year's months, so a download can
-- check them for overdispersion as the pages' funnels do (etl/stats/funnels.py): with $residents, each
-- council's residents; otherwise each practice based in the selected practices' council(s).
with measures as (
    select indicator_id as measure_id
    from ref_indicators
    where indicator_id in (select measure_id from headline_measures())
),

councils as (
    select council_code from selected_councils($council, $locality, $sub_icb, $pcn, $practice)
),

outcomes as (
    select measure_id, council_code as unit_code, period_type, period_start, numerator, denominator
    from mart_outcomes_council
    where $residents

    union all

    select measure_id, practice_code as unit_code, period_type, period_start, numerator, denominator
    from mart_outcomes_practice
    where not $residents
        and practice_code in (
            select practice_code from dim_practice where home_council_code in (select council_code from councils))
),

final as (
    select
        measures.measure_id,
        outcomes.unit_code,
        sum(outcomes.numerator) as numerator,
        sum(outcomes.denominator) as denominator
    from measures
    inner join outcomes using (measure_id)
    where outcomes.period_type = 'month'
        and outcomes.period_start between period_first_day($period) and period_last_day($period)
    group by all
    having sum(outcomes.denominator) > 0
)

select * from final
order by measure_id, unit_code
