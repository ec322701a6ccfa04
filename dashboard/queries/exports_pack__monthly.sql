-- The monthly rates of the headline outcome measures of every practice serving $council (as
-- exports_pack__practices), every month to the end of $period: the series behind each practice's SPC
-- status (etl.stats.spc). One row per practice, measure and month, in time order.
with measures as (
    select indicator_id as measure_id
    from ref_indicators
    where indicator_id in ('emergency_admissions', 'ae_attendances', 'emergency_bed_days',
                           'care_home_admissions', 'reablement_at_home_91')
),

releases as (
    select quarter from mart_catchment_council where council_code = $council
),

chosen as (
    select coalesce(max(quarter) filter (where quarter <= period_last_day($period)), min(quarter)) as quarter
    from releases
),

serving as (
    select unnest(catchment.practice_codes_serving) as practice_code
    from mart_catchment_council as catchment
    inner join chosen using (quarter)
    where catchment.council_code = $council
)

select
    outcomes.practice_code,
    outcomes.measure_id,
    outcomes.period_start,
    outcomes.rate
from mart_outcomes_practice as outcomes
inner join serving using (practice_code)
where outcomes.period_type = 'month'
    and outcomes.period_start <= period_last_day($period)
    and outcomes.measure_id in (select measure_id from measures)
order by outcomes.practice_code, outcomes.measure_id, outcomes.period_start
