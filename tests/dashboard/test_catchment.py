"""Catchment on the tiny area, against the crosswalk worked out by hand (tests/factory.py).

January 2023 release (period 2022-23), patients by council of residence:
    A00001 (home Unitown, PCN U00001) 110: Unitown 70 (E01000001 60, E01000002 10), Countyshire 30
           (E01000003), CLOSED 5 (unknown residence), Wales 5 (outside England)
    A00002 (home Countyshire, PCN U00001) 110: Unitown 9 (E01000001), Countyshire 101 (E01000003 40,
           E01000004 50, and 2011 E01000099's 11 split 6 to E01000005 and 5 to E01000006)
    A00003 (home Unitown by largest share, PCN U00002) 50: Unitown 30 (E01000001), Countyshire 20 (E01000004)
    Unitown residents 109, Countyshire 151. April 2024 release (period 2024-25): A00001 100, all in E01000001.
"""

from __future__ import annotations

import json

import pandas as pd
import plotly
import pytest
import shapely

from tests.dashboard.helpers import by_id, figures, grids, text_of, values, walk

UNITOWN, COUNTYSHIRE = "E06000901", "E10000901"
LT5, C = "<5", "[c]"


def page(**query):
    from dashboard.pages.catchment import layout

    return layout(**query)


def links(figure) -> dict:
    """{(source label, target label): patients} of a Sankey figure."""
    sankey = figure.data[0]
    labels = list(sankey.node.label)
    return {(labels[s], labels[t]): v for s, t, v in zip(values(sankey.link.source), values(sankey.link.target),
                                                         values(sankey.link.value))}


def map_values(figure) -> dict:
    """{LSOA code: value} of the coloured trace of a choropleth."""
    trace = figure.data[0]
    return dict(zip(trace.locations, values(trace.z)))


def test_headline_share_of_residents_at_practices_elsewhere(dashboard_db):
    text = text_of(page(period="2022-23", council=COUNTYSHIRE))
    # Countyshire's 151 residents: A00001's 30 and A00003's 20 are at practices based in Unitown: 50/151 = 33.1%.
    # Serving (>= 1% of the list or >= 50 patients): A00002 (101), A00001 (30/110), A00003 (20/50), in 2 PCNs.
    assert "33.1% of Countyshire's registered residents are registered with practices based in another council" in text
    assert "(50 of 151)" in text and "3 practices in 2 PCNs serve its residents" in text


def test_headline_for_unitown_and_for_the_selected_practices(dashboard_db):
    text = text_of(page(period="2022-23", council=UNITOWN))
    # Unitown's 109 residents: only A00002's 9 are at a practice based elsewhere (Countyshire): 9/109 = 8.3%.
    assert "8.3% of Unitown's registered residents" in text and "(9 of 109)" in text
    # Practices based in Unitown: A00001 and A00003. Known addresses: 105 + 50 = 155; living elsewhere:
    # A00001 30 Countyshire + 5 Wales, A00003 20 Countyshire = 55: 55/155 = 35.5%; both are boundary practices.
    assert "35.5% of the selected practices' patients" in text and "(55 of 155)" in text
    assert "2 of 2 practices are boundary practices" in text


def test_sankey_links_are_patients_by_council(dashboard_db):
    tree = page(period="2022-23")
    got = links(figures(tree)["catchment-sankey"])
    # Three practices (<= 25), so one node per practice; CLOSED and the Welsh LSOA go to their buckets.
    assert got == {
        ("UNITOWN SURGERY", "Unitown"): 70, ("UNITOWN SURGERY", "Countyshire"): 30,
        ("UNITOWN SURGERY", "Outside England"): 5, ("UNITOWN SURGERY", "Unknown residence"): 5,
        ("DALE MEDICAL CENTRE", "Unitown"): 9, ("DALE MEDICAL CENTRE", "Countyshire"): 101,
        ("FELL PRACTICE", "Unitown"): 30, ("FELL PRACTICE", "Countyshire"): 20,
    }
    rows = {(row["source_name"], row["area_name"]): row for row in grids(tree)["catchment-sankey-table"]}
    assert len(rows) == 8
    assert rows[("DALE MEDICAL CENTRE", "Countyshire")]["share"] == pytest.approx(101 / 110)
    sankey = figures(tree)["catchment-sankey"].data[0]
    assert sankey.link.hovertemplate.startswith("%{customdata[0]} patients of %{source.label} %{customdata[1]}")
    hovers = {(s, t): data for s, t, data in zip(values(sankey.link.source), values(sankey.link.target),
                                                 sankey.link.customdata)}
    labels = list(sankey.node.label)
    dale_to_unitown = hovers[(labels.index("DALE MEDICAL CENTRE"), labels.index("Unitown"))]
    assert list(dale_to_unitown) == ["9", "live in Unitown"]


def test_sankey_hover_and_table_hide_small_bands_and_what_gives_them_back(dashboard_db):
    from dashboard.pages import catchment

    # By hand. Practice P1's 143 patients: 3 in Unitown, 40 in Countyshire, 100 in Dale. Its list is public
    # and the shares are printed, so 3 -> "<5" and, with it alone hidden, 143 - 40 - 100 would give it back:
    # the next smallest, 40, -> "[c]" (3 + 40 = 43: "<5" 1-4, "[c]" 39-42, neither pinned). P2: 50 and 60,
    # shown. The Unitown node would print 3 + 50 = 53, and 53 - 50 is the hidden 3: its total is "[c]";
    # so is Countyshire's (40 + 60); Dale's 100 has no hidden band and is printed.
    frame = pd.DataFrame({
        "source_code": ["P1", "P1", "P1", "P2", "P2"], "source_name": ["P1", "P1", "P1", "P2", "P2"],
        "source_level": "practice", "area_code": ["U", "C", "D", "U", "C"],
        "area_name": ["Unitown", "Countyshire", "Dale", "Unitown", "Countyshire"], "area_kind": "council",
        "patients": [3.0, 40.0, 100.0, 50.0, 60.0]})
    frame["share"] = frame["patients"] / frame.groupby("source_code")["patients"].transform("sum")
    shown = catchment._shown_split(frame)
    assert list(shown["patients"]) == [LT5, C, 100.0, 50.0, 60.0]
    assert list(shown["share"])[:2] == [LT5, C]
    sankey = catchment._sankey_figure(frame, shown["patients"], 2).data[0]
    assert [data[0] for data in sankey.link.customdata] == [LT5, C, "100", "50", "60"]
    nodes = dict(zip(sankey.node.label, sankey.node.customdata))
    assert nodes == {"P1": "143", "P2": "110", "Unitown": C, "Countyshire": C, "Dale": "100"}


def test_map_for_a_practice_is_where_its_patients_live(dashboard_db):
    tree = page(period="2022-23", practice="A00001")
    figure = figures(tree)["catchment-map"]
    got = map_values(figure)
    # A00001 serves Unitown (70/110) and Countyshire (30/110), so all six of their LSOAs are drawn;
    # E01000004-6 hold none of its patients. The CLOSED 5 and the Welsh 5 cannot be mapped.
    assert got == {"E01000001": 60, "E01000002": 10, "E01000003": 30,
                   "E01000004": 0, "E01000005": 0, "E01000006": 0}
    rows = {row["lsoa_code"]: row for row in grids(tree)["catchment-map-table"]}
    assert rows["E01000001"]["share"] == pytest.approx(60 / 110)
    assert "100 of the 110 patients live in the 3 LSOAs shaded; the other 10" in text_of(tree)
    # the busiest LSOA's count is a whole number of patients, not "60.0" (60 of 110 = 54.5%)
    assert "The most live in Unitown 001A: 60 patients, 54.5% of the list." in " ".join(text_of(tree).split())
    # Only the drawn LSOAs' boundaries are sent, and the figure fetches nothing (no tiles, no CDN).
    trace = figure.data[0]
    assert sorted(feature["id"] for feature in trace.geojson["features"]) == sorted(got)
    # (council boundaries are scattergeo lines on the same base-map-less geo:
    # tests/dashboard/test_council_boundaries.py)
    assert figure.layout.geo.visible is False and {trace.type for trace in figure.data} == {"choropleth", "scattergeo"}


def test_map_for_a_council_is_residents_at_practices_elsewhere(dashboard_db):
    tree = page(period="2022-23", council=COUNTYSHIRE)
    got = map_values(figures(tree)["catchment-map"])
    # E01000003: A00001 30 (Unitown-based) + A00002 40 = 70, 30 elsewhere; E01000004: A00002 50 + A00003 20
    # (Unitown-based) = 70, 20 elsewhere; E01000005 and E01000006 only A00002's (Countyshire-based).
    assert got == pytest.approx({"E01000003": 30 / 70, "E01000004": 20 / 70, "E01000005": 0.0, "E01000006": 0.0})
    rows = {row["lsoa_code"]: row for row in grids(tree)["catchment-map-table"]}
    assert rows["E01000003"]["main_practice_name"] == "DALE MEDICAL CENTRE"  # 40 of its 70 residents
    assert rows["E01000004"]["residents"] == 70


def test_map_greys_lsoas_without_residents_and_fetches_nothing(dashboard_db):
    tree = page(period="2024-25", council=UNITOWN)
    figure = figures(tree)["catchment-map"]
    # April 2024: A00001 (based in Unitown) has all 100 patients in E01000001; nobody is registered from E01000002.
    coloured, grey = [trace for trace in figure.data if trace.type == "choropleth"]
    assert list(coloured.locations) == ["E01000001"] and list(values(coloured.z)) == [0.0]
    assert list(grey.locations) == ["E01000002"] and grey.showscale is False
    # each trace carries only its own boundary
    assert [feature["id"] for feature in grey.geojson["features"]] == ["E01000002"]
    # the graph's plotly.js config points its base map at an inline empty topology, not cdn.plot.ly
    graph = next(node for node in walk(tree) if getattr(node, "id", None) == "catchment-map")
    assert graph.config["topojsonURL"].startswith("data:application/json,")
    assert "No residents of Countyshire are registered with a practice in April 2024." in text_of(
        page(period="2024-25", council=COUNTYSHIRE))


def test_boundary_practice_table(dashboard_db):
    tree = page(period="2022-23")
    rows = grids(tree)["catchment-boundary"]
    # A00003: 20 of 50 under Countyshire = 40%; A00001: (30 + 5) of 105 known = 1/3; A00002 9/110 is not > 10%.
    assert [row["practice_code"] for row in rows] == ["A00003", "A00001"]
    a00003, a00001 = rows
    assert a00003["share_other_council"] == pytest.approx(20 / 50)
    assert a00003["home_council_name"] == "Unitown" and a00003["largest_other_council_name"] == "Countyshire"
    assert a00001["share_other_council"] == pytest.approx(1 / 3) and a00001["councils_served"] == 2
    assert a00001["largest_other_council_share"] == pytest.approx(30 / 110)
    assert a00001["practice_name"] == "UNITOWN SURGERY"
    # the name links to the profile, keeping the filters (the link is built in the browser)
    link = by_id(tree, {"type": "data-grid", "grid": "catchment-boundary"}).columnDefs[0]
    assert link["field"] == "practice_name" and link["cellRenderer"] == "markdown"
    assert (link["valueGetter"]["function"]
            == 'practiceLink(params, "practice_code", "practice_name", "?period=2022-23")')


def test_coterminosity_of_pcns_and_the_sub_icb(dashboard_db):
    rows = {row["org_code"]: row for row in grids(page(period="2022-23"))["catchment-coterminosity"]}
    # PCN U00001 (A00001 + A00002), English residents: Unitown 79, Countyshire 131: 131/210 in Countyshire;
    # localities LOC-U-1 79, Dale 70, Fell 61: 79/210. Sub-ICB 00A: Unitown 109, Countyshire 151: 151/260.
    assert rows["U00001"]["council_coterminosity"] == pytest.approx(131 / 210)
    assert rows["U00001"]["best_council_name"] == "Countyshire"
    assert rows["U00001"]["locality_coterminosity"] == pytest.approx(79 / 210)
    assert rows["U00002"]["council_coterminosity"] == pytest.approx(30 / 50)
    assert rows["00A"]["council_coterminosity"] == pytest.approx(151 / 260)


def test_latest_release_of_the_year_and_empty_boundary_table(dashboard_db):
    tree = page(period="2024-25", practice="A00001")
    text = text_of(tree)
    # April 2024: A00001's 100 patients all live in E01000001 (Unitown): no boundary practice, one council.
    assert "April 2024" in text and "It is not a boundary practice." in text
    assert "None of the selected practices is a boundary practice in April 2024." in text
    assert "catchment-boundary" not in grids(tree)
    assert links(figures(tree)["catchment-sankey"]) == {("UNITOWN SURGERY", "Unitown"): 100}
    assert map_values(figures(tree)["catchment-map"])["E01000001"] == 100


def test_year_without_a_release_uses_the_latest_before_it(dashboard_db):
    text = text_of(page(period="2023-24", council=COUNTYSHIRE))
    assert "There is no registrations release in 2023-24, so the latest before it, January 2023, is shown." in text
    assert "33.1% of Countyshire's" in text


def test_selection_with_no_practices_renders_empty_states(dashboard_db):
    # PCN U00002's only practice is based in Unitown, so PCN U00002 within Countyshire has none.
    tree = page(period="2022-23", council=COUNTYSHIRE, pcn="U00002")
    text = text_of(tree)
    assert "No registered patients match this selection in January 2023." in text
    assert "None of the selected practices is a boundary practice" in text
    assert "No PCN or sub-ICB matches this selection" in text
    assert "catchment-sankey" not in figures(tree)


def test_too_many_lsoas_to_map_asks_for_a_narrower_selection(dashboard_db, monkeypatch):
    from dashboard.pages import catchment

    # The whole tiny area draws 6 LSOAs; England would draw 33,800. With the limit at 5 the map gives way.
    monkeypatch.setattr(catchment, "MAX_MAP_LSOAS", 5)
    tree = page(period="2022-23")
    assert "live in 6 LSOAs, too many to map at once. Choose a council, locality, PCN or practice" in text_of(tree)
    assert "catchment-map" not in figures(tree)


def test_unknown_filter_value_is_ignored(dashboard_db):
    tree = page(period="2022-23", council="E99999999")
    # Dropped with a note by the shell: the page shows the whole area (all three practices).
    assert len(links(figures(tree)["catchment-sankey"])) == 8


def test_geometry_cache_returns_simplified_valid_polygons_for_requested_codes_only(dashboard_db, monkeypatch):
    from dashboard import db, geometry

    got = geometry.lsoa_geometry(["E01000002", "E01000004", "E01999999"])
    # Only the codes asked for that have a boundary; the tiny area's squares are already simple.
    assert sorted(got) == ["E01000002", "E01000004"]
    for text in got.values():
        polygon = shapely.from_geojson(text)
        assert polygon.geom_type == "Polygon" and polygon.is_valid
        assert polygon.area == pytest.approx(0.01 * 0.01, rel=1e-3)
    # A second request is served from the cache: no query runs.
    monkeypatch.setattr(db, "run_query", lambda *args, **kwargs: pytest.fail(f"queried {args}"))
    assert geometry.lsoa_geometry(["E01000004"]) == {"E01000004": got["E01000004"]}


def test_map_features_are_parsed_once_and_match_their_boundaries(dashboard_db):
    import numpy as np

    from dashboard import geometry

    first = geometry.feature_collection(["E01000004", "E01000002", "E01999999"])
    assert [feature["id"] for feature in first["features"]] == ["E01000002", "E01000004"]  # sorted, known only
    texts = geometry.lsoa_geometry(["E01000002", "E01000004"])
    for feature in first["features"]:
        expected = json.loads(texts[feature["id"]])
        rings = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == expected["type"] == "Polygon"
        assert all(isinstance(ring, np.ndarray) for ring in rings)
        assert [ring.tolist() for ring in rings] == expected["coordinates"]
    # asked again, even with other codes beside it, the same parsed feature is handed out
    again = geometry.feature_collection(["E01000004"])
    assert again["features"][0] is first["features"][1]


def test_simplification_keeps_the_shape_with_far_fewer_points():
    import math

    from dashboard import geometry

    # A wiggly LSOA about 700 m across, drawn with 2,000 points.
    ring = [[-1.5 + 0.005 * math.cos(t) * (1 + 0.05 * math.sin(9 * t)), 52.5 + 0.003 * math.sin(t)]
            for t in (2 * math.pi * i / 2000 for i in range(2000))]
    original = json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    simplified = geometry.simplify_geojson(original, geometry.LEVELS[0])
    before, after = shapely.from_geojson(original), shapely.from_geojson(simplified)
    assert after.is_valid and shapely.get_num_coordinates(after) < 100
    assert after.symmetric_difference(before).area < 0.05 * before.area
    # Coordinates rounded to 5 decimals: no long floats in what is sent.
    for x, y in json.loads(simplified)["coordinates"][0]:
        assert round(x, 5) == x and round(y, 5) == y


def test_response_for_a_council_is_small(dashboard_db):
    size = len(json.dumps(page(period="2022-23", council=COUNTYSHIRE), cls=plotly.utils.PlotlyJSONEncoder))
    assert size < 1_500_000
