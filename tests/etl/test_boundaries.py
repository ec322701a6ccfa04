"""LSOA boundaries in the forms people have them: renamed properties, 2011 LSOAs, a single Feature,
line-delimited features; and feature-level faults rejected (or repaired, and said so), never the build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.errors import BuildFailed

BOUNDARIES = Path("ons/lsoa_boundaries.geojson")
LOOKUP = Path("ons/LSOA11_LSOA21_LAD22_EW_LU.csv")
CODES = ["E01000001", "E01000002", "E01000003", "E01000004", "E01000005", "E01000006"]


def square(i: int) -> list:
    x = -1.5 + i * 0.01
    return [[[x, 52.5], [x + 0.01, 52.5], [x + 0.01, 52.51], [x, 52.51], [x, 52.5]]]


def feature(code: str, i: int, code_key="LSOA21CD", name_key="LSOA21NM", coordinates=None) -> dict:
    return {"type": "Feature", "properties": {code_key: code, name_key: f"Area {i}"},
            "geometry": {"type": "Polygon", "coordinates": coordinates or square(i)}}


def write_collection(raw: Path, features: list[dict], path: Path = BOUNDARIES) -> None:
    (raw / BOUNDARIES).unlink(missing_ok=True)
    (raw / path).write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def run(raw: Path, db: Path, **options):
    report = build(raw, db, echo=lambda _: None, **options)
    con = duckdb.connect(str(db), read_only=True)
    try:
        geo = con.execute("select lsoa_code, lsoa_name, centroid_lon from geo_lsoa order by lsoa_code").fetchall()
        log = con.execute("select file, status, rows_read, rows_loaded, rows_rejected, note from dq_load_log "
                          "where source = 'lsoa_boundaries' order by file").fetchall()
        rejected = con.execute('select file, line, "column", value, reason from dq_rejected_rows '
                               "where source = 'lsoa_boundaries' order by file, line").fetchall()
    finally:
        con.close()
    return report, geo, log, rejected


@pytest.mark.parametrize("code_key, name_key", [
    ("lsoa21cd", "lsoa21nm"), ("Lsoa21Cd", "LSOA21NM"), ("area_code", "area_name"), ("code", "name"),
    ("LSOA21 Code", "LSOA21 Name"), ("areacd", "areanm"),
])
def test_property_name_aliases_for_2021_codes(tiny_raw, tmp_path, code_key, name_key):
    write_collection(tiny_raw, [feature(code, i, code_key, name_key) for i, code in enumerate(CODES)])
    _, geo, log, rejected = run(tiny_raw, tmp_path / "w.duckdb")
    assert [row[:2] for row in geo] == [(code, f"Area {i}") for i, code in enumerate(CODES)]
    assert log[0][1:5] == ("loaded", 6, 6, 0) and rejected == []


def test_generic_code_property_that_is_not_an_lsoa_is_not_taken_for_one(tiny_raw, tmp_path):
    write_collection(tiny_raw, [feature("E06000021", 0, "code", "name")])
    with pytest.raises(BuildFailed) as failure:
        build(tiny_raw, tmp_path / "w.duckdb", echo=lambda _: None)
    assert ("ons/lsoa_boundaries.geojson, line 1: not recognised: GeoJSON whose code values are not LSOA codes "
            "(the first is 'E06000021'; expected LSOA codes like E01012345)") in str(failure.value)


def test_2011_boundaries_are_mapped_to_2021_through_the_lookup(tiny_raw, tmp_path):
    # 2011 LSOAs E01000001-4 are unchanged; E01000099 split into E01000005 and E01000006 (tests/factory.py)
    codes11 = ["E01000001", "E01000002", "E01000003", "E01000004", "E01000099", "E01000777"]
    write_collection(tiny_raw, [feature(code, i, "LSOA11CD", "LSOA11NM") for i, code in enumerate(codes11)],
                     Path("ons/lsoa_2011.geojson"))
    _, geo, log, rejected = run(tiny_raw, tmp_path / "w.duckdb")
    assert [code for code, *_ in geo] == CODES
    # names come from the lookup; both halves of the split LSOA are drawn with the 2011 parent (feature 5)
    assert geo[4][1:] == ("Fell 001B", geo[5][2]) and geo[5][1] == "Fell 001C"
    (file, status, read, loaded, rejected_count, note), = log
    assert (file, status, read, loaded, rejected_count) == ("ons/lsoa_2011.geojson", "loaded", 6, 5, 1)
    assert "2011 LSOA boundaries mapped to 6 2021 LSOAs through the LSOA (2011) to LSOA (2021) lookup" in note
    assert "2 split from a 2011 LSOA are drawn with that whole 2011 boundary" in note
    assert rejected == [("ons/lsoa_2011.geojson", 6, "LSOA11CD", "E01000777",
                         "feature 6 (E01000777): not in the LSOA (2011) to LSOA (2021) lookup, so its 2021 LSOA "
                         "is unknown (expected a 2011 LSOA code the lookup lists)")]


def test_2011_boundaries_without_the_lookup_are_listed_as_not_used(tiny_raw, tmp_path):
    write_collection(tiny_raw, [feature(code, i, "LSOA11CD", "LSOA11NM") for i, code in enumerate(CODES)],
                     Path("ons/lsoa_2011.geojson"))
    (tiny_raw / LOOKUP).unlink()
    report, geo, log, _ = run(tiny_raw, tmp_path / "w.duckdb")  # the build goes on
    why = dict(report.unrecognised)["ons/lsoa_2011.geojson"]
    assert why.startswith("2011 LSOA boundaries, and no LSOA (2011) to LSOA (2021) lookup was loaded")
    assert geo == []
    assert log == [("ons/lsoa_2011.geojson", "not used", 6, 0, 0, why)]


def test_single_feature_and_line_delimited_features_are_read(tiny_raw, tmp_path):
    (tiny_raw / BOUNDARIES).unlink()
    (tiny_raw / "ons" / "E01000001.geojson").write_text(json.dumps(feature("E01000001", 0)))
    lines = [json.dumps(feature(code, i)) for i, code in enumerate(CODES) if i > 0]
    lines.insert(2, "{not json")
    (tiny_raw / "ons" / "lsoa21.geojsonl").write_text("\n".join(lines) + "\n")
    (tiny_raw / "ons" / "more.ndjson").write_text(json.dumps(feature("E01000009", 9, "lsoa21cd", "lsoa21nm")) + "\n")
    _, geo, log, rejected = run(tiny_raw, tmp_path / "w.duckdb")
    assert [code for code, *_ in geo] == CODES + ["E01000009"]
    assert [row[:5] for row in log] == [("ons/E01000001.geojson", "loaded", 1, 1, 0),
                                        ("ons/lsoa21.geojsonl", "loaded", 6, 5, 1),
                                        ("ons/more.ndjson", "loaded", 1, 1, 0)]
    assert rejected == [("ons/lsoa21.geojsonl", 3, None, None,
                         "line 3: not valid JSON (Expecting property name enclosed in double quotes, column 2)")]


def test_feature_faults_are_rejected_with_feature_and_code_and_the_build_goes_on(tiny_raw, tmp_path):
    features = [feature(code, i) for i, code in enumerate(CODES)]
    features[1]["geometry"]["coordinates"] = [[[999, 999], [999.01, 999], [999.01, 999.01], [999, 999]]]
    features[2]["geometry"]["coordinates"] = [[[-1.48, 52.5], [-1.47, 52.5], [-1.48, 52.5], [-1.48, 52.5]]]
    features[3]["geometry"] = {"type": "Point", "coordinates": [-1.45, 52.5]}
    write_collection(tiny_raw, features)
    _, geo, log, rejected = run(tiny_raw, tmp_path / "w.duckdb")
    assert [code for code, *_ in geo] == ["E01000001", "E01000005", "E01000006"]
    assert log[0][1:5] == ("loaded", 6, 3, 3)
    file = BOUNDARIES.as_posix()
    assert rejected == [
        (file, 2, "geometry", "[999, 999]",
         "feature 2 (E01000002): coordinates out of range at [999, 999] (expected longitude -180 to 180 and "
         "latitude -90 to 90, WGS84 degrees; a file in British National Grid metres must be converted to WGS84 first)"),
        (file, 3, "geometry", "Too few points in geometry component[-1.48 52.5]",
         "feature 3 (E01000003): invalid geometry (Too few points in geometry component[-1.48 52.5]) that no "
         "standard repair turns into an area (expected a Polygon whose rings enclose an area)"),
        (file, 4, "geometry", "Point", "feature 4 (E01000004): expected a Polygon or MultiPolygon"),
    ]


def test_self_intersecting_polygon_is_repaired_and_the_repair_stated(tiny_raw, tmp_path):
    features = [feature(code, i) for i, code in enumerate(CODES)]
    x = -1.46
    # a bow tie: the ring crosses itself at its middle
    features[3]["geometry"]["coordinates"] = [[[x, 52.5], [x + 0.01, 52.51], [x + 0.01, 52.5], [x, 52.51], [x, 52.5]]]
    write_collection(tiny_raw, features)
    _, geo, log, rejected = run(tiny_raw, tmp_path / "w.duckdb")
    assert rejected == [] and len(geo) == 6
    assert log[0][1:5] == ("loaded", 6, 6, 0)
    assert log[0][5] == ("line = feature number; 1 invalid geometry repaired with shapely make_valid "
                         "(feature 4 (E01000004): Self-intersection[-1.455 52.505])")


@pytest.mark.realdata
def test_real_2011_boundaries_layout_mapped_through_the_real_best_fit_lookup(realdata, tmp_path):
    """martinjc/UK-GeoJSON's layout (FORMATS.md §7: a crs member, LSOA11CD/LSOA11NM) beside the real
    files, whose best-fit lookup has a BOM, ObjectId first and no CHGIND. Real codes: Stoke-on-Trent
    021C (2011) is E01014280, which 2021 renamed Stoke-on-Trent 035B."""
    raw = tmp_path / "raw"
    for folder in ("ods", "nhs", "ons"):
        shutil.copytree(realdata / folder, raw / folder)
    document = {"type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
                "features": [feature("E01014280", 0, "LSOA11CD", "LSOA11NM"),
                             feature("E01014229", 1, "LSOA11CD", "LSOA11NM")]}
    (raw / "ons" / "E06000021.json").write_text(json.dumps(document))
    _, geo, log, rejected = run(raw, tmp_path / "w.duckdb")
    assert [row[:2] for row in geo] == [("E01014229", "Stoke-on-Trent 017F"), ("E01014280", "Stoke-on-Trent 035B")]
    assert log[0][1:5] == ("loaded", 2, 2, 0) and rejected == []
