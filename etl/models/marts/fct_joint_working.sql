-- The joint-working return per practice, quarter and indicator, with each indicator's domain and
-- its 0-100 score (the scoring rule is in the indicator's definition file).
with returns as (
    select * from {{ ref('stg_local__joint_working_return') }}
),

indicators as (
    select
        indicator_id,
        name,
        domain,
        unit,
        scoring_kind,
        scoring_target
    from {{ ref('ref_indicators') }}
    where kind = 'joint_working'
)

select
    returns.practice_code,
    returns.quarter_start,
    returns.quarter_label,
    returns.indicator_id,
    indicators.name as indicator_name,
    indicators.domain,
    indicators.unit,
    returns.numerator,
    returns.denominator,
    returns.value,
    -- least() skips nulls, so an empty value (JW10 with no invitations) is tested first: it has no score
    round(case
        when returns.value is null then null
        when indicators.scoring_kind = 'yes_no' then 100 * returns.value
        when indicators.scoring_kind = 'percent' then least(returns.value, 100)
        when indicators.scoring_kind = 'target' then 100 * least(returns.value / indicators.scoring_target, 1)
    end, 2) as score,
    returns.notes
from returns
inner join indicators using (indicator_id)
