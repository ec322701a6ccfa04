-- Headline measures for the selection: the year's rate and the rate over the same months a year
-- earlier (so a part year compares like with like), and the monthly series to the end of the year.
-- $residents true: the residents of the selected councils (council figures, with practice activity
-- apportioned by where patients live); false: the patients of the selected practices.
-- Rates are sum(numerator) / sum(denominator), never a mean of rates.
with measures as (
    select
        indicator_id as measure_id,
        name,
        unit,
        multiplier,
        polarity
    from ref_indicators
    where indicator_id in (select measure_id from headline_measures())
),

-- only one branch returns rows: the other's filter is false for every row
outcomes as (
    select
        measure_id,
        period_type,
        period_start,
        numerator,
        denominator
    from mart_outcomes_council
    where
        $residents
        and council_code in (
            select council_code from selected_councils(
                $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
            )
        )

    union all

    select
        measure_id,
        period_type,
        period_start,
        numerator,
        denominator
    from mart_outcomes_practice
    where
        not $residents
        and practice_code in (
            select practice_code from selected_practices(
                $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
                group_practices := $group_practices
            )
        )
),

monthly as (
    select
        outcomes.measure_id,
        outcomes.period_start,
        sum(outcomes.numerator) as numerator,
        sum(outcomes.denominator) as denominator
    from outcomes
    where
        outcomes.period_type = 'month'
        and outcomes.measure_id in (select measure_id from measures)
        and outcomes.period_start <= period_last_day($period)
    group by all
)

select
    measures.measure_id,
    measures.name,
    measures.unit,
    measures.polarity,
    measures.multiplier,
    monthly.period_start,
    monthly.numerator,
    monthly.denominator,
    monthly.numerator / nullif(monthly.denominator, 0) * measures.multiplier as rate,
    monthly.period_start >= period_first_day($period) as in_period
from measures
inner join monthly using (measure_id)
order by measures.measure_id, monthly.period_start
