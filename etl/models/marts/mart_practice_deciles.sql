-- The deciles (10th to 90th percentile) of the practices' values, period by period: each outcome measure's
-- rate (mart_outcomes_practice, practices with a denominator) and the joint-working index
-- (mart_joint_working_index, measure_id 'joint_working_index', by quarter), over all practices ('all') and
-- over each ICB's practices ('icb'). Linear interpolation between ranks, as OpenPrescribing's measures
-- (ebmdatalab/openprescribing, measure_sql/global_deciles_practices.sql: PERCENTILE_CONT(calc_value, 0.1 ...
-- 0.9) OVER (PARTITION BY month)). Worked out once in the build, so the pages only look them up.
with practices as (
    select
        practice_code,
        icb_code,
        icb_name
    from {{ ref('dim_practice') }}
),

outcome_values as (
    select
        outcomes.measure_id,
        outcomes.period_start,
        outcomes.rate as value,
        practices.icb_code,
        practices.icb_name
    from {{ ref('mart_outcomes_practice') }} as outcomes
    inner join practices using (practice_code)
    where outcomes.denominator > 0 and isfinite(outcomes.rate)
),

index_values as (
    select
        'joint_working_index' as measure_id,
        returns.quarter_start as period_start,
        returns.joint_working_index as value,
        practices.icb_code,
        practices.icb_name
    from {{ ref('mart_joint_working_index') }} as returns
    inner join practices using (practice_code)
    where returns.joint_working_index is not null
),

all_values as (
    select * from outcome_values
    union all
    select * from index_values
),

scopes as (
    select
        measure_id,
        'all' as scope,
        null::varchar as icb_code,
        'All practices' as scope_name,
        period_start,
        value
    from all_values
    union all
    select
        measure_id,
        'icb',
        icb_code,
        icb_name,
        period_start,
        value
    from all_values
    where icb_code is not null
),

deciles as (
    select
        measure_id,
        scope,
        icb_code,
        any_value(scope_name) as scope_name,
        period_start,
        count(*) as practices,
        -- the nine in one aggregate: each group is sorted once rather than nine times (a third of the time
        -- at England scale), and each decile is the same number
        quantile_cont(value, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) as deciles
    from scopes
    group by measure_id, scope, icb_code, period_start
)

select
    measure_id,
    scope,
    icb_code,
    scope_name,
    period_start,
    practices,
    deciles[1] as p10,
    deciles[2] as p20,
    deciles[3] as p30,
    deciles[4] as p40,
    deciles[5] as p50,
    deciles[6] as p60,
    deciles[7] as p70,
    deciles[8] as p80,
    deciles[9] as p90
from deciles
order by measure_id, scope, icb_code, period_start
