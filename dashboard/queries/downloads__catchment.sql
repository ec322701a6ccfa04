-- Where the selected practices' patients live, in the registrations release the period uses
-- (release_for_period): one row per practice and council (or
-- 'outside England' / 'unknown residence'), with patients and their share of the practice's list.
with practices as (
    select distinct practice_code from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

releases as (
    select distinct quarter from mart_practice_council_share
),

chosen as (
    select release_for_period(quarter, $period) as quarter
    from releases
),

final as (
    select
        shares.practice_code,
        dim.practice_name,
        strftime(shares.quarter, '%B %Y') as release,
        shares.quarter > period_last_day($period) as release_after_period,
        shares.area_kind,
        shares.area_code,
        shares.area_name,
        shares.patients,
        shares.share
    from mart_practice_council_share as shares
    inner join chosen using (quarter)
    inner join practices using (practice_code)
    inner join dim_practice as dim using (practice_code)
)

select * from final
order by practice_name, practice_code, patients desc, area_name
