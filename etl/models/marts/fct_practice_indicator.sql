-- Fingertips practice indicators as published, with the England value of the same period beside them.
with rows as (
    select * from {{ ref('stg_fingertips__practice_indicators') }}
),

england as (
    select
        indicator_id,
        time_period_sortable,
        sex,
        age,
        any_value(value) as england_value
    from rows
    where area_type = 'England' and category_type is null
    group by all
)

select
    rows.area_code as practice_code,
    rows.indicator_id,
    rows.indicator_name,
    rows.time_period,
    rows.time_period_sortable,
    -- 2021/22 is a financial year (from April); 2019 a calendar year
    case
        when rows.time_period like '____/__' then make_date(rows.time_period_sortable // 10000, 4, 1)
        else make_date(rows.time_period_sortable // 10000, 1, 1)
    end as period_start,
    rows.time_period_range,
    rows.sex,
    rows.age,
    rows.value,
    rows.lower_ci_95,
    rows.upper_ci_95,
    rows.lower_ci_998,
    rows.upper_ci_998,
    rows.indicator_count,
    rows.denominator,
    rows.value_note,
    rows.compared_to_england,
    england.england_value,
    rows.parent_code
from rows
left join england
    on
        rows.indicator_id = england.indicator_id and rows.time_period_sortable = england.time_period_sortable
        and rows.sex is not distinct from england.sex and rows.age is not distinct from england.age
where rows.area_type = 'GPs'
