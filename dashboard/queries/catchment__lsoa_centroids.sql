-- A point inside every LSOA with a boundary (longitude, latitude): how far apart the LSOAs a map
-- draws are decides how much their boundaries can be simplified (dashboard/geometry.py).
select
    lsoa_code,
    centroid_lon,
    centroid_lat
from geo_lsoa
