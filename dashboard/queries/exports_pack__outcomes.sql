-- The headline outcome measures of every practice serving $council (as exports_pack__practices) over the
-- months of $period: numerator, denominator and rate (sum over sum x the indicator's multiplier), with the
-- measure's name, unit and polarity, and the council's residents' rate over the same months as comparator.
-- One row per practice and measure with any month in the year.
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

practice_year as (
    select
        outcomes.practice_code,
        outcomes.measure_id,
        count(*) as months,
        sum(outcomes.numerator) as numerator,
        sum(outcomes.denominator) as denominator
    from mart_outcomes_practice as outcomes
    inner join pack_serving_practices($council, $period) using (practice_code)
    where
        outcomes.period_type = 'month'
        and outcomes.period_start between period_first_day($period) and period_last_day($period)
        and outcomes.measure_id in (select measure_id from measures)
    group by all
),

council_year as (
    select
        outcomes.measure_id,
        sum(outcomes.numerator) / nullif(sum(outcomes.denominator), 0) as council_ratio
    from mart_outcomes_council as outcomes
    where
        outcomes.council_code = $council
        and outcomes.period_type = 'month'
        and outcomes.period_start between period_first_day($period) and period_last_day($period)
    group by all
),

final as (
    select
        practice_year.practice_code,
        measures.measure_id,
        measures.name,
        measures.unit,
        measures.polarity,
        measures.multiplier,
        practice_year.months,
        practice_year.numerator,
        practice_year.denominator,
        practice_year.numerator / nullif(practice_year.denominator, 0) * measures.multiplier as rate,
        council_year.council_ratio * measures.multiplier as council_rate
    from practice_year
    inner join measures using (measure_id)
    left join council_year using (measure_id)
)

select * from final
order by practice_code, measure_id
