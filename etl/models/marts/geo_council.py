"""Each council's outline, dissolved from its LSOAs' boundaries once per build (etl/outlines.py), for the
maps to draw over their LSOAs."""

from __future__ import annotations

import pandas as pd

from etl.outlines import council_outlines

READS = ("geo_lsoa", "dim_lsoa")


def build(con) -> pd.DataFrame:
    lsoas = con.execute("""
        select geo_lsoa.lsoa_code, dim_lsoa.council_code, dim_lsoa.council_name, geo_lsoa.geometry_geojson,
            geo_lsoa.centroid_lon, geo_lsoa.centroid_lat
        from geo_lsoa
        left join dim_lsoa using (lsoa_code)
        order by geo_lsoa.lsoa_code""").df()
    return council_outlines(lsoas)
