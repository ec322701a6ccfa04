-- One row per 2021 LSOA: name, district, upper-tier (social care) council, council locality,
-- and the 2011 codes that map to it.
with lsoas as (
    select * from {{ ref('int_lsoa__lad') }}
),

lads as (
    select * from {{ ref('int_lad__upper_tier') }}
),

localities as (
    select
        lsoa21_code,
        locality_code,
        locality_name
    from {{ ref('stg_local__council_localities') }}
),

lsoa11 as (
    select
        lsoa21_code,
        list(lsoa11_code order by lsoa11_code) as lsoa11_codes
    from {{ ref('int_lsoa11__lsoa21') }}
    group by lsoa21_code
),

final as (
    select
        lsoas.lsoa21_code as lsoa_code,
        lsoas.lsoa21_name as lsoa_name,
        case left(lsoas.lsoa21_code, 1) when 'E' then 'England' when 'W' then 'Wales' end as country,
        lsoas.lad_code,
        lads.lad_name,
        lads.upper_tier_code as council_code,
        lads.upper_tier_name as council_name,
        localities.locality_code,
        localities.locality_name,
        lsoa11.lsoa11_codes,
        lsoas.lad_rule
    from lsoas
    left join lads on lsoas.lad_code = lads.lad_code
    left join localities on lsoas.lsoa21_code = localities.lsoa21_code
    left join lsoa11 on lsoas.lsoa21_code = lsoa11.lsoa21_code
)

select * from final
