-- How the selected practices' joint-working index is spread in one quarter: practices per 10-point
-- band (0-9.9, ..., 90-100), split by whether they have an attached social worker. Used instead of
-- one mark per practice when the selection has many practices.
with returns as (
    select
        joint_working_index,
        has_attached_social_worker
    from mart_joint_working_index
    where
        quarter_start = $quarter::date
        and joint_working_index is not null
        and practice_code in (
            select practice_code from selected_practices(
                $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
                group_practices := $group_practices
            )
        )
),

bands as (
    select range as band_start from range(0, 100, 10)
),

counts as (
    select
        least(floor(joint_working_index / 10) * 10, 90)::integer as band_start,
        count(*) filter (where has_attached_social_worker) as with_social_worker,
        count(*) filter (where not has_attached_social_worker) as without_social_worker
    from returns
    group by 1
),

final as (
    select
        bands.band_start,
        bands.band_start || ' to '
        || case when bands.band_start = 90 then '100' else (bands.band_start + 9.9)::varchar end as band,
        coalesce(counts.with_social_worker, 0) as with_social_worker,
        coalesce(counts.without_social_worker, 0) as without_social_worker
    from bands
    left join counts using (band_start)
)

select * from final
order by band_start
