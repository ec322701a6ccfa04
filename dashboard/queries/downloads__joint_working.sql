-- The joint-working index of the selected practices in the latest quarter with any return at or before
-- the period's end (none when every return is later): the index, its four domain scores and what was
-- scored. One row per practice that returned that quarter.
with practices as (
    select distinct practice_code from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

returned as (
    select distinct quarter_start from mart_joint_working_index
),

chosen as (
    select max(quarter_start) as quarter_start
    from returned
    where quarter_start <= period_last_day($period)
),

final as (
    select
        jw.practice_code,
        dim.practice_name,
        dim.pcn_name,
        jw.quarter_label,
        jw.joint_working_index,
        jw.time_and_space,
        jw.trust_and_roles,
        jw.shared_priorities,
        jw.practical_support,
        jw.domains_scored,
        jw.indicators_scored,
        case when jw.has_attached_social_worker then 'Yes' else 'No' end as attached_social_worker
    from mart_joint_working_index as jw
    inner join chosen using (quarter_start)
    inner join practices using (practice_code)
    inner join dim_practice as dim using (practice_code)
)

select * from final
order by practice_name, practice_code
