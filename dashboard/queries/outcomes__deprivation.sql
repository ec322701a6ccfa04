-- One outcome measure over the selected financial year by practice deprivation decile
-- (mart_practice_deprivation): every ranked practice, grouped by its decile, pooled as everywhere else:
-- the decile's numerators over its denominators x the measure's multiplier, never a mean of rates.
-- practices_selected counts the selection's practices in each decile, for the chart to mark.
with indicator as (
    select multiplier from ref_indicators
    where indicator_id = $measure
),

chosen as (
    select practice_code
    from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

year_values as (
    -- the year's sums, made by the build (mart_outcomes_practice_year)
    select
        practice_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from mart_outcomes_practice_year
    where
        measure_id = $measure
        and financial_year = $period
    group by practice_code
),

by_decile as (
    select
        deprivation.deprivation_decile,
        count(*) as practices,
        count(*) filter (where deprivation.practice_code in (select practice_code from chosen)) as practices_selected,
        sum(year_values.numerator) as numerator,
        sum(year_values.denominator) as denominator,
        min(deprivation.imd_score) as imd_score_low,
        max(deprivation.imd_score) as imd_score_high
    from mart_practice_deprivation as deprivation
    inner join year_values using (practice_code)
    where deprivation.deprivation_decile is not null
    group by deprivation.deprivation_decile
),

final as (
    select
        *,
        (select multiplier from indicator) * numerator / nullif(denominator, 0) as rate
    from by_decile
)

select * from final
order by deprivation_decile
