-- ASCOF per area, year, measure and disaggregation: numerator, denominator and value side by side,
-- each with its published status. Codes are mapped to one stable measure id by year
-- (etl/reference/ascof_measures.csv): 2A(2) to 2022-23 and 2C from 2023-24 are both
-- admissions_65_plus, while 2D means something else before 2023-24 than after.
with rows as (
    select * from {{ ref('stg_nhsd__ascof') }}
    where measure_type in ('numerator', 'denominator', 'outcome')
),

pivoted as (
    select
        financial_year,
        geographical_level,
        geographical_code,
        measure_code,
        disaggregation,
        any_value(ons_code) as ons_code,
        any_value(geographical_description) as area_name,
        any_value(published_measure_code) as published_measure_code,
        max(measure_value) filter (where measure_type = 'numerator') as numerator,
        max(measure_value) filter (where measure_type = 'denominator') as denominator,
        max(measure_value) filter (where measure_type = 'outcome') as value,
        coalesce(any_value(value_status) filter (where measure_type = 'numerator'), 'missing') as numerator_status,
        coalesce(any_value(value_status) filter (where measure_type = 'denominator'), 'missing') as denominator_status,
        coalesce(any_value(value_status) filter (where measure_type = 'outcome'), 'missing') as value_status
    from rows
    group by financial_year, geographical_level, geographical_code, measure_code, disaggregation
),

measures as (
    select
        published_code,
        first_year,
        last_year,
        measure_id,
        measure_name,
        unit,
        multiplier,
        polarity
    from {{ ref('ref_ascof_measures') }}
)

select
    pivoted.financial_year,
    financial_year_start(pivoted.financial_year) as year_start,
    pivoted.geographical_level,
    coalesce(pivoted.ons_code, pivoted.geographical_code) as area_code,
    case when pivoted.geographical_level = 'Council' then pivoted.geographical_code end as cassr_code,
    pivoted.area_name,
    coalesce(measures.measure_id, 'unmapped_' || lower(pivoted.measure_code)) as measure_id,
    measures.measure_id is not null as is_mapped,
    measures.measure_name,
    pivoted.published_measure_code,
    pivoted.measure_code,
    pivoted.disaggregation,
    pivoted.numerator,
    pivoted.denominator,
    pivoted.value,
    pivoted.numerator_status,
    pivoted.denominator_status,
    pivoted.value_status,
    'suppressed' in (pivoted.numerator_status, pivoted.value_status) as is_suppressed,
    measures.unit,
    measures.multiplier,
    measures.polarity
from pivoted
left join measures
    on
        pivoted.measure_code = measures.published_code
        and pivoted.financial_year between measures.first_year and measures.last_year
