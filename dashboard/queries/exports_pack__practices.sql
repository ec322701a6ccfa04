-- Every practice serving $council's residents (mart_catchment_council.practice_codes_serving) in the
-- council's release for $period (as exports_pack__council), with its identity, its list size in that
-- release (the sum of its patients over every area, so it is the total of exports_pack__areas) and the
-- council's residents registered with it. One row per practice, most of the council's residents first.
with lists as (
    select
        shares.practice_code,
        sum(shares.patients) as list_size,
        sum(shares.patients) filter (where shares.area_code = $council) as council_residents
    from mart_practice_council_share as shares
    inner join pack_serving_practices($council, $period) as serving using (practice_code, quarter)
    group by shares.practice_code
),

final as (
    select
        practices.practice_code,
        practices.practice_name,
        practices.postcode,
        practices.status,
        practices.open_date,
        practices.close_date,
        practices.pcn_code,
        practices.pcn_name,
        practices.sub_icb_name,
        practices.icb_name,
        practices.home_council_code,
        practices.home_council_name,
        (practices.home_council_code is distinct from $council) as based_elsewhere,
        lists.list_size,
        coalesce(lists.council_residents, 0) as council_residents
    from pack_serving_practices($council, $period) as serving
    inner join dim_practice as practices using (practice_code)
    left join lists using (practice_code)
)

select * from final
order by council_residents desc, practice_name, practice_code
