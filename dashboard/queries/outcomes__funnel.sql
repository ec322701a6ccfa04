-- Practices to compare on a funnel plot for one monthly measure over the selected financial year:
-- each practice's numerator and denominator summed over the year's months (both known), whether it
-- is in the selection, and the name of the area shown (the practices of funnel_area_practices in
-- _macros.sql: for a practice, PCN or locality, the practices based in its council(s)).
-- Short column names keep the response small at England scale (6,300 practices).
with year_values as (
    -- the year's sums, made by the build (mart_outcomes_practice_year)
    select
        practice_code,
        numerator as num,
        denominator as den
    from mart_outcomes_practice_year
    where
        measure_id = $measure
        and period_type = 'month'
        and financial_year = $period
),

final as (
    select
        shown.practice_code as code,
        shown.practice_name as name,
        year_values.num,
        year_values.den,
        shown.is_selected as selected,
        shown.area_name as scope_name
    from
        funnel_area_practices(
            $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
            group_practices := $group_practices
        ) as shown
    inner join year_values using (practice_code)
)

select * from final
order by code
