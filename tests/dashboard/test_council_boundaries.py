"""Council boundaries over the maps: dissolved from LSOA boundaries, cached per warehouse, named.

In the tiny area (tests/factory.py) every LSOA is a 0.01-degree square on one row from longitude -1.5:
E01000001-2 are Unitown, so Unitown is the rectangle -1.50..-1.48 x 52.50..52.51; E01000003-6 are
Countyshire, the rectangle -1.48..-1.44 x 52.50..52.51. A00001's home council is Unitown.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.dashboard.helpers import figures, text_of, values

UNITOWN, COUNTYSHIRE = "E06000901", "E10000901"
UNITOWN_BOX = (-1.50, 52.50, -1.48, 52.51)
COUNTYSHIRE_BOX = (-1.48, 52.50, -1.44, 52.51)


def square(west: float, south: float, side: float = 0.01) -> str:
    ring = [[west, south], [west + side, south], [west + side, south + side], [west, south + side], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def corners(box) -> set:
    west, south, east, north = box
    return {(west, south), (east, south), (east, north), (west, north)}


def line_points(trace) -> set:
    """The (lon, lat) points of a line trace, gaps left out, rounded to the 5 decimals boundaries keep."""
    lon, lat = np.asarray(values(trace.lon), dtype=float), np.asarray(values(trace.lat), dtype=float)
    kept = ~np.isnan(lon)
    return {(round(x, 5), round(y, 5)) for x, y in zip(lon[kept], lat[kept])}


def inside(point, box, margin: float = 0.0) -> bool:
    west, south, east, north = box
    return west + margin < point[0] < east - margin and south + margin < point[1] < north - margin


def boundary_traces(figure) -> dict:
    """{council name: its line trace} of a map."""
    return {trace.meta["council_name"]: trace for trace in figure.data
            if trace.type == "scattergeo" and isinstance(trace.meta, dict) and "council_code" in trace.meta}


def labels(figure) -> dict:
    """{label text: (lon, lat)} of a map's council names."""
    [trace] = [trace for trace in figure.data if isinstance(trace.meta, dict) and trace.meta.get("council_names")]
    return {text: (lon, lat) for text, lon, lat in zip(trace.text, trace.lon, trace.lat)}


# --- dissolving ------------------------------------------------------------------------------------------

def test_two_adjacent_squares_dissolve_into_one_rectangle():
    from dashboard import geometry
    from etl.outlines import dissolve

    dissolved = dissolve([square(-1.50, 52.50), square(-1.49, 52.50)])
    assert dissolved.geom_type == "Polygon" and not list(dissolved.interiors)
    assert dissolved.area == pytest.approx(2 * 0.01 * 0.01, rel=1e-9)
    assert dissolved.bounds == pytest.approx((-1.50, 52.50, -1.48, 52.51))
    outline = geometry.outline_of("X", "Squareshire", dissolved, geometry.LEVELS[0])
    # one closed ring: the four corners (the shared edge's ends, now mid-side, simplified away), no gap
    points = list(zip(outline.lon.astype(float).round(5), outline.lat.astype(float).round(5)))
    assert len(points) == 5 and points[0] == points[-1]
    assert set(points) == corners((-1.50, 52.50, -1.48, 52.51))
    # the name goes on the rectangle's middle line, at least half its height from every edge
    assert outline.label_lat == pytest.approx(52.505, abs=geometry.LEVELS[0])
    assert -1.4955 <= outline.label_lon <= -1.4845


def test_a_hole_is_kept_only_where_another_lsoa_lies_in_it():
    from dashboard import geometry
    from etl.outlines import dissolve

    # a ring of eight squares round an empty middle square (-1.49..-1.48 x 52.51..52.52)
    ring = [square(-1.50 + 0.01 * i, 52.50 + 0.01 * j) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    as_gap = dissolve(ring, np.array([[-1.60, 52.505]]))  # the only other LSOA is far away
    assert not list(as_gap.interiors) and as_gap.area == pytest.approx(9e-4)
    enclave = dissolve(ring, np.array([[-1.485, 52.515]]))  # another council's LSOA in the middle
    assert len(enclave.interiors) == 1 and enclave.area == pytest.approx(8e-4)
    outline = geometry.outline_of("X", "Ringshire", enclave, geometry.LEVELS[0])
    assert int(np.isnan(outline.lon).sum()) == 1  # two rings drawn, with one gap between them


def test_the_build_dissolves_each_council_once(tiny):
    import shapely

    rows = tiny.execute("select council_code, council_name, lsoa_count, outline_geojson from geo_council "
                        "order by council_code").fetchall()
    assert [(code, name, count) for code, name, count, _ in rows] == [
        (UNITOWN, "Unitown", 2), (COUNTYSHIRE, "Countyshire", 4)]
    for (_, _, _, text), box in zip(rows, (UNITOWN_BOX, COUNTYSHIRE_BOX)):
        outline = shapely.from_geojson(text)
        west, south, east, north = box
        # the squares' rectangle exactly: no gap, no sliver where neighbours meet
        assert outline.geom_type == "Polygon" and not list(outline.interiors)
        assert outline.area == pytest.approx((east - west) * (north - south), rel=1e-9)
        assert outline.bounds == pytest.approx(box)


def test_outlines_are_cached_per_warehouse_and_computed_only_when_asked(dashboard_db, monkeypatch):
    from dashboard import db, geometry

    unitown = geometry.council_outline(UNITOWN, geometry.LEVELS[0])
    assert (unitown.code, unitown.name) == (UNITOWN, "Unitown")
    assert line_points_of(unitown) == corners(UNITOWN_BOX)
    # the same object again, with no query run
    real_query = db.run_query
    monkeypatch.setattr(db, "run_query", lambda *args, **kwargs: pytest.fail(f"queried {args}"))
    assert geometry.council_outline(UNITOWN, geometry.LEVELS[0]) is unitown
    # a rebuilt warehouse starts afresh: the outline is read again (a new object, the same shape)
    asked = []
    monkeypatch.setattr(db, "run_query", lambda name, **params: asked.append(name) or real_query(name, **params))
    monkeypatch.setattr(db, "warehouse_version", lambda: -1)
    again = geometry.council_outline(UNITOWN, geometry.LEVELS[0])
    assert again is not unitown and line_points_of(again) == corners(UNITOWN_BOX)
    assert asked == ["catchment__council_outline"]  # the build's outline: no LSOA boundary is read
    # only the council asked for was simplified
    assert list(geometry._cache["outlines"]) == [(UNITOWN, geometry.LEVELS[0])]


def line_points_of(outline) -> set:
    kept = ~np.isnan(outline.lon)
    return {(round(float(x), 5), round(float(y), 5)) for x, y in zip(outline.lon[kept], outline.lat[kept])}


# --- on the pages ----------------------------------------------------------------------------------------

def catchment(**query):
    from dashboard.pages.catchment import layout

    return layout(**query)


def practice(code, **query):
    from dashboard.pages.practice import layout

    return layout(code, **query)


def test_catchment_map_of_a_practice_outlines_each_council_and_its_home_council_distinctly(dashboard_db):
    tree = catchment(period="2022-23", practice="A00001")
    figure = figures(tree)["catchment-map"]
    lines = boundary_traces(figure)
    # A00001's map draws the LSOAs of Unitown and Countyshire, so both are outlined, each by its whole boundary
    assert set(lines) == {"Unitown", "Countyshire"}
    assert line_points(lines["Unitown"]) == corners(UNITOWN_BOX)
    assert line_points(lines["Countyshire"]) == corners(COUNTYSHIRE_BOX)
    # the home council by shape, not only colour: a thicker line, and its own legend entry
    assert lines["Unitown"].meta["home"] and not lines["Countyshire"].meta["home"]
    assert lines["Unitown"].line.width >= 2 * lines["Countyshire"].line.width
    assert lines["Unitown"].name == "Home council: Unitown" and lines["Countyshire"].name == "Council boundary"
    assert figure.layout.showlegend is True
    # each name inside its own council, well away from the edge it shares with the other
    named = labels(figure)
    assert set(named) == {"Unitown (home council)", "Countyshire"}
    assert inside(named["Unitown (home council)"], UNITOWN_BOX, margin=0.004)
    assert inside(named["Countyshire"], COUNTYSHIRE_BOX, margin=0.004)
    # the lines and names never take the hover from the LSOA under them
    assert all(trace.hoverinfo == "skip" for trace in figure.data if trace.type == "scattergeo")
    assert ("The dark lines are the council boundaries of Unitown (the practice's home council, the thicker "
            "line) and Countyshire, named on the map.") in text_of(tree)


def test_catchment_map_of_a_council_and_of_the_whole_area(dashboard_db):
    tree = catchment(period="2022-23", council=COUNTYSHIRE)
    figure = figures(tree)["catchment-map"]
    lines = boundary_traces(figure)
    assert list(lines) == ["Countyshire"] and not lines["Countyshire"].meta["home"]
    assert line_points(lines["Countyshire"]) == corners(COUNTYSHIRE_BOX)
    assert list(labels(figure)) == ["Countyshire"]
    assert "The dark line is the council boundary of Countyshire, named on the map." in text_of(tree)
    # the whole area: no longer an unlabelled blob, both councils outlined and named, neither as home
    whole = figures(catchment(period="2022-23"))["catchment-map"]
    assert set(boundary_traces(whole)) == {"Unitown", "Countyshire"}
    assert set(labels(whole)) == {"Unitown", "Countyshire"}
    assert not any(trace.meta["home"] for trace in boundary_traces(whole).values())


def test_practice_map_outlines_its_home_council_and_the_whole_of_the_others(dashboard_db):
    tree = practice("A00001", period="2022-23")
    figure = figures(tree)["practice-map"]
    lines = boundary_traces(figure)
    # its patients live in E01000001-3: Unitown's two LSOAs and Dale's one, in Countyshire. Countyshire's
    # outline is the whole council (to -1.44), not just the one LSOA drawn.
    assert set(lines) == {"Unitown", "Countyshire"}
    assert line_points(lines["Countyshire"]) == corners(COUNTYSHIRE_BOX)
    assert lines["Unitown"].meta["home"] and lines["Unitown"].line.width > lines["Countyshire"].line.width
    assert inside(labels(figure)["Unitown (home council)"], UNITOWN_BOX)
    # the map is fitted to E01000001-3 (to -1.47), so Countyshire's own middle (-1.46) is out of view:
    # its name goes in the part of it that is seen
    (west, east), (south, north) = figure.layout.geo.lonaxis.range, figure.layout.geo.lataxis.range
    assert east < -1.46
    countyshire = labels(figure)["Countyshire"]
    assert inside(countyshire, COUNTYSHIRE_BOX) and inside(countyshire, (west, south, east, north))
    assert ("The dark lines are the council boundaries of Unitown (its home council, the thicker line) and "
            "Countyshire, named on the map.") in text_of(tree)
