-- Where a practice's patients live, by social care council (and outside England / unknown residence),
-- in the registrations release the period uses (release_for_period). One row per area, largest first,
-- flagged when it is the practice's home council.
with releases as (
    select distinct quarter from mart_practice_council_share
    where practice_code = $code
),

chosen as (
    select release_for_period(quarter, $period) as quarter
    from releases
),

final as (
    select
        shares.quarter as release,
        shares.quarter > period_last_day($period) as release_after_period,
        shares.area_code,
        shares.area_kind,
        shares.area_name,
        shares.patients,
        shares.share,
        shares.area_code = practices.home_council_code as is_home_council
    from mart_practice_council_share as shares
    inner join chosen using (quarter)
    inner join dim_practice as practices using (practice_code)
    where shares.practice_code = $code
)

select * from final
order by patients desc, area_name
