-- The selection's Better Care Fund by financial year (every year loaded): planned and actual pounds,
-- how many HWBs planned and sent a year-end return, per head of registered residents and of those
-- aged 65+, and the share planned for social care. The page shows the years up to the chosen one.
with councils as (
    select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    )
),

summary as (
    select * from mart_bcf_summary
    where hwb_code in (select council_code from councils) and planned_gbp is not null
),

totals as (
    select
        financial_year,
        count(*) as hwbs_with_plan,
        count(actual_gbp) as hwbs_with_return,
        sum(planned_gbp) as planned_gbp,
        sum(actual_gbp) as actual_gbp,
        sum(planned_gbp) filter (where actual_gbp is not null) as planned_with_return_gbp,
        sum(planned_social_care_gbp) as planned_social_care_gbp,
        sum(residents) as residents,
        sum(residents_65_plus) as residents_65_plus,
        -- actual per head divides by the residents of the HWBs that reported an actual
        sum(residents) filter (where actual_gbp is not null) as residents_with_return,
        sum(residents_65_plus) filter (where actual_gbp is not null) as residents_65_plus_with_return
    from summary
    group by financial_year
),

final as (
    select
        financial_year,
        hwbs_with_plan,
        hwbs_with_return,
        planned_gbp,
        actual_gbp,
        actual_gbp / nullif(planned_with_return_gbp, 0) as actual_to_planned,
        planned_social_care_gbp / nullif(planned_gbp, 0) as share_social_care,
        residents,
        residents_65_plus,
        round(planned_gbp / nullif(residents, 0), 2) as planned_per_head_gbp,
        round(actual_gbp / nullif(residents_with_return, 0), 2) as actual_per_head_gbp,
        round(planned_gbp / nullif(residents_65_plus, 0), 2) as planned_per_head_65_plus_gbp,
        round(actual_gbp / nullif(residents_65_plus_with_return, 0), 2) as actual_per_head_65_plus_gbp
    from totals
)

select * from final
order by financial_year
