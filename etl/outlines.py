"""Council outlines, dissolved once per build from the LSOA boundaries (the model geo_council).

A map draws the outline of every council whose LSOAs it shows. Dissolving a council's LSOAs takes 10 to
60 ms (England's 151 took 2.5 s of CPU), and the dashboard did it on the first map of each council in
each worker: the slowest requests it served (issue 15). The outlines change only with the boundaries
and the LSOA-to-council lookup, so the build dissolves every council once, on JOINTCARE_THREADS threads
(shapely lets go of the GIL while GEOS works), and the dashboard only simplifies them for its zoom.

The stored LSOA boundaries were simplified one LSOA at a time (etl/boundaries.py), so neighbours no
longer meet exactly and a plain union leaves thin gaps inside a council as holes; a hole is kept only
where another LSOA lies in it (a city inside its county), so every other one is such a gap and is
dropped. The union snaps to the 1 m grid the boundaries are stored on: a union in floating point was 2.6
times as fast but left neighbours a hair apart as separate parts, with a line drawn between them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import shapely

from etl import settings

GRID_DEGREES = 1e-5  # the grid etl/boundaries.py stores coordinates on: about 1 m


def dissolve(texts, others: np.ndarray | None = None) -> shapely.Geometry | None:
    """The GeoJSON boundaries in texts merged into one (Multi)Polygon; None if none is a polygon.

    Only holes holding one of `others` (lon, lat points inside LSOAs not among these: say, a city's
    inside its county) are kept; every other hole is a gap left where the ETL simplified two
    neighbours apart. Specks of less than a square metre or so, left where neighbours overlapped, go too.
    """
    geometries = shapely.from_geojson(np.array(texts, dtype=object), on_invalid="ignore")
    geometries = geometries[np.isin(shapely.get_type_id(geometries), (3, 6))]
    if not len(geometries):
        return None
    invalid = ~shapely.is_valid(geometries)
    geometries[invalid] = shapely.make_valid(geometries[invalid])
    merged = shapely.union_all(geometries, grid_size=GRID_DEGREES)
    others = np.empty((0, 2)) if others is None else np.asarray(others, dtype=float).reshape(-1, 2)
    others = _within(others, merged.bounds)  # once, so each hole looks among a few points, not all of England's
    parts = []
    for part in shapely.get_parts(merged):
        if part.geom_type != "Polygon" or part.area < GRID_DEGREES ** 2:
            continue
        holes = [ring for ring in part.interiors if _holds_any(shapely.Polygon(ring), others)]
        parts.append(shapely.Polygon(part.exterior, holes))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _holds_any(polygon: shapely.Polygon, points: np.ndarray) -> bool:
    near = _within(points, polygon.bounds)
    return bool(len(near)) and bool(shapely.contains_xy(polygon, near[:, 0], near[:, 1]).any())


def _within(points: np.ndarray, bounds: tuple[float, float, float, float]) -> np.ndarray:
    west, south, east, north = bounds
    return points[(points[:, 0] >= west) & (points[:, 0] <= east) & (points[:, 1] >= south) & (points[:, 1] <= north)]


def council_outlines(lsoas: pd.DataFrame) -> pd.DataFrame:
    """One row per council with a boundary: council_code, council_name, lsoa_count and outline_geojson (the
    dissolved outline as GeoJSON, WGS84, like geo_lsoa's boundaries), in council code order. Typed even when
    empty (a build without boundaries), so the table's columns are text and integers all the same.

    lsoas: one row per LSOA with a boundary (lsoa_code, council_code, or null outside any council,
    council_name, geometry_geojson, centroid_lon, centroid_lat).
    """
    points = lsoas[["centroid_lon", "centroid_lat"]].to_numpy(dtype=float)
    texts = lsoas["geometry_geojson"].to_numpy(dtype=object)
    # each council's rows found in one pass, not by comparing every LSOA's code with each council's
    members = lsoas.groupby("council_code", sort=True).indices
    codes = list(members)
    names = lsoas["council_name"].to_numpy(dtype=object)[[members[code][0] for code in codes]].tolist()

    def outline(code: str) -> tuple[str | None, int]:
        inside = np.zeros(len(lsoas), dtype=bool)
        inside[members[code]] = True
        merged = dissolve(texts[inside], points[~inside])
        return (None if merged is None else shapely.to_geojson(merged)), int(inside.sum())

    with ThreadPoolExecutor(max_workers=settings.get_int("JOINTCARE_THREADS")) as pool:
        results = list(pool.map(outline, codes))
    frame = pd.DataFrame({"council_code": pd.Series(codes, dtype="string"),
                          "council_name": pd.Series(names, dtype="string"),
                          "lsoa_count": pd.Series([count for _, count in results], dtype="int64"),
                          "outline_geojson": pd.Series([text for text, _ in results], dtype="string")})
    return frame[frame["outline_geojson"].notna()].reset_index(drop=True)
