-- The residents of $council registered with each practice that has any, in the council's release for
-- $period (as exports_pack__council), and whether the practice is based in another council: the groups
-- whose totals the pack prints (the council's residents, and those at practices based elsewhere), so its
-- small-number suppression can see every cell of them, not only the serving practices'.
select
    shares.practice_code,
    shares.patients,
    (practices.home_council_code is distinct from $council) as based_elsewhere
from mart_practice_council_share as shares
inner join pack_release($council, $period) using (quarter)
left join dim_practice as practices using (practice_code)
where shares.area_code = $council
order by shares.practice_code
