-- Headline measures for the residents of the selected councils (council figures, with practice
-- activity apportioned by where patients live): the year's rate and the rate over
-- the same months a year earlier (so a part year compares like with like), and the monthly series
-- to the end of the year. Rates are sum(numerator) / sum(denominator), never a mean of rates.
with measures as (
    select indicator_id as measure_id, name, unit, multiplier, polarity
    from ref_indicators
    where indicator_id in ('emergency_admissions', 'ae_attendances', 'emergency_bed_days',
                           'care_home_admissions', 'reablement_at_home_91')
),

monthly as (
    select
        outcomes.measure_id,
        outcomes.period_start,
        sum(outcomes.numerator) as numerator,
        sum(outcomes.denominator) as denominator
    from mart_outcomes_council as outcomes
    where outcomes.period_type = 'month'
        and outcomes.measure_id in (select measure_id from measures)
        and outcomes.period_start <= period_last_day($period)
        and outcomes.council_code in (
            select council_code from selected_councils($council, $locality, $sub_icb, $pcn, $practice))
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
