-- Joint-working coverage of the selected practices in the latest quarter of the year with returns.
with practices as (
    select practice_code from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

latest as (
    select max(quarter_start) as quarter_start
    from mart_joint_working_index
    where quarter_start between period_first_day($period) and period_last_day($period)
)

select
    (select count(*) from practices) as practices,
    any_value(latest.quarter_start) as quarter_start,
    any_value(returns.quarter_label) as quarter_label,
    count(returns.practice_code) as practices_returning,
    count(*) filter (where returns.has_attached_social_worker) as practices_with_social_worker,
    avg(returns.joint_working_index) as mean_index
from latest
left join mart_joint_working_index as returns
    on
        returns.quarter_start = latest.quarter_start
        and returns.practice_code in (select practice_code from practices)
