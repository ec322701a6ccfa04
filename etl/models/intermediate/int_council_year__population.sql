-- The population a council's money and outcomes are divided by, per financial year: registered
-- residents from the latest release at or before 1 October of the year (mid-year), else the earliest.
with years as (
    select distinct
        hwb_code as council_code,
        financial_year
    from {{ ref('int_bcf__plan_lines') }}
    union
    select distinct
        coalesce(ons_code, geographical_code),
        financial_year
    from {{ ref('stg_nhsd__ascof') }}
    where geographical_level = 'Council'
),

population as (
    select * from {{ ref('int_council_quarter__population') }}
),

mid_year as (
    select
        years.council_code,
        years.financial_year,
        financial_year_start(years.financial_year) + interval 6 month as mid_year
    from years
),

latest_before as (
    select
        mid_year.*,
        population.quarter,
        population.residents,
        population.residents_65_plus
    from mid_year
    asof left join population
        on mid_year.council_code = population.council_code and mid_year.mid_year >= population.quarter
),

earliest as (
    select
        council_code,
        arg_min(quarter, quarter) as quarter,
        arg_min(residents, quarter) as residents,
        arg_min(residents_65_plus, quarter) as residents_65_plus
    from population
    group by council_code
)

select
    latest_before.council_code,
    latest_before.financial_year,
    coalesce(latest_before.quarter, earliest.quarter) as population_release,
    coalesce(latest_before.residents, earliest.residents) as residents,
    coalesce(latest_before.residents_65_plus, earliest.residents_65_plus) as residents_65_plus,
    case
        when latest_before.quarter is not null then 'latest release at or before 1 October of the year'
        when earliest.quarter is not null then 'earliest release loaded (the year is before it)'
    end as population_rule
from latest_before
left join earliest using (council_code)
