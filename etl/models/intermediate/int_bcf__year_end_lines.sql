-- End-of-year lines, numbered like the plan lines so that each actual meets its planned line.
with hwbs as (
    select * from {{ ref('int_bcf__hwb') }}
)

select
    hwbs.council_code as hwb_code,
    year_end.financial_year,
    year_end.scheme_id,
    row_number() over (
        partition by hwbs.council_code, year_end.financial_year, year_end.scheme_id, funding.funding_source_id
        order by year_end.file_id, year_end.line
    ) as scheme_line,
    year_end.scheme_name,
    year_end.scheme_type,
    year_end.source_of_funding,
    funding.funding_source_id,
    funding.funding_source,
    funding.contributor,
    year_end.planned_expenditure as restated_planned_gbp,
    year_end.actual_expenditure as actual_gbp,
    year_end.file_id,
    year_end.line
from {{ ref('stg_bcf__year_end') }} as year_end
left join hwbs on label_key(year_end.hwb_name) = hwbs.name_key
left join
    {{ ref('ref_bcf_funding_sources') }} as funding
    on label_key(year_end.source_of_funding) = label_key(funding.source_of_funding)
