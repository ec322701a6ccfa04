-- Joint-working coverage of the selected practices in the latest quarter with any return at or before the
-- year's end (the quarter downloads__joint_working lists): practices selected, practices returning, those
-- with a named or attached social worker and their mean joint-working index. One row.
with practices as (
    select distinct practice_code from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

chosen as (
    select max(quarter_start) as quarter_start
    from mart_joint_working_index
    where quarter_start <= period_last_day($period)
),

returns as (
    select jw.*
    from mart_joint_working_index as jw
    inner join chosen using (quarter_start)
    inner join practices using (practice_code)
)

select
    (select count(*) from practices) as practices,
    (
        select any_value(quarter_label) from mart_joint_working_index
        where quarter_start = (select quarter_start from chosen)
    ) as quarter,
    (select count(*) from returns) as practices_returning,
    (
        select count(*) from returns
        where has_attached_social_worker
    ) as with_attached_social_worker,
    (select avg(joint_working_index) from returns) as mean_index
