-- One row per 2021 LSOA with a boundary: simplified GeoJSON geometry (WGS84) and a point inside it.
with boundaries as (
    select
        *,
        row_number() over (partition by lsoa21_code order by file_id desc) as recency
    from {{ ref('stg_ons__lsoa_boundaries') }}
),

final as (
    select
        lsoa21_code as lsoa_code,
        lsoa21_name as lsoa_name,
        geometry_geojson,
        centroid_lon,
        centroid_lat
    from boundaries
    where recency = 1
)

select * from final
