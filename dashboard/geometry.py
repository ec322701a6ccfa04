"""LSOA boundaries for maps: only the LSOAs a map draws, simplified once per warehouse.

England has about 33,800 LSOAs; sending their stored boundaries with every map would make each
response megabytes. So a map asks for the codes it draws, a query loads just those, and each
boundary is simplified with shapely and its coordinates rounded before it is kept.

How much to simplify depends on how far the map is zoomed out. A map is drawn about 1,000 pixels
across and fitted to its LSOAs, so a tolerance of the drawn extent / 1,000 moves no point by more
than about a pixel: invisible, while a rural county's boundaries shrink to a few dozen points each.
The tolerance is one of a few LEVELS (in degrees; 0.0002 is about 14 m east-west and 22 m
north-south in England), never coarser than the map needs unless the boundaries would exceed
MAX_BYTES, so a single practice's catchment keeps its street-level shapes and the cache holds at
most one copy of a boundary per level.

Coordinates are rounded to DECIMALS = 5 (about 1 m): JSON numbers of 8-9 characters instead of 17.
The cache is keyed by db.warehouse_version(), so a rebuilt warehouse (new boundaries) starts a
fresh one; boundaries are kept as compact GeoJSON strings (about 1 KB each), so even all of England
at one level is tens of MB per worker, not hundreds.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable

import numpy as np
import shapely

from dashboard import db

LEVELS = (0.0002, 0.0004, 0.0008, 0.0016, 0.0032)
MAP_PIXELS = 1000
# Boundaries sent with one map at most: what else a page sends fits beside them in the 1.5 MB a
# response may take. A map over budget at its pixel-true level steps to coarser levels until it fits.
MAX_BYTES = 600_000
DECIMALS = 5

_lock = threading.Lock()
_cache: dict = {"version": None, "levels": {}, "centroids": None}


def simplify_geojson(geometry_geojson: str, tolerance: float = LEVELS[0]) -> str | None:
    """A GeoJSON polygon simplified, kept valid and rounded to DECIMALS; None if it is not a polygon."""
    try:
        geometry = shapely.from_geojson(geometry_geojson)
    except shapely.errors.GEOSException:
        return None
    if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    simplified = shapely.simplify(geometry, tolerance, preserve_topology=True)
    # Snap to the rounding grid point by point (fast, and almost always still valid); where that
    # breaks the polygon, snap with repair instead; a sliver smaller than the grid keeps its
    # unsimplified shape.
    snapped = shapely.set_precision(simplified, 10.0 ** -DECIMALS, mode="pointwise")
    if snapped.is_empty or not snapped.is_valid or snapped.geom_type not in ("Polygon", "MultiPolygon"):
        snapped = shapely.set_precision(simplified, 10.0 ** -DECIMALS)
    if snapped.is_empty or snapped.geom_type not in ("Polygon", "MultiPolygon"):
        snapped = shapely.set_precision(geometry, 10.0 ** -DECIMALS)
        if snapped.is_empty:
            return None
    # Snapped values are on the grid but print as 52.608990000000006: round them for JSON.
    rounded = shapely.transform(snapped, lambda coords: np.round(coords, DECIMALS))
    return shapely.to_geojson(rounded)


def simplify_many(texts: list[str], tolerance: float) -> list[str | None]:
    """`simplify_geojson` for many boundaries at once: shapely's array functions run in C, several
    times faster than a loop (a council's first map is the dashboard's slowest request). Anything
    unusual (unreadable, invalid, not a polygon, broken or collapsed by the rounding) takes the
    one-at-a-time path, so every boundary returned is a valid polygon on the same 1 m grid."""
    geometries = shapely.from_geojson(np.array(texts, dtype=object), on_invalid="ignore")
    kinds = shapely.get_type_id(geometries)  # 3 Polygon, 6 MultiPolygon, -1 missing
    plain = np.isin(kinds, (3, 6)) & shapely.is_valid(geometries)
    results: list[str | None] = [None] * len(texts)
    if plain.any():
        # Pointwise snapping is ten times faster than the repairing kind and leaves almost every
        # boundary valid; the few it would break take the repairing path below.
        snapped = shapely.set_precision(
            shapely.simplify(geometries[plain], tolerance, preserve_topology=True), 10.0 ** -DECIMALS,
            mode="pointwise")
        kept = np.isin(shapely.get_type_id(snapped), (3, 6)) & ~shapely.is_empty(snapped) & shapely.is_valid(snapped)
        rounded = shapely.transform(snapped[kept], lambda coords: np.round(coords, DECIMALS))
        indexes = np.flatnonzero(plain)
        for index, text in zip(indexes[kept], shapely.to_geojson(rounded)):
            results[index] = text
        plain[indexes[~kept]] = False
    for index in np.flatnonzero(~plain):
        results[index] = simplify_geojson(texts[index], tolerance)
    return results


def _state() -> dict:
    """The cache of the current warehouse, emptied when a rebuild has swapped the file."""
    version = db.warehouse_version()
    with _lock:
        if _cache["version"] != version:
            _cache.update(version=version, levels={}, centroids=None)
        return _cache


def tolerance_for(codes: Iterable[str]) -> float:
    """The coarsest level that moves no point by more than about a pixel on a map of these LSOAs."""
    state = _state()
    if state["centroids"] is None:
        frame = db.run_query("catchment__lsoa_centroids")
        state["centroids"] = dict(zip(frame["lsoa_code"], zip(frame["centroid_lon"], frame["centroid_lat"])))
    points = np.array([state["centroids"][code] for code in codes if code in state["centroids"]], dtype=float)
    if len(points) < 2:
        return LEVELS[0]
    lon_span, lat_span = points.max(axis=0) - points.min(axis=0)
    # A degree of longitude is cos(latitude) of a degree of latitude.
    extent = max(lat_span, lon_span * math.cos(math.radians(float(points[:, 1].mean()))))
    fitting = [level for level in LEVELS if level <= extent / MAP_PIXELS]
    return fitting[-1] if fitting else LEVELS[0]


def lsoa_geometry(codes: Iterable[str], tolerance: float | None = None) -> dict[str, str]:
    """{LSOA code: simplified GeoJSON geometry} for the codes that have a boundary, and only those.

    tolerance defaults to `tolerance_for(codes)` and is rounded down to one of LEVELS.
    """
    wanted = sorted({str(code) for code in codes if code})
    if tolerance is None:
        tolerance = tolerance_for(wanted)
    level = max([value for value in LEVELS if value <= tolerance], default=LEVELS[0])
    state = _state()
    with _lock:
        cache = state["levels"].setdefault(level, {})
        missing = [code for code in wanted if code not in cache]
    if missing:
        frame = db.run_query("catchment__lsoa_geometry", codes=tuple(missing))
        loaded = dict(zip(frame["lsoa_code"], simplify_many(list(frame["geometry_geojson"]), level)))
        with _lock:
            for code in missing:
                cache[code] = loaded.get(code)  # None: no boundary, remembered so it is not asked again
    return {code: cache[code] for code in wanted if cache.get(code)}


def feature_collection(codes: Iterable[str], max_bytes: int = MAX_BYTES) -> dict:
    """A GeoJSON FeatureCollection of the codes' simplified boundaries; each feature's id is its code.

    Simplified for the map's extent (`tolerance_for`), or more where that would exceed max_bytes.
    """
    wanted = sorted({str(code) for code in codes if code})
    start = tolerance_for(wanted)
    for level in [value for value in LEVELS if value >= start]:
        geometries = lsoa_geometry(wanted, level)
        if sum(len(text) for text in geometries.values()) <= max_bytes:
            break
    features = ",".join(f'{{"type":"Feature","id":{json.dumps(code)},"properties":{{}},"geometry":{text}}}'
                        for code, text in geometries.items())
    collection = json.loads(f'{{"type":"FeatureCollection","features":[{features}]}}')
    # Each ring as a numpy array: Dash serialises a layout by walking every Python list in it, which
    # took ~200 ms for a sub-ICB's boundaries; numpy arrays pass through untouched to orjson, which
    # writes them as the same nested lists.
    for feature in collection["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            geometry["coordinates"] = [np.asarray(ring) for ring in geometry["coordinates"]]
        else:
            geometry["coordinates"] = [[np.asarray(ring) for ring in polygon] for polygon in geometry["coordinates"]]
    return collection
