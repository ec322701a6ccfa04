-- Where the selection sits among practices on the joint-working index: for each quarter up to the end of the
-- selected financial year, the deciles (10th to 90th percentile) of the practices' indexes, over all practices
-- with an index that quarter ('all') and, unless nothing is selected, over the practices of the selection's
-- main ICB ('icb'); linear interpolation between ranks, as outcomes__deciles (OpenPrescribing's method).
with the_icb as (
    select
        icbs.icb_code,
        any_value(practices.icb_name) as icb_name
    from main_icb($council, $locality, $sub_icb, $pcn, $practice) as icbs
    inner join dim_practice as practices using (icb_code)
    where
        $council is not null or $locality is not null or $sub_icb is not null or $pcn is not null
        or $practice is not null
    group by icbs.icb_code
),

indexes as (
    select
        returns.quarter_start as period_start,
        returns.joint_working_index as rate,
        practices.icb_code
    from mart_joint_working_index as returns
    inner join dim_practice as practices using (practice_code)
    where
        returns.quarter_start <= period_last_day($period)
        and returns.joint_working_index is not null
),

scopes as (
    select
        'all' as scope,
        'All practices' as scope_name,
        period_start,
        rate
    from indexes
    union all
    select
        'icb',
        (select icb_name from the_icb),
        period_start,
        rate
    from indexes
    where icb_code = (select icb_code from the_icb)
)

select
    scope,
    scope_name,
    period_start,
    count(*) as practices,
    quantile_cont(rate, 0.1) as p10,
    quantile_cont(rate, 0.2) as p20,
    quantile_cont(rate, 0.3) as p30,
    quantile_cont(rate, 0.4) as p40,
    quantile_cont(rate, 0.5) as p50,
    quantile_cont(rate, 0.6) as p60,
    quantile_cont(rate, 0.7) as p70,
    quantile_cont(rate, 0.8) as p80,
    quantile_cont(rate, 0.9) as p90
from scopes
group by scope, scope_name, period_start
order by scope, period_start
