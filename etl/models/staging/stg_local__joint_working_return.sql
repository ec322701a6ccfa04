-- The joint-working return, typed: one row per practice, quarter and indicator.
with valid as (
    select * from {{ valid_rows('joint_working_return') }}
)

select
    file_id,
    line,
    trim(quarter) as quarter_label,
    -- financial-year quarters: 2023-24 Q1 is April to June 2023
    (financial_year_start(trim(quarter)) + to_months(3 * (try_cast(right(trim(quarter), 1) as integer) - 1)))::date
        as quarter_start,
    upper(trim(practice_code)) as practice_code,
    upper(trim(indicator_code)) as indicator_id,
    parse_number(numerator) as numerator,
    parse_number(denominator) as denominator,
    parse_number(value) as value,
    nullif(trim(notes), '') as notes
from valid
