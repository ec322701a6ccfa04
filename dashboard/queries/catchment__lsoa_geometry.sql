-- The stored boundary (GeoJSON geometry, WGS84) of each LSOA in the list $codes, and nothing else:
-- maps load only the LSOAs they draw (dashboard/geometry.py simplifies and caches them).
select
    lsoa_code,
    geometry_geojson
from geo_lsoa
where lsoa_code in (select unnest($codes))
