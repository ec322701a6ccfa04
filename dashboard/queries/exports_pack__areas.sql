-- Where the patients of every practice serving $council live, in the council's release for $period (as
-- exports_pack__council): one row per practice and area (each council, outside England, unknown), with
-- the patients and their share of the practice's list. Largest first within each practice.
with final as (
    select
        shares.practice_code,
        shares.area_code,
        shares.area_kind,
        shares.area_name,
        shares.patients,
        shares.share,
        shares.area_code = $council as is_pack_council
    from mart_practice_council_share as shares
    inner join pack_serving_practices($council, $period) as serving using (practice_code, quarter)
)

select * from final
order by practice_code, patients desc, area_name
