-- Each selected practice's rate of one outcome measure over the selected financial year (its months
-- pooled: sum(numerator) / sum(denominator) x multiplier; or the year's single ASCOF row), with
-- numerator, denominator, the mean coverage, its deprivation decile, and the rate of all the listed
-- practices pooled, for comparison. A single practice has nothing to be compared with, so its whole
-- PCN is listed instead.
-- Short column names keep the response small at England scale.
with indicator as (
    select multiplier from ref_indicators
    where indicator_id = $measure
),

practices as (
    select
        practices.practice_code,
        practices.practice_name,
        practices.pcn_name,
        deprivation.deprivation_decile
    from dim_practice as practices
    left join mart_practice_deprivation as deprivation using (practice_code)
    where case
        when $practice is not null
            then
                practices.pcn_code = (
                    select pcn_code from dim_practice
                    where practice_code = $practice
                )
                or practices.practice_code = $practice
        else practices.practice_code in (
            select practice_code from selected_practices(
                $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
                group_practices := $group_practices
            )
        )
    end
),

year_values as (
    -- the year's sums, made by the build (mart_outcomes_practice_year)
    select
        practice_code,
        numerator,
        denominator,
        coverage_total,
        coverage_periods,
        periods
    from mart_outcomes_practice_year
    where
        measure_id = $measure
        and financial_year = $period
),

per_practice as (
    select
        practices.practice_code,
        any_value(practices.practice_name) as practice_name,
        any_value(practices.pcn_name) as pcn_name,
        any_value(practices.deprivation_decile) as deprivation_decile,
        sum(year_values.numerator) as numerator,
        sum(year_values.denominator) as denominator,
        sum(year_values.coverage_total) / nullif(sum(year_values.coverage_periods), 0) as coverage,
        sum(year_values.periods)::bigint as periods
    from practices
    inner join year_values using (practice_code)
    group by practices.practice_code
),

pooled as (
    select
        *,
        (select multiplier from indicator) * numerator / nullif(denominator, 0) as rate,
        (select multiplier from indicator) * sum(numerator) over () / nullif(sum(denominator) over (), 0)
            as selection_rate
    from per_practice
),

final as (
    select
        practice_code as code,
        practice_name as name,
        pcn_name as pcn,
        deprivation_decile as dep,
        round(numerator, 1) as num,
        round(denominator, 1) as den,
        round(rate, 2) as rate,
        round(coverage, 3) as cov,
        periods,
        selection_rate,
        round(rate / nullif(selection_rate, 0) - 1, 4) as vs
    from pooled
)

select * from final
order by rate desc nulls last, name
