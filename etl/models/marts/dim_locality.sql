-- One row per council locality (a council's own neighbourhood-team area).
with localities as (
    select * from {{ ref('stg_local__council_localities') }}
),

lsoas as (
    select
        lsoa_code,
        council_code,
        council_name
    from {{ ref('dim_lsoa') }}
),

final as (
    select
        localities.locality_code,
        max(localities.locality_name) as locality_name,
        coalesce(max(localities.council_code), max(lsoas.council_code)) as council_code,
        coalesce(max(localities.council_name), max(lsoas.council_name)) as council_name,
        count(*) as lsoa_count
    from localities
    left join lsoas on localities.lsoa21_code = lsoas.lsoa_code
    group by localities.locality_code
)

select * from final
