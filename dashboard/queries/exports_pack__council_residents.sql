-- The residents of $council registered with each practice that has any, in the council's release for
-- $period (as exports_pack__council), and whether the practice is based in another council: the groups
-- whose totals the pack prints (the council's residents, and those at practices based elsewhere), so its
-- small-number suppression can see every cell of them, not only the serving practices'.
with releases as (
    select quarter from mart_catchment_council where council_code = $council
),

chosen as (
    select coalesce(max(quarter) filter (where quarter <= period_last_day($period)), min(quarter)) as quarter
    from releases
)

select
    shares.practice_code,
    shares.patients,
    practices.home_council_code is distinct from $council as based_elsewhere
from mart_practice_council_share as shares
inner join chosen using (quarter)
left join dim_practice as practices using (practice_code)
where shares.area_code = $council
order by shares.practice_code
