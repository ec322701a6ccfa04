-- Headline numbers for the selected practices in one quarter: practices open, practices that
-- returned, how many have an attached social worker, and the mean joint-working index of those with
-- all four domains scored (a practice's index is empty otherwise). One row.
with practices as (
    -- practices open at some point in the quarter: a practice closed before it cannot return
    select practices.practice_code
    from selected_practices($council, $locality, $sub_icb, $pcn, $practice) as chosen
    inner join dim_practice as practices using (practice_code)
    where practices.last_registration_quarter is not null
        and (practices.close_date is null or practices.close_date >= $quarter::date)
        and (practices.open_date is null or practices.open_date < $quarter::date + interval 3 month)
),

returns as (
    select *
    from mart_joint_working_index
    where quarter_start = $quarter::date
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
