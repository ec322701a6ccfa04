-- Monthly rates of the outcome measures the profile draws (`practice_profile: true` in their definition
-- files, etl/indicators) up to the end of the period, for the practice and
-- for its PCN, home council and ICB as comparators. PCN and ICB rates add up their practices' numerators
-- and denominators (sum over sum, x the indicator's multiplier); the council's is its own mart row.
-- year_rate is each series' rate over the period's months (sum over sum, x multiplier), year_numerator
-- its count and year_denominator what it is out of (the page hides a rate worked out from a count of 1-4,
-- and a percentage that leaves 1-4 people out).
-- One row per measure, series and month.
with measures as (
    select
        indicator_id as measure_id,
        name as measure_name,
        unit,
        multiplier,
        source
    from ref_indicators
    where on_practice_profile
),

practice as (
    select * from dim_practice
    where practice_code = $code
),

-- only the practices of the practice's ICB are read (its PCN is among them)
neighbours as (
    select
        practice_code,
        pcn_code
    from dim_practice
    where icb_code = (select icb_code from practice) or practice_code = $code
),

months as (
    select
        outcomes.practice_code,
        neighbours.pcn_code,
        outcomes.measure_id,
        outcomes.period_start,
        outcomes.numerator,
        outcomes.denominator,
        outcomes.rate
    from mart_outcomes_practice as outcomes
    inner join neighbours using (practice_code)
    where
        outcomes.period_type = 'month' and outcomes.period_start <= period_last_day($period)
        and outcomes.measure_id in (select measure_id from measures)
),

this_practice as (
    select
        measure_id,
        period_start,
        1 as series_order,
        'This practice' as series,
        numerator,
        denominator,
        rate
    from months
    where practice_code = $code
),

pcn as (
    select
        months.measure_id,
        months.period_start,
        2,
        (select pcn_name from practice),
        sum(months.numerator),
        sum(months.denominator),
        sum(months.numerator) / nullif(sum(months.denominator), 0) * any_value(measures.multiplier)
    from months
    inner join measures using (measure_id)
    where months.pcn_code = (select pcn_code from practice)
    group by months.measure_id, months.period_start
),

council as (
    select
        outcomes.measure_id,
        outcomes.period_start,
        3,
        outcomes.council_name || ' (home council)',
        outcomes.numerator,
        outcomes.denominator,
        outcomes.rate
    from mart_outcomes_council as outcomes
    inner join measures using (measure_id)
    where
        outcomes.council_code = (select home_council_code from practice)
        and outcomes.period_type = 'month' and outcomes.period_start <= period_last_day($period)
),

icb as (
    select
        months.measure_id,
        months.period_start,
        4,
        'All practices in the ICB',
        sum(months.numerator),
        sum(months.denominator),
        sum(months.numerator) / nullif(sum(months.denominator), 0) * any_value(measures.multiplier)
    from months
    inner join measures using (measure_id)
    where (select icb_code from practice) is not null
    group by months.measure_id, months.period_start
),

final as (
    select
        series.measure_id,
        measures.measure_name,
        measures.unit,
        measures.source,
        series.period_start,
        series.series_order,
        series.series,
        series.numerator,
        series.denominator,
        series.rate,
        sum(case when series.period_start >= period_first_day($period) then series.numerator end)
            over (partition by series.measure_id, series.series)
        / nullif(sum(case when series.period_start >= period_first_day($period) then series.denominator end)
            over (partition by series.measure_id, series.series), 0)
        * measures.multiplier as year_rate,
        sum(case when series.period_start >= period_first_day($period) then series.numerator end)
            over (partition by series.measure_id, series.series) as year_numerator,
        sum(case when series.period_start >= period_first_day($period) then series.denominator end)
            over (partition by series.measure_id, series.series) as year_denominator
    from (
        select * from this_practice
        union all
        select * from pcn
        union all
        select * from council
        union all
        select * from icb
    ) as series
    inner join measures using (measure_id)
)

select * from final
order by measure_id, series_order, period_start
