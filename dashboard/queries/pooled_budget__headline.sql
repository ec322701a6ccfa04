-- The selection's Better Care Fund for one financial year, in one row: how many of its social care
-- councils (each an HWB area) have a plan and a year-end return, planned and actual pounds, the share
-- planned for social care, the residents the per-head figures divide by, and the planned pounds
-- missing from the return and the actual pounds on lines not in the plan.
with councils as (
    select
        selected.council_code,
        dim_council.council_name
    from
        selected_councils(
            $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
        ) as selected
    inner join dim_council using (council_code)
),

summary as (
    select * from mart_bcf_summary
    where financial_year = $period
),

by_council as (
    select
        councils.council_name,
        summary.*
    from councils
    left join summary on councils.council_code = summary.hwb_code
),

lines as (
    select * from fct_bcf_expenditure
    where financial_year = $period and hwb_code in (select council_code from councils)
),

gaps as (
    select
        count(*) filter (where actual_status = 'not in the end-of-year return') as lines_not_in_return,
        sum(planned_gbp) filter (where actual_status = 'not in the end-of-year return') as planned_not_in_return_gbp,
        count(*) filter (where planned_gbp is null) as lines_not_in_plan,
        sum(actual_gbp) filter (where planned_gbp is null) as actual_not_in_plan_gbp
    from lines
),

totals as (
    select
        count(*) as councils_selected,
        count(planned_gbp) as hwbs_with_plan,
        count(actual_gbp) as hwbs_with_return,
        string_agg(hwb_name, ', ' order by hwb_name) filter (where planned_gbp is not null) as hwb_names,
        string_agg(council_name, ', ' order by council_name) filter (where planned_gbp is null)
            as councils_without_plan,
        sum(scheme_lines) as scheme_lines,
        sum(planned_gbp) as planned_gbp,
        sum(actual_gbp) as actual_gbp,
        -- the return is compared with the plans of the HWBs that have sent one
        sum(planned_gbp) filter (where actual_gbp is not null) as planned_with_return_gbp,
        sum(planned_social_care_gbp) as planned_social_care_gbp,
        sum(residents) filter (where planned_gbp is not null) as residents,
        sum(residents_65_plus) filter (where planned_gbp is not null) as residents_65_plus,
        max(population_release) as population_release
    from by_council
),

final as (
    select
        totals.*,
        totals.actual_gbp / nullif(totals.planned_with_return_gbp, 0) as actual_to_planned,
        totals.planned_social_care_gbp / nullif(totals.planned_gbp, 0) as share_social_care,
        round(totals.planned_gbp / nullif(totals.residents, 0), 2) as planned_per_head_gbp,
        round(totals.planned_gbp / nullif(totals.residents_65_plus, 0), 2) as planned_per_head_65_plus_gbp,
        gaps.*
    from totals
    cross join gaps
)

select * from final
