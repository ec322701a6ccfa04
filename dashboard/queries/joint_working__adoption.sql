-- Adoption over time among the selected practices, for every quarter up to the end of the selected
-- financial year: practices that returned, how many have an attached social worker (and their share
-- of those returning), and the mean joint-working index.
with returns as (
    select *
    from mart_joint_working_index
    where
        quarter_start <= period_last_day($period)
        and practice_code in (
            select practice_code from selected_practices(
                $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
                group_practices := $group_practices
            )
        )
),

final as (
    select
        quarter_start,
        any_value(quarter_label) as quarter_label,
        count(*) as practices_returned,
        count(*) filter (where has_attached_social_worker) as practices_with_social_worker,
        100.0 * count(*) filter (where has_attached_social_worker) / count(*) as percent_with_social_worker,
        avg(joint_working_index) as mean_index,
        count(joint_working_index) as practices_with_index
    from returns
    group by quarter_start
)

select * from final
order by quarter_start
