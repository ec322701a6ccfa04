-- BCF end-of-year scheme lines with actual spend, typed.
with valid as (
    select * from {{ valid_rows('bcf_year_end') }}
)

select
    file_id,
    line,
    trim(hwb_name) as hwb_name,
    trim(financial_year) as financial_year,
    trim(scheme_id) as scheme_id,
    nullif(trim(scheme_name), '') as scheme_name,
    nullif(trim(scheme_type), '') as scheme_type,
    trim(source_of_funding) as source_of_funding,
    parse_money(planned_expenditure) as planned_expenditure,
    parse_money(actual_expenditure) as actual_expenditure
from valid
