-- One row per sub-ICB location (formerly CCG) in the latest practice map, with its ICB and region.
with latest as (
    select * from {{ ref('stg_nhs__practice_map') }}
    where extract_date = (select max(releases.extract_date) from {{ ref('stg_nhs__practice_map') }} as releases)
),

final as (
    select
        sub_icb_code,
        max(ons_sub_icb_code) as ons_sub_icb_code,
        max(sub_icb_name) as sub_icb_name,
        max(icb_code) as icb_code,
        max(ons_icb_code) as ons_icb_code,
        max(icb_name) as icb_name,
        max(region_code) as region_code,
        max(region_name) as region_name,
        count(distinct practice_code) as practice_count,
        count(distinct pcn_code) as pcn_count
    from latest
    group by sub_icb_code
)

select * from final
