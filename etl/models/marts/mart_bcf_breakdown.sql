-- BCF pounds per HWB and year broken down one dimension at a time: source of funding, scheme type,
-- area of spend, provider and commissioner. Each dimension's categories add up to the year's total.
with lines as (
    select * from {{ ref('fct_bcf_expenditure') }}
),

long as (
    select
        hwb_code,
        financial_year,
        'source of funding' as dimension,
        funding_source as category,
        planned_gbp,
        actual_gbp
    from lines
    union all
    select
        hwb_code,
        financial_year,
        'scheme type',
        coalesce(scheme_type_group, 'Not stated in the plan'),
        planned_gbp,
        actual_gbp
    from lines
    union all
    select
        hwb_code,
        financial_year,
        'area of spend',
        coalesce(area_of_spend, 'Not stated in the plan'),
        planned_gbp,
        actual_gbp
    from lines
    union all
    select
        hwb_code,
        financial_year,
        'provider',
        coalesce(provider, 'Not stated in the plan'),
        planned_gbp,
        actual_gbp
    from lines
    union all
    select
        hwb_code,
        financial_year,
        'commissioner',
        coalesce(commissioner, 'Not stated in the plan'),
        planned_gbp,
        actual_gbp
    from lines
)

select
    hwb_code,
    financial_year,
    dimension,
    category,
    sum(exact(planned_gbp))::double as planned_gbp,
    case when bool_or(actual_gbp is not null) then sum(exact(actual_gbp))::double end as actual_gbp,
    sum(exact(planned_gbp))::double
    / nullif(sum(sum(exact(planned_gbp))) over (partition by hwb_code, financial_year, dimension)::double, 0)
        as share_of_planned
from long
group by hwb_code, financial_year, dimension, category
