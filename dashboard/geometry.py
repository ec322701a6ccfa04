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

Council outlines (`council_outlines`) are dissolved from the same stored LSOA boundaries by the build
(geo_council, etl/outlines.py), then simplified here only when a map first needs a council at a level,
and kept per (council, level) in the same cache. They are sent as rings (lines), not polygons: a map
draws them over its LSOAs and needs no fill.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely

from dashboard import db

LEVELS = (0.0002, 0.0004, 0.0008, 0.0016, 0.0032)
MAP_PIXELS = 1000
# Boundaries sent with one map at most: what else a page sends fits beside them in the 1.5 MB a
# response may take. A map over budget at its pixel-true level steps to coarser levels until it fits.
MAX_BYTES = 600_000
# Council outlines drawn over one map at most, one copy as sent (float32, base64); a map sends them
# twice (a white halo under the dark line), so with MAX_BYTES of LSOAs a map stays within 1.5 MB.
# Outlines are rings only, a county a few thousand points: the budget bites only for very many councils.
MAX_OUTLINE_BYTES = 250_000
DECIMALS = 5

_lock = threading.Lock()
_cache: dict = {"version": None, "levels": {}, "features": {}, "centroids": None, "councils": None, "outlines": {}}


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
            _cache.update(version=version, levels={}, features={}, centroids=None, councils=None, outlines={})
        return _cache


def _centroids() -> dict[str, tuple[float, float]]:
    state = _state()
    if state["centroids"] is None:
        frame = db.run_query("catchment__lsoa_centroids")
        # Columns as Python lists first: iterating pandas' own string arrays costs a call per value,
        # about 50 ms for England's 33,800 LSOAs, paid on a map's first request in each worker.
        state["centroids"] = dict(zip(frame["lsoa_code"].tolist(),
                                      zip(frame["centroid_lon"].tolist(), frame["centroid_lat"].tolist())))
    return state["centroids"]


def tolerance_for(codes: Iterable[str]) -> float:
    """The coarsest level that moves no point by more than about a pixel on a map of these LSOAs."""
    centroids = _centroids()
    points = np.array([centroids[code] for code in codes if code in centroids], dtype=float)
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
    return {"type": "FeatureCollection", "features": _features(geometries, level)}


def _features(geometries: dict[str, str], level: float) -> list[dict]:
    """The GeoJSON features of these simplified geometries, parsed once per warehouse and level: a sub-ICB's
    thousands of boundaries took about 50 ms to parse on every view of its map. Shared between requests, so
    read, never changed, by whoever draws them."""
    state = _state()
    with _lock:
        parsed = state["features"].setdefault(level, {})
        missing = [code for code in geometries if code not in parsed]
    if missing:
        texts = ",".join(f'{{"type":"Feature","id":{json.dumps(code)},"properties":{{}},"geometry":{geometries[code]}}}'
                         for code in missing)
        new = json.loads(f"[{texts}]")
        # Each ring as a numpy array: Dash serialises a layout by walking every Python list in it, which
        # took ~200 ms for a sub-ICB's boundaries; numpy arrays pass through untouched to orjson, which
        # writes them as the same nested lists.
        for feature in new:
            geometry = feature["geometry"]
            if geometry["type"] == "Polygon":
                geometry["coordinates"] = [np.asarray(ring) for ring in geometry["coordinates"]]
            else:
                geometry["coordinates"] = [[np.asarray(ring) for ring in polygon]
                                           for polygon in geometry["coordinates"]]
        with _lock:
            parsed.update(zip(missing, new))
    return [parsed[code] for code in geometries]


# --- council outlines ------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)  # compared by identity: its fields are numpy arrays
class CouncilOutline:
    """One council's boundary as lines: lon and lat hold every ring, with NaN between rings (plotly
    breaks a line at a gap), as float32 (about 0.4 m in England, half the bytes of float64); label_lon
    and label_lat are a point well inside it, where its name goes; shape is the simplified polygon,
    kept so a map whose view shows only part of the council can put the name in that part."""

    code: str
    name: str
    lon: np.ndarray
    lat: np.ndarray
    label_lon: float
    label_lat: float
    shape: shapely.Geometry = field(repr=False, compare=False)

    @property
    def sent_bytes(self) -> int:
        """What one copy of the lines costs in a response: two float32 arrays, base64-encoded."""
        return 2 * 4 * math.ceil(len(self.lon) * 4 / 3)


def outline_of(code: str, name: str, dissolved: shapely.Geometry, tolerance: float) -> CouncilOutline:
    """A dissolved council as lines simplified at tolerance, with a point for its name.

    The name goes at the centre of the largest circle inside the council's largest part (polylabel),
    rather than shapely's point_on_surface, which can fall next to an edge: a label centred there
    would spill over into the neighbour and read as naming it.
    """
    simplified = shapely.simplify(dissolved, tolerance, preserve_topology=True)
    rings = [shapely.get_coordinates(ring) for part in shapely.get_parts(simplified)
             for ring in shapely.get_rings(part)]
    gap = np.full((1, 2), np.nan)
    stacked = np.vstack([piece for ring in rings for piece in (gap, ring)][1:]).astype(np.float32)
    label_lon, label_lat = label_point(dissolved, tolerance)
    return CouncilOutline(code=code, name=name, lon=stacked[:, 0], lat=stacked[:, 1],
                          label_lon=label_lon, label_lat=label_lat, shape=simplified)


def label_point(area: shapely.Geometry, tolerance: float) -> tuple[float, float]:
    """The centre of the largest circle inside area's largest part (to within tolerance), rounded."""
    largest = max(shapely.get_parts(area), key=lambda part: part.area)
    try:
        point = shapely.get_coordinates(shapely.maximum_inscribed_circle(largest, tolerance))[0]
    except shapely.errors.GEOSException:
        point = shapely.get_coordinates(shapely.point_on_surface(largest))[0]
    return round(float(point[0]), DECIMALS), round(float(point[1]), DECIMALS)


def _councils() -> dict:
    """Which council each LSOA with a boundary is in, and each council's name."""
    state = _state()
    if state["councils"] is None:
        frame = db.run_query("catchment__lsoa_councils")
        lsoas, councils = frame["lsoa_code"].tolist(), frame["council_code"].tolist()  # as _centroids says
        state["councils"] = {"of": dict(zip(lsoas, councils)),
                             "names": dict(zip(councils, frame["council_name"].tolist()))}
    return state["councils"]


def councils_of(codes: Iterable[str]) -> list[str]:
    """The codes of the councils these LSOAs are in (those with a boundary), in name order."""
    councils = _councils()
    found = {councils["of"][code] for code in codes if code in councils["of"]}
    return sorted(found, key=lambda council: (councils["names"][council], council))


def council_outline(code: str, tolerance: float = LEVELS[0]) -> CouncilOutline | None:
    """One council's outline at the level of tolerance (rounded down to one of LEVELS), from the outline the
    build dissolved (geo_council, etl/outlines.py), simplified the first time any map needs it at that level
    and kept for this warehouse; None for a council without boundaries."""
    level = max([value for value in LEVELS if value <= tolerance], default=LEVELS[0])
    state = _state()
    with _lock:
        # the dicts of this warehouse's cache: a rebuild meanwhile replaces them, so nothing stale lands in its
        outlines = state["outlines"]
        if (code, level) in outlines:
            return outlines[(code, level)]
    frame = db.run_query("catchment__council_outline", council=code)
    outline = None
    if len(frame):
        dissolved = shapely.from_geojson(frame["outline_geojson"].iloc[0])
        outline = outline_of(code, frame["council_name"].iloc[0], dissolved, level)
    with _lock:
        outlines[(code, level)] = outline  # None too: remembered so it is not asked again
    return outline


def council_outlines(codes: Iterable[str], tolerance: float | None = None, include: Iterable[str] = (),
                     max_bytes: int = MAX_OUTLINE_BYTES) -> list[CouncilOutline]:
    """The outlines of the councils the LSOA codes are in, plus the councils in include, in name order.

    Simplified at tolerance (default `tolerance_for(codes)`, the level the LSOAs are drawn at), or
    coarser where the outlines together would exceed max_bytes.
    """
    wanted = [str(code) for code in codes if code]
    chosen = list(dict.fromkeys([*councils_of(wanted), *[code for code in include if code]]))
    start = tolerance_for(wanted) if tolerance is None else tolerance
    outlines: list[CouncilOutline] = []
    for level in [value for value in LEVELS if value >= start] or [LEVELS[-1]]:
        outlines = [outline for outline in (council_outline(code, level) for code in chosen) if outline]
        if sum(outline.sent_bytes for outline in outlines) <= max_bytes:
            break
    return outlines
