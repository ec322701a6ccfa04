-- The monthly rates of the headline outcome measures of every practice serving $council (as
-- exports_pack__practices), every month to the end of $period: the series behind each practice's SPC
-- status (etl.stats.spc). One row per practice, measure and month, in time order.
select
    outcomes.practice_code,
    outcomes.measure_id,
    outcomes.period_start,
    outcomes.rate
from mart_outcomes_practice as outcomes
inner join pack_serving_practices($council, $period) using (practice_code)
where
    outcomes.period_type = 'month'
    and outcomes.period_start <= period_last_day($period)
    and outcomes.measure_id in (select measure_id from headline_measures())
order by outcomes.practice_code, outcomes.measure_id, outcomes.period_start
