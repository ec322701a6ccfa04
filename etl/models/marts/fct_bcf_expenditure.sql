-- BCF spend per HWB, year and scheme line: planned pounds from the plan, actual pounds from the
-- end-of-year return, matched on scheme ID, funding source and line order. Lines only in the return
-- are kept (planned null); years with no return yet have actual null.
with plan as (
    select * from {{ ref('int_bcf__plan_lines') }}
),

year_end as (
    select * from {{ ref('int_bcf__year_end_lines') }}
),

returned_years as (
    select distinct
        hwb_code,
        financial_year
    from year_end
),

matched as (
    select
        coalesce(plan.hwb_code, year_end.hwb_code) as hwb_code,
        coalesce(plan.financial_year, year_end.financial_year) as financial_year,
        coalesce(plan.scheme_id, year_end.scheme_id) as scheme_id,
        coalesce(plan.funding_source_id, year_end.funding_source_id) as funding_source_id,
        coalesce(plan.scheme_line, year_end.scheme_line) as scheme_line,
        coalesce(plan.scheme_name, year_end.scheme_name) as scheme_name,
        coalesce(plan.scheme_type, year_end.scheme_type) as scheme_type,
        plan.scheme_type_group,
        plan.scheme_type_list,
        plan.sub_type,
        plan.area_of_spend,
        plan.is_social_care,
        plan.commissioner,
        plan.share_nhs,
        plan.share_la,
        plan.provider,
        coalesce(plan.source_of_funding, year_end.source_of_funding) as source_of_funding,
        coalesce(plan.funding_source, year_end.funding_source) as funding_source,
        coalesce(plan.contributor, year_end.contributor) as contributor,
        plan.plan_period,
        plan.planned_gbp,
        year_end.actual_gbp,
        plan.line as plan_row,
        year_end.line as year_end_row
    from plan
    full outer join year_end
        on
            plan.hwb_code = year_end.hwb_code
            and plan.financial_year = year_end.financial_year
            and plan.scheme_id = year_end.scheme_id
            and plan.funding_source_id = year_end.funding_source_id
            and plan.scheme_line = year_end.scheme_line
)

select
    matched.*,
    councils.council_name as hwb_name,
    case
        when matched.planned_gbp is null then 'in the end-of-year return only'
        when matched.actual_gbp is not null then 'reported'
        when returned_years.hwb_code is not null then 'not in the end-of-year return'
        else 'no end-of-year return loaded for the year'
    end as actual_status
from matched
left join returned_years using (hwb_code, financial_year)
left join {{ ref('dim_council') }} as councils on matched.hwb_code = councils.council_code
