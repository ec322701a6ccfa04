-- Where the selection sits among practices: for each period up to the end of the selected financial year,
-- for an outcome measure or the joint-working index ($measure = 'joint_working_index', by quarter),
-- the deciles (10th to 90th percentile) of every practice's rate, over all practices in the data ('all')
-- and, unless nothing is selected, over the practices of the selection's main ICB ('icb'): looked up in
-- mart_practice_deciles, which works them out in the build as OpenPrescribing's measures do (linear
-- interpolation between ranks; ebmdatalab/openprescribing, measure_sql/global_deciles_practices.sql).
with the_icb as (
    select icb_code from main_icb($council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices)
    where
        $council is not null or $locality is not null or $sub_icb is not null or $pcn is not null
        or $practice is not null or $group_practices is not null
)

select
    deciles.scope,
    deciles.scope_name,
    deciles.period_start,
    deciles.practices,
    deciles.p10,
    deciles.p20,
    deciles.p30,
    deciles.p40,
    deciles.p50,
    deciles.p60,
    deciles.p70,
    deciles.p80,
    deciles.p90
from mart_practice_deciles as deciles
where
    deciles.measure_id = $measure
    and deciles.period_start <= period_last_day($period)
    and (deciles.scope = 'all' or deciles.icb_code = (select icb_code from the_icb))
order by deciles.scope, deciles.period_start
