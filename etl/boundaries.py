"""LSOA boundaries in the forms people have them, loaded feature by feature.

Forms read: a GeoJSON FeatureCollection, a single Feature, and newline-delimited features
(.geojsonl / .ndjson, one Feature a line). Codes and names are found under the property names real
files use (PROPERTY_NAMES). 2011 LSOA boundaries are mapped to 2021 LSOAs through the LSOA (2011) to
LSOA (2021) lookup once every file is loaded; without that lookup the file is listed as not used and
the build goes on.

Every fault is a feature's, never the file's: an unreadable or non-polygon geometry, or coordinates
outside WGS84 degrees, rejects that feature (dq_rejected_rows: file, feature number, LSOA code); an
invalid polygon (self-intersection, a ring that crosses itself) is repaired with shapely's make_valid,
the standard repair, and the repair is stated in the file's dq_load_log note. Trade-off: a 2021 LSOA
split from one 2011 LSOA can only be drawn with its whole 2011 parent's boundary (the parts overlap
on the map); the note says how many.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from etl.errors import SourceError
from etl.sources import HeaderMatch, Source, normalise_header

GEOMETRY_TOLERANCE_DEGREES = 0.0002  # about 15 m: invisible at LSOA scale, a third of the bytes
LINE_DELIMITED = {".geojsonl", ".ndjson", ".jsonl"}
LSOA_CODE = re.compile(r"[EW]01[0-9]{6}")
NOTE_EXAMPLES = 5  # repaired features named in a note; the rest are counted

# Code and name property names, compared after normalise_header (so case, spaces and '-' do not
# matter): ONS portal downloads (LSOA21CD), lower-cased copies (lsoa21cd), councils' renamed copies
# (area_code/area_name, code/name), ONS's newer areacd/areanm, Nomis/census geo_code/geo_label.
# Generic names ("code") count only with their name property beside them and an LSOA-shaped code,
# so LAD or ward boundaries are not mistaken for LSOAs. Generic names are taken as 2021 LSOAs.
PROPERTY_NAMES = (
    # (code, name, vintage, generic)
    (r"LSOA_?21_?(CD|CODE)|LSOA_?(CD|CODE)_?2021", r"LSOA_?21_?(NM|NAME)|LSOA_?(NM|NAME)_?2021", 2021, False),
    (r"LSOA_?11_?(CD|CODE)|LSOA_?(CD|CODE)_?2011", r"LSOA_?11_?(NM|NAME)|LSOA_?(NM|NAME)_?2011", 2011, False),
    (r"LSOA_?(CD|CODE)", r"LSOA_?(NM|NAME)", 2021, False),
    (r"AREA_?(CD|CODE)", r"AREA_?(NM|NAME)", 2021, True),
    (r"GEO_?CODE", r"GEO_?(LABEL|NAME)", 2021, True),
    (r"CODE", r"NAME", 2021, True),
)
EXPECTED_PROPERTIES = ("LSOA21CD and LSOA21NM (any case), LSOA11CD and LSOA11NM, area_code and area_name, "
                       "or code and name")


def feature_list(document: object) -> list | None:
    """The features of a FeatureCollection, a single Feature, or line-delimited features; else None."""
    if not isinstance(document, dict):
        return None
    if document.get("type") == "FeatureCollection":
        features = document.get("features")
        return features if isinstance(features, list) else []
    if document.get("type") == "Feature":
        return [document]
    return None


def read_lines(text: str) -> dict:
    """Newline-delimited GeoJSON: one Feature a line. A line that is not JSON is kept as a placeholder
    feature, rejected with its line when loaded; blank lines are skipped but keep the numbering."""
    features, numbers = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            feature = json.loads(line)
        except json.JSONDecodeError as error:
            feature = {"unreadable": f"not valid JSON ({error.msg}, column {error.colno})"}
        except RecursionError:
            feature = {"unreadable": "JSON nested deeper than Python's reader goes"}
        if isinstance(feature, dict) and feature.get("type") == "FeatureCollection":
            feature = {"unreadable": "a FeatureCollection on one line (expected one Feature a line)"}
        features.append(feature)
        numbers.append(number)
    return {"type": "FeatureCollection", "features": features, "line_numbers": numbers}


def recognise(document: object, source: Source) -> tuple[HeaderMatch | None, str]:
    """Which properties hold the LSOA code and name, and their vintage; else None and why."""
    features = feature_list(document)
    if features is None:
        return None, ""
    if not features:
        return None, "GeoJSON with no features (expected LSOA polygons as GeoJSON Features)"
    properties = next((f["properties"] for f in features
                       if isinstance(f, dict) and isinstance(f.get("properties"), dict)), None)
    if properties is None:
        return None, f"GeoJSON without properties on its features (expected {EXPECTED_PROPERTIES})"
    names = {normalise_header(str(key)): key for key in properties}
    for code_pattern, name_pattern, vintage, generic in PROPERTY_NAMES:
        code_key = next((key for norm, key in names.items() if re.fullmatch(code_pattern, norm)), None)
        name_key = next((key for norm, key in names.items() if re.fullmatch(name_pattern, norm)), None)
        if code_key is None or (generic and name_key is None):
            continue
        if generic and not LSOA_CODE.fullmatch(str(properties[code_key]).strip().upper()):
            return None, (f"GeoJSON whose {code_key} values are not LSOA codes (the first is "
                          f"{str(properties[code_key])[:20]!r}; expected LSOA codes like E01012345)")
        mapping = {"lsoa21_code": code_key, **({"lsoa21_name": name_key} if name_key else {})}
        return HeaderMatch(source, mapping, vintage, []), ""
    shown = ", ".join(str(key) for key in list(properties)[:8]) + (", ..." if len(properties) > 8 else "")
    return None, f"GeoJSON without LSOA code properties (found {shown}; expected {EXPECTED_PROPERTIES})"


def _property(feature: dict, key: str | None) -> str:
    properties = feature.get("properties")
    if key is None or not isinstance(properties, dict):
        return ""
    value = properties.get(key)
    if value is None:  # another feature may spell the key in another case
        value = next((v for k, v in properties.items() if str(k).lower() == key.lower()), None)
    return "" if value is None else str(value).strip()


@dataclass
class Loaded:
    rows_read: int
    note: str


def load(con: duckdb.DuckDBPyConnection, raw, file_id: int) -> Loaded:
    document, raw.document = raw.document, None  # parsed once, at recognition; freed once loaded
    features = feature_list(document) or []
    numbers = document.get("line_numbers") or list(range(1, len(features) + 1))
    if not features:
        raise SourceError(raw.name, "has no features", expected="LSOA polygons as GeoJSON Features")
    code_key, name_key = raw.match.mapping["lsoa21_code"], raw.match.mapping.get("lsoa21_name")
    vintage = raw.match.vintage or 2021
    rejects: list[tuple[int, str | None, str | None, str]] = []

    def reject(index: int, column: str | None, value: str | None, problem: str) -> None:
        rejects.append((numbers[index], column, value, f"{labels[index]}: {problem}"))

    # A feature that is not a JSON object, or whose properties are not one, has no code: rejected below.
    features = [feature if isinstance(feature, dict) else {} for feature in features]
    codes = [_property(feature, code_key) for feature in features]
    names = [_property(feature, name_key) for feature in features]
    word = "line" if "line_numbers" in document else "feature"
    labels = [f"{word} {numbers[i]}" + (f" ({codes[i]})" if codes[i] else "") for i in range(len(features))]

    geometries = np.empty(len(features), dtype=object)
    for index, feature in enumerate(features):
        if "unreadable" in feature:
            reject(index, None, None, feature["unreadable"])
            continue
        try:
            geometries[index] = shape(feature.get("geometry"))
        except (AttributeError, TypeError, ValueError, KeyError, IndexError, shapely.errors.GEOSException) as error:
            reject(index, "geometry", None, f"unreadable geometry ({error})")
        except RecursionError:  # shapely walks nested coordinate lists recursively
            reject(index, "geometry", None, "unreadable geometry (coordinates nested too deeply; expected a "
                                            "Polygon's 3 levels or a MultiPolygon's 4)")
    present = np.array([g is not None for g in geometries])
    kinds = np.array([g.geom_type if g is not None else "" for g in geometries])
    polygonal = np.isin(kinds, ["Polygon", "MultiPolygon"])
    for index in np.flatnonzero(present & ~polygonal):
        reject(index, "geometry", str(kinds[index]), "expected a Polygon or MultiPolygon")
    empty = np.zeros(len(features), dtype=bool)
    empty[polygonal] = shapely.is_empty(geometries[polygonal])
    for index in np.flatnonzero(empty):
        reject(index, "geometry", None, "empty geometry (expected a Polygon or MultiPolygon with coordinates)")
    usable = polygonal & ~empty

    # WGS84 degrees only: [999, 999], or a file still in British National Grid metres, cannot be drawn.
    bounds = np.full((len(features), 4), np.nan)
    bounds[usable] = shapely.bounds(geometries[usable])
    with np.errstate(invalid="ignore"):
        in_range = ((bounds[:, 0] >= -180) & (bounds[:, 2] <= 180) & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90))
    for index in np.flatnonzero(usable & ~in_range):
        xy = shapely.get_coordinates(geometries[index])
        bad = xy[~((xy[:, 0] >= -180) & (xy[:, 0] <= 180) & (xy[:, 1] >= -90) & (xy[:, 1] <= 90))][0]
        shown = f"[{bad[0]:g}, {bad[1]:g}]"
        reject(index, "geometry", shown,
               f"coordinates out of range at {shown} (expected longitude -180 to 180 and latitude -90 to 90, "
               "WGS84 degrees; a file in British National Grid metres must be converted to WGS84 first)")
    usable &= in_range

    # Invalid polygons get the standard repair; one that leaves no area is rejected instead.
    repaired = []
    invalid = np.flatnonzero(usable)[~shapely.is_valid(geometries[usable])]
    for index in invalid:
        why = shapely.is_valid_reason(geometries[index])
        fixed = _polygonal(shapely.make_valid(geometries[index]))
        if fixed is None:
            reject(index, "geometry", why, f"invalid geometry ({why}) that no standard repair turns into an area "
                                           "(expected a Polygon whose rings enclose an area)")
            usable[index] = False
        else:
            geometries[index] = fixed
            repaired.append(f"{labels[index]}: {why}")

    for index in np.flatnonzero(usable):
        if not LSOA_CODE.fullmatch(codes[index].upper()):
            reject(index, code_key, codes[index], "expected an LSOA code like E01012345")
            usable[index] = False

    note = "line = line of the file (one feature a line)" if word == "line" else "line = feature number"
    if repaired:
        shown = "; ".join(repaired[:NOTE_EXAMPLES]) + (f"; and {len(repaired) - NOTE_EXAMPLES} more"
                                                       if len(repaired) > NOTE_EXAMPLES else "")
        note += f"; {len(repaired)} invalid geometr{'y' if len(repaired) == 1 else 'ies'} repaired with " \
                f"shapely make_valid ({shown})"
    kept = np.flatnonzero(usable)
    if vintage == 2011:
        frame = pd.DataFrame({"file_id": file_id, "line": [numbers[i] for i in kept],
                              "lsoa11_code": [codes[i].upper() for i in kept],
                              "geometry_wkb": shapely.to_wkb(geometries[kept]) if len(kept) else []})
        con.execute("create table if not exists raw.lsoa11_boundaries "
                    "(file_id integer, line bigint, lsoa11_code varchar, geometry_wkb blob)")
        _insert(con, "raw.lsoa11_boundaries", frame)
    else:
        _insert(con, "raw.lsoa_boundaries", _display_frame(
            file_id, [numbers[i] for i in kept], [codes[i] for i in kept], [names[i] for i in kept],
            geometries[kept]))
    if rejects:
        con.executemany(
            "insert into dq_rejected_rows (file_id, file, source, line, \"column\", value, reason) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [[file_id, raw.name, raw.source.name, line, column, value, reason]
             for line, column, value, reason in rejects])
    return Loaded(len(features), note)


def _polygonal(geometry):
    """The area of a repaired geometry: make_valid may add stray lines or points beside the polygons."""
    if geometry.geom_type in {"Polygon", "MultiPolygon"}:
        return None if geometry.is_empty else geometry
    parts = [part for part in shapely.get_parts(geometry) if part.geom_type in {"Polygon", "MultiPolygon"}]
    return shapely.union_all(parts) if parts else None


def _display_frame(file_id: int, lines: list, codes: list, names: list, shapes: np.ndarray) -> pd.DataFrame:
    """Shapely 2 works on whole arrays: simplify for display, and find a point inside each."""
    shapes = np.asarray(shapes, dtype=object)
    simplified = shapely.set_precision(shapely.simplify(shapes, GEOMETRY_TOLERANCE_DEGREES, preserve_topology=True),
                                       1e-5)
    inside = shapely.point_on_surface(shapes)
    return pd.DataFrame({
        "file_id": file_id, "line": lines, "_vintage": None,
        "lsoa21_code": codes, "lsoa21_name": names,
        "geometry_geojson": shapely.to_geojson(simplified) if len(shapes) else [],
        "centroid_lon": np.round(shapely.get_x(inside), 6) if len(shapes) else [],
        "centroid_lat": np.round(shapely.get_y(inside), 6) if len(shapes) else [],
    })


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    con.register("boundaries_frame", frame)
    con.execute(f"insert into {table} by name select * from boundaries_frame")
    con.unregister("boundaries_frame")


def map_2011(con: duckdb.DuckDBPyConnection, files: list, valid_lookup_sql: str) -> list[tuple[str, str]]:
    """Turn the loaded 2011 boundaries into 2021 LSOAs through the lookup; returns the files not used
    (name, why) when there is no lookup. `files` are (file_id, RawFile) of 2011 boundary files."""
    if not files:
        return []
    lookup = con.execute(
        f"select distinct upper(trim(lsoa11_code)), upper(trim(lsoa21_code)), trim(coalesce(lsoa21_name, '')), "
        f"upper(trim(coalesce(change_indicator, ''))) from {valid_lookup_sql} as rows").fetchall()
    if not lookup:
        why = ("2011 LSOA boundaries, and no LSOA (2011) to LSOA (2021) lookup was loaded to map them to 2021 "
               "LSOAs (expected LSOA11_LSOA21_LAD22_EW_LU.csv or similar in the raw folder, or 2021 boundaries)")
        for file_id, _ in files:
            con.execute("update dq_load_log set status = 'not used', rows_loaded = 0, note = ? where file_id = ?",
                        [why, file_id])
        return [(raw.name, why) for _, raw in files]
    to_2021: dict[str, list[tuple[str, str]]] = {}
    for code11, code21, name21, _ in lookup:
        to_2021.setdefault(code11, []).append((code21, name21))
    have_2021 = {row[0] for row in con.execute(
        "select distinct upper(trim(lsoa21_code)) from raw.lsoa_boundaries anti join "
        "(select file_id, line from dq_rejected_rows where source = 'lsoa_boundaries') using (file_id, line)"
    ).fetchall()}
    names = {file_id: raw.name for file_id, raw in files}
    written = {file_id: raw.match.mapping["lsoa21_code"] for file_id, raw in files}
    features = con.execute(
        "select file_id, line, lsoa11_code, geometry_wkb from raw.lsoa11_boundaries "
        "anti join (select file_id, line from dq_rejected_rows where source = 'lsoa_boundaries') using (file_id, line) "
        "order by file_id, line").fetchall()
    parts: dict[str, list] = {}  # 2021 code -> [(file_id, line, 2011 code, name, wkb)]
    rejects, already = [], {file_id: 0 for file_id in names}
    for file_id, line, code11, wkb in features:
        targets = to_2021.get(code11)
        if not targets:
            rejects.append([file_id, names[file_id], "lsoa_boundaries", line, written[file_id], code11,
                            f"feature {line} ({code11}): not in the LSOA (2011) to LSOA (2021) lookup, so its "
                            "2021 LSOA is unknown (expected a 2011 LSOA code the lookup lists)"])
            continue
        for code21, name21 in targets:
            if code21 in have_2021:
                already[file_id] += 1
                continue
            parts.setdefault(code21, []).append((file_id, line, code11, name21, wkb))
    if rejects:
        con.executemany("insert into dq_rejected_rows (file_id, file, source, line, \"column\", value, reason) "
                        "values (?, ?, ?, ?, ?, ?, ?)", rejects)
    shared = {code11 for code11, targets in to_2021.items() if len({t[0] for t in targets}) > 1}
    by_file: dict[int, list] = {}
    for code21, pieces in sorted(parts.items()):
        file_id, line = pieces[0][0], min(piece[1] for piece in pieces if piece[0] == pieces[0][0])
        by_file.setdefault(file_id, []).append((line, code21, pieces))
    for file_id in names:
        rows = by_file.get(file_id, [])
        shapes = np.empty(len(rows), dtype=object)
        for i, (_, _, pieces) in enumerate(rows):
            geoms = shapely.from_wkb([piece[4] for piece in pieces])
            shapes[i] = geoms[0] if len(geoms) == 1 else _polygonal(shapely.make_valid(shapely.union_all(geoms)))
        _insert(con, "raw.lsoa_boundaries", _display_frame(
            file_id, [r[0] for r in rows], [r[1] for r in rows], [r[2][0][3] for r in rows], shapes))
        merged = sum(1 for r in rows if len(r[2]) > 1)
        split = sum(1 for r in rows if any(piece[2] in shared for piece in r[2]))
        note = (f"2011 LSOA boundaries mapped to {len(rows):,} 2021 LSOAs through the LSOA (2011) to LSOA (2021) "
                f"lookup (line = feature number of the first 2011 feature)")
        if merged:
            note += f"; {merged:,} drawn as the union of the 2011 LSOAs merged into them"
        if split:
            note += f"; {split:,} split from a 2011 LSOA are drawn with that whole 2011 boundary"
        if already[file_id]:
            note += f"; {already[file_id]:,} already had a 2021 boundary, which was kept"
        con.execute("update dq_load_log set note = note || '; ' || ? where file_id = ?", [note, file_id])
    return []
