-- The panel the impact model reads: one row per practice, outcome and month, with the month's count,
-- its exposure (the measure's denominator: registered patients, or those aged 65+) and when the
-- practice joined joint working. The outcomes are those with a unit cost (etl/reference/unit_costs.csv).
-- A practice joins in the first quarter its return says it has an attached social worker (JW01), and is
-- counted as joined from then on (adoption is absorbing). Practices that never sent a return are left
-- out: whether they joined is unknown, so they are neither adopters nor comparators. When returns are
-- missing just before joining, the practice may have joined in any of those quarters: its months from
-- the quarter after its last "no" to its first "yes" are left out, rather than counted as before joining
-- (which would understate the effect). With no "no" before its first "yes", all its earlier months go.
with joined as (
    select
        practice_code,
        min(quarter_start) filter (where has_attached_social_worker) as adoption_month
    from {{ ref('mart_joint_working_index') }}
    group by practice_code
),

returns as (
    select
        practice_code,
        joined.adoption_month,
        coalesce(bool_or(not has_attached_social_worker and quarter_start > joined.adoption_month), false)
            as left_after_joining,
        max(quarter_start) filter (where not has_attached_social_worker and quarter_start < joined.adoption_month)
        + interval 3 month as status_unknown_from
    from {{ ref('mart_joint_working_index') }}
    inner join joined using (practice_code)
    group by practice_code, joined.adoption_month
),

outcomes as (
    select
        practice_code,
        measure_id,
        period_start,
        numerator,
        denominator
    from {{ ref('mart_outcomes_practice') }}
    where
        period_type = 'month'
        and measure_id in (select measure_id from {{ ref('ref_unit_costs') }})
        and numerator is not null
        and denominator > 0
)

select
    outcomes.measure_id as outcome,
    outcomes.practice_code,
    outcomes.period_start as month,
    outcomes.numerator as events,
    outcomes.denominator as exposure,
    returns.adoption_month,
    returns.left_after_joining,
    dim_practice.icb_code,
    dim_practice.icb_name,
    dim_practice.home_council_code as council_code,
    dim_practice.home_council_name as council_name
from outcomes
inner join returns using (practice_code)
inner join {{ ref('dim_practice') }} using (practice_code)
where
    returns.adoption_month is null
    or outcomes.period_start >= returns.adoption_month
    or outcomes.period_start < returns.status_unknown_from
order by outcome, practice_code, month
