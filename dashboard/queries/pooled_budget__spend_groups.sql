-- The scheme-type groups (mart_bcf_breakdown's, from etl/reference/bcf_scheme_types.csv) with planned
-- Better Care Fund spend in the period's financial year, across every HWB, most money first: what the
-- spend-beside-outcomes chart can show instead of all spend.
with groups as (
    select
        category as scheme_group,
        sum(planned_gbp) as planned_gbp,
        count(distinct hwb_code) as hwbs
    from mart_bcf_breakdown
    where dimension = 'scheme type' and financial_year = $period and planned_gbp > 0
    group by category
),

final as (
    select
        scheme_group,
        planned_gbp,
        hwbs,
        planned_gbp / sum(planned_gbp) over () as share_of_planned
    from groups
)

select * from final
order by planned_gbp desc, scheme_group
