-- Practice activity per month and measure, with the rate per 1,000 registered patients using the
-- matching denominator: the whole list, or those aged 65 and over for falls admissions 65+.
with activity as (
    select * from {{ ref('stg_sus__practice_activity') }}
),

indicators as (
    select
        indicator_id,
        name,
        denominator_kind
    from {{ ref('ref_indicators') }}
),

with_denominator as (
    select
        activity.practice_code,
        activity.activity_month,
        activity.measure_id,
        indicators.name as measure_name,
        activity.activity_count,
        case indicators.denominator_kind
            when 'aged_65_plus' then denominators.patients_65_plus
            else denominators.patients
        end as matching_denominator,
        case indicators.denominator_kind
            when 'aged_65_plus' then 'registered patients aged 65+' else 'registered patients'
        end
            as denominator_name,
        denominators.release_quarter as denominator_release,
        denominators.denominator_rule
    from activity
    inner join indicators on activity.measure_id = indicators.indicator_id
    left join {{ ref('int_practice_month__denominators') }} as denominators
        on activity.practice_code = denominators.practice_code and activity.activity_month = denominators.month
)

select
    practice_code,
    activity_month,
    measure_id,
    measure_name,
    activity_count,
    matching_denominator as denominator,
    denominator_name,
    round(1000.0 * activity_count / nullif(matching_denominator, 0), 4) as rate_per_1000,
    denominator_release,
    denominator_rule
from with_denominator
