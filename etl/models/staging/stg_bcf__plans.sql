-- BCF planning-template scheme lines, typed. One row per worksheet row; the 2023-25 plan's two
-- expenditure columns stay side by side here and become one row per year in int_bcf__plan_lines.
with valid as (
    select * from {{ valid_rows('bcf_plan') }}
)

select
    file_id,
    line,
    trim(hwb_name) as hwb_name,
    trim(plan_period) as plan_period,
    trim(scheme_id) as scheme_id,
    nullif(trim(scheme_name), '') as scheme_name,
    nullif(trim(description), '') as description,
    trim(scheme_type) as scheme_type,
    nullif(trim(sub_type), '') as sub_type,
    nullif(trim(scheme_type_other), '') as scheme_type_other,
    nullif(trim(area_of_spend), '') as area_of_spend,
    nullif(trim(area_of_spend_other), '') as area_of_spend_other,
    case
        when label_key(commissioner) in ('ccg', 'icb', 'nhs') then 'NHS'
        when label_key(commissioner) = 'la' then 'LA'
        when label_key(commissioner) = 'joint' then 'Joint'
    end as commissioner,
    trim(commissioner) as commissioner_as_written,
    -- templates format the shares as percentages: a cell showing 60% holds 0.6, a typed 60 means 60%
    case when parse_number(share_nhs) > 1 then parse_number(share_nhs) / 100 else parse_number(share_nhs) end
        as share_nhs,
    case when parse_number(share_la) > 1 then parse_number(share_la) / 100 else parse_number(share_la) end as share_la,
    trim(provider) as provider,
    trim(source_of_funding) as source_of_funding,
    parse_money(expenditure) as expenditure,
    parse_money(expenditure_second_year) as expenditure_second_year,
    nullif(trim(new_or_existing), '') as new_or_existing
from valid
