-- Fingertips indicator rows, typed, as published: values, confidence limits, count and denominator.
with valid as (
    select * from {{ valid_rows('fingertips') }}
)

select
    file_id,
    line,
    try_cast(trim(indicator_id) as integer) as indicator_id,
    trim(indicator_name) as indicator_name,
    nullif(trim(parent_code), '') as parent_code,
    nullif(trim(parent_name), '') as parent_name,
    upper(trim(area_code)) as area_code,
    trim(area_name) as area_name,
    trim(area_type) as area_type,
    nullif(trim(sex), '') as sex,
    nullif(trim(age), '') as age,
    nullif(trim(category_type), '') as category_type,
    nullif(trim(category), '') as category,
    trim(time_period) as time_period,
    try_cast(trim(time_period_sortable) as integer) as time_period_sortable,
    nullif(trim(time_period_range), '') as time_period_range,
    parse_number(value) as value,
    parse_number(lower_ci_95) as lower_ci_95,
    parse_number(upper_ci_95) as upper_ci_95,
    parse_number(lower_ci_998) as lower_ci_998,
    parse_number(upper_ci_998) as upper_ci_998,
    parse_number(indicator_count) as indicator_count,
    parse_number(denominator) as denominator,
    nullif(trim(value_note), '') as value_note,
    nullif(trim(compared_to_england), '') as compared_to_england
from valid
