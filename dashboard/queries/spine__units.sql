-- Every headline measure over a financial year for every area of one kind: with $residents, every
-- English social care council (its residents); otherwise every practice. The spine chart
-- (dashboard/components/spine.py) takes the selected area's row, the spread of all of them and
-- England (all of them added up) from this one answer, so it is the same for every area of the kind
-- and cached once a year. Rates are sum(numerator) / sum(denominator) over the year's months (a
-- monthly rate for the monthly measures, as the Overview's), never a mean of rates.
with measures as (
    select
        indicator_id as measure_id,
        name,
        unit,
        multiplier,
        polarity,
        display_order
    from ref_indicators
    where indicator_id in (select measure_id from headline_measures())
),

-- only one branch returns rows: the other's filter is false for every row
outcomes as (
    select
        outcomes.measure_id,
        outcomes.council_code as area_code,
        null::varchar as icb_code,
        outcomes.period_start,
        outcomes.numerator,
        outcomes.denominator
    from mart_outcomes_council as outcomes
    inner join dim_council as councils using (council_code)
    where
        $residents
        and councils.is_social_care_council and councils.is_english
        and outcomes.period_type = 'month'

    union all

    select
        outcomes.measure_id,
        outcomes.practice_code as area_code,
        practices.icb_code,
        outcomes.period_start,
        outcomes.numerator,
        outcomes.denominator
    from mart_outcomes_practice as outcomes
    inner join dim_practice as practices using (practice_code)
    where
        not $residents
        and outcomes.period_type = 'month'
),

yearly as (
    select
        measure_id,
        area_code,
        any_value(icb_code) as icb_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        max(period_start) as last_month
    from outcomes
    where
        measure_id in (select measure_id from measures)
        and period_start between period_first_day($period) and period_last_day($period)
        and numerator is not null
        and denominator > 0
    group by all
),

final as (
    select
        measures.measure_id,
        measures.name,
        measures.unit,
        measures.polarity,
        measures.multiplier,
        measures.display_order,
        yearly.area_code,
        yearly.icb_code,
        yearly.numerator,
        yearly.denominator,
        yearly.numerator / yearly.denominator * measures.multiplier as rate,
        yearly.last_month
    from measures
    inner join yearly using (measure_id)
)

select * from final
order by display_order, measure_id, area_code
