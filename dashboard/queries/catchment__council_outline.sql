-- One council's outline, dissolved from its LSOAs' boundaries by the build (geo_council): maps draw it
-- over their LSOAs, simplified for their zoom (dashboard/geometry.py).
select
    council_code,
    council_name,
    outline_geojson
from council_outline($council)
