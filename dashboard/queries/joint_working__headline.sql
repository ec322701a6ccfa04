-- Headline numbers for the selected practices in one quarter: practices open, practices that
-- returned, how many have an attached social worker, and the mean joint-working index of those with
-- all four domains scored (a practice's index is empty otherwise). One row.
with practices as (
    -- the same practices as the league table's rows
    select practice_code from open_practices(
        $council, $locality, $sub_icb, $pcn, $practice, $quarter::date, deprivation := $deprivation,
        group_practices := $group_practices
    )
),

returns as (
    select *
    from mart_joint_working_index
    where
        quarter_start = $quarter::date
        and practice_code in (select practice_code from practices)
),

final as (
    select
        (select count(*) from practices) as practices_open,
        count(*) as practices_returned,
        count(*) filter (where has_attached_social_worker) as practices_with_social_worker,
        count(joint_working_index) as practices_with_index,
        avg(joint_working_index) as mean_index
    from returns
)

select * from final
