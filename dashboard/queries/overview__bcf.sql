-- Better Care Fund spend against plan for the selected councils (HWB areas) in the year.
select
    count(*) as plans,
    sum(planned_gbp) as planned_gbp,
    sum(actual_gbp) as actual_gbp,
    count(actual_gbp) as plans_with_actual,
    sum(planned_social_care_gbp) / nullif(sum(planned_gbp), 0) as share_social_care
from mart_bcf_summary
where
    financial_year = $period
    and hwb_code in (select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    ))
