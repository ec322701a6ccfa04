-- 2021 LSOA boundaries (simplified GeoJSON geometry) and a point inside each.
with valid as (
    select * from {{ valid_rows('lsoa_boundaries') }}
),

typed as (
    select
        file_id,
        upper(trim(lsoa21_code)) as lsoa21_code,
        nullif(trim(lsoa21_name), '') as lsoa21_name,
        geometry_geojson,
        centroid_lon,
        centroid_lat
    from valid
)

select * from typed
