"""The search (dashboard/search.py, mart_search_index, search__*.sql) on the tiny area, with the postcode
directory given places, against answers worked out by hand.

The tiny area (tests/factory.py): UNITOWN SURGERY A00001 (AA1 1AA), DALE MEDICAL CENTRE A00002 (AA2 2BB),
FELL PRACTICE A00003 (AA9 9ZZ, not in the directory); TOWN PCN U00001, FELL PCN U00002; localities
LOC-U-1 Unitown, LOC-C-1 Dale, LOC-C-2 Fell. Here the directory also says where its postcodes are:

    postcode  latitude  longitude  note
    AA1 1AA   52.500    -1.500     A00001
    AA2 2BB   52.509    -1.500     A00002: 0.009 degrees due north of AA1 1AA
    AA1 1AB   52.500    -1.490     no practice: 0.01 degrees due east of AA1 1AA
    AA1 9ZZ   53.000    -1.500     terminated: not in the middle of the outward code AA1

Distances (haversine on a sphere of radius R = 6,371.0088 km, _macros.sql haversine_km):
* due north, d = R * dlat(rad) exactly: AA1 1AA to AA2 2BB = 6371.0088 * 0.009 * pi / 180 = 1.000756 km.
* along a parallel, d = 2R asin(cos(lat) sin(dlon / 2)): AA1 1AB to AA1 1AA
  = 2 * 6371.0088 * asin(cos(52.5 deg) * sin(0.005 deg)) = 12742.0176 * asin(0.6087614 * 8.726646e-5)
  = 12742.0176 * 5.312446e-5 = 0.676913 km, which is 0.676913 / 1.609344 = 0.42 miles ("0.4 miles").
* the outward code AA1's middle is the mean of its live postcodes, (52.5, -1.495) (the terminated AA1 9ZZ
  left out), 0.005 degrees east of AA1 1AA: 12742.0176 * asin(0.6087614 * 4.363323e-5)
  = 12742.0176 * 2.656223e-5 = 0.338456 km.
"""

from __future__ import annotations

import math

import duckdb
import pytest

from dashboard import formats, search
from dashboard.db import QUERIES
from etl.build import build
from etl.models import MODELS_DIR
from tests.factory import _csv, _write, write_tiny_area

R_KM = 6371.0088


def _located_postcodes() -> str:
    header = ["pcd", "pcd2", "pcds", "dointr", "doterm", "oa21", "cty", "laua", "ctry", "lsoa21", "lat", "long"]
    rows = [["AA1 1AA", "AA1  1AA", "AA1 1AA", "199801", "", "E00000001", "E99999999", "E06000901", "E92000001",
             "E01000001", "52.500000", "-1.500000"],
            ["AA2 2BB", "AA2  2BB", "AA2 2BB", "199801", "", "E00000003", "E10000901", "E07000901", "E92000001",
             "E01000003", "52.509000", "-1.500000"],
            ["AA1 1AB", "AA1  1AB", "AA1 1AB", "199801", "", "E00000001", "E99999999", "E06000901", "E92000001",
             "E01000001", "52.500000", "-1.490000"],
            ["AA1 9ZZ", "AA1  9ZZ", "AA1 9ZZ", "199801", "202001", "E00000001", "E99999999", "E06000901", "E92000001",
             "E01000001", "53.000000", "-1.500000"]]
    return _csv([header, *rows])


@pytest.fixture(scope="module")
def located_warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("search")
    raw = write_tiny_area(base / "raw")
    _write(raw / "ons" / "postcodes_extract.csv", _located_postcodes())
    db = base / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    return db


@pytest.fixture
def located(located_warehouse, monkeypatch):
    import dashboard.app  # noqa: F401  (the app first: it registers the pages)

    monkeypatch.setenv("JOINTCARE_DB", str(located_warehouse))
    return located_warehouse


def labels(answer: search.Answer) -> list[str]:
    return [result.label for result in answer.results]


# --- what was typed, made alike ---------------------------------------------------------------------------

ALIKE = [("St. John's  Surgery", "ST JOHNS SURGERY"), ("Café & Co", "CAFE AND CO"),
         ("LOC-E06090001-02", "LOC E06090001 02"), ("  dale--medical  ", "DALE MEDICAL"), ("‘O’Neill’", "ONEILL")]


@pytest.mark.parametrize(("typed", "alike"), ALIKE)
def test_typing_is_made_alike_as_the_warehouse_writes_names(typed, alike):
    assert search.normalise(typed) == alike
    # the same rule as the search_text macro that wrote the index (etl/models/macros.sql)
    con = duckdb.connect()
    con.execute((MODELS_DIR / "macros.sql").read_text())
    assert con.execute("select search_text($typed)", {"typed": typed}).fetchone()[0] == alike


def test_postcodes_are_keyed_and_recognised():
    assert search.postcode_key(" qx4  7ab ") == "QX47AB"
    assert all(search.POSTCODE.match(key) for key in ("QX47AB", "SW1A1AA", "B11AA", "M601NW"))
    assert all(search.OUTWARD_CODE.match(key) for key in ("B1", "QX44", "SW1A"))
    assert not any(search.POSTCODE.match(key) for key in ("QX4", "A00001", "QX47A", "1AA"))


# --- names, codes, slips ----------------------------------------------------------------------------------

def test_a_code_finds_its_practice_alone_and_its_slips_find_the_rest(located):
    assert labels(search.search("a00002")) == ["DALE MEDICAL CENTRE (A00002)"]
    # A00004 is one edit from each of the three codes (6 characters allow 2): all three, equally close
    assert sorted(labels(search.search("A00004"))) == [
        "DALE MEDICAL CENTRE (A00002)", "FELL PRACTICE (A00003)", "UNITOWN SURGERY (A00001)"]


def test_misspelt_words_score_by_their_slips(located):
    from dashboard.db import run_query

    # DALE is the same word (1.0); MEDCAL is MEDICAL less one letter (0.8 - 0.1); the mean is 0.85
    found = run_query("search__matches", text="DALE MEDCAL", max_rows=10, practices_only=False,
                      **dict.fromkeys(search.AREA_FILTERS), group_practices=None)
    assert list(found["code"]) == ["A00002"] and found["score"].iloc[0] == pytest.approx(0.85)
    # PRACTISE for PRACTICE (one letter changed), and UNTIOWN for UNITOWN (two letters swapped: one edit)
    assert labels(search.search("fell practise")) == ["FELL PRACTICE (A00003)"]
    assert labels(search.search("untiown surgery")) == ["UNITOWN SURGERY (A00001)"]
    # a word of five letters may have one slip, not two: DLAEX is two from DALE
    assert labels(search.search("dlaex medical")) == []


def test_the_start_of_a_word_finds_it_and_short_words_need_no_slips(located):
    # 'un' is the start of UNITOWN: the council, the locality and the practice (council and locality have
    # fewer words, so they come first)
    assert labels(search.search("un")) == ["Unitown (E06000901)", "Unitown (LOC-U-1)", "UNITOWN SURGERY (A00001)"]
    assert labels(search.search("zq")) == []


def test_punctuation_and_case_do_not_matter(located):
    assert labels(search.search("Dale-Medical")) == labels(search.search("DALE  medical")) == [
        "DALE MEDICAL CENTRE (A00002)"]
    assert labels(search.search("loc-c-2")) == ["Fell (LOC-C-2)"]
    assert labels(search.search("locc2")) == ["Fell (LOC-C-2)"]


def test_areas_link_to_this_page_with_their_filter(located):
    answer = search.search("town pcn", page="/outcomes", period="2023-24")
    assert [(result.kind, result.href) for result in answer.results] == [("PCN", "/outcomes?pcn=U00001&period=2023-24")]
    # from a page without the area filters, to the Overview; a year that is not one is left out
    assert search.search("countyshire", page="/practice/A00001", period="drop table").results[0].href == (
        "/?council=E10000901")
    practice = search.search("a00001", page="/outcomes", period="2023-24").results[0]
    assert practice.href == "/practice/A00001?period=2023-24"
    # an ICB has no filter: it is listed once for each sub-ICB, linked to that sub-ICB
    icb = [result for result in search.search("QA0").results if result.kind == "ICB"]
    assert [(result.href, result.detail) for result in icb] == [("/?sub_icb=00A", "sub-ICB NHS Test ICB - 00A")]


# --- postcodes --------------------------------------------------------------------------------------------

def test_the_haversine_distance_is_the_hand_computed_one(located):
    con = duckdb.connect(str(located), read_only=True)
    con.execute((QUERIES / "_macros.sql").read_text())
    north = con.execute("select haversine_km(52.5, -1.5, 52.509, -1.5)").fetchone()[0]
    east = con.execute("select haversine_km(52.5, -1.49, 52.5, -1.5)").fetchone()[0]
    assert north == pytest.approx(R_KM * 0.009 * math.pi / 180) == pytest.approx(1.000756, abs=1e-6)
    assert east == pytest.approx(0.676913, abs=1e-6)


def test_a_postcode_lists_the_nearest_practices_with_their_distance(located):
    from dashboard.db import run_query

    near = run_query("search__nearest", postcode_key="AA11AB", outward_code=None, max_rows=5)
    # A00003's postcode is not in the directory: it has no place, so it is not listed
    assert list(near["code"]) == ["A00001", "A00002"]
    assert near["distance_km"].iloc[0] == pytest.approx(0.676913, abs=1e-6)
    answer = search.search("aa11ab")
    assert answer.nearest_to == "AA1 1AB" and answer.note is None  # written as on a letter, however typed
    assert answer.results[0].label == "UNITOWN SURGERY (A00001)"
    assert answer.results[0].detail == "0.4 miles away, AA1 1AA, TOWN PCN"  # 0.676913 km = 0.42 miles


def test_an_outward_code_is_measured_from_the_middle_of_its_live_postcodes(located):
    from dashboard.db import run_query

    near = run_query("search__nearest", postcode_key=None, outward_code="AA1", max_rows=5)
    assert near["code"].iloc[0] == "A00001"
    # (52.5, -1.495): the terminated AA1 9ZZ, half a degree north, would have moved it 0.17 degrees north
    assert near["distance_km"].iloc[0] == pytest.approx(0.338456, abs=1e-6)
    assert formats.distance(near["distance_km"].iloc[0]) == "0.2 miles"


def test_a_postcode_the_directory_lacks_is_said_and_searched_as_text(located):
    answer = search.search("AA9  9zz")
    assert answer.note == "The ONS postcode directory in this build has no postcode AA9 9ZZ."
    assert labels(answer) == ["FELL PRACTICE (A00003)"]  # its own postcode, matched as words


def test_without_places_postcode_search_says_what_it_needs(dashboard_db):
    # the tiny area's own directory has no latitude or longitude
    answer = search.search("AA2 2BB")
    assert answer.note == "Postcode search needs the ONS postcode directory, which this build does not include."
    assert labels(answer) == ["DALE MEDICAL CENTRE (A00002)"]
    assert answer.announcement == ("1 result for AA2 2BB. Postcode search needs the ONS postcode directory, "
                                   "which this build does not include.")


def test_distances_are_written_in_miles():
    assert formats.distance(1.609344) == "1.0 miles"
    assert formats.distance(0.05) == "under 0.1 miles"
    assert formats.distance(None) == formats.NO_FIGURE


# --- the filter bar's practice search ---------------------------------------------------------------------

def test_the_practice_search_keeps_to_the_other_filters_and_keeps_the_address(located):
    # FELL is a word of FELL PRACTICE (A00003, FELL PCN) and of FELL PCN: only practices are listed
    everywhere = search.practices_within("fell", "?measure=ae_attendances", "/outcomes")
    assert [(result.label, result.href) for result in everywhere.results] == [
        ("FELL PRACTICE (A00003)", "/outcomes?measure=ae_attendances&practice=A00003")]
    # within TOWN PCN there is no FELL practice, and the answer says where it looked
    in_town = search.practices_within("fell", "?pcn=U00001", "/catchment")
    assert in_town.results == () and in_town.note == "Searched the practices in TOWN PCN."
    # Unitown is the home council of UNITOWN SURGERY (its postcode) and of FELL PRACTICE (no postcode in the
    # directory; 30 of its 50 patients live in Unitown); DALE MEDICAL CENTRE's postcode is in Dale, Countyshire.
    # Both start with A0000 (0.9) and have six words: by name.
    assert labels(search.practices_within("a0000", "?council=E06000901&period=2023-24")) == [
        "FELL PRACTICE (A00003)", "UNITOWN SURGERY (A00001)"]
    assert search.practices_within("unitown", "?council=E06000901&period=2023-24", "/practice/A00001").results[0].href \
        == "/?council=E06000901&period=2023-24&practice=A00001"


# --- the endpoint -----------------------------------------------------------------------------------------

def _get(path: str):
    """The /search.json view called in a request for path. Not through test_client(): Dash's own
    before-request hook would refuse every request once another test module has loaded a page module
    under a second name ("duplicate paths"), which says nothing about this route."""
    from dashboard.app import server

    with server.test_request_context(path):
        return server.view_functions["search_json"]()


def test_the_endpoint_answers_json_for_the_page_it_is_asked_from(located):
    response = _get("/search.json?q=fell&page=/catchment&period=2023-24")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    # FELL is a word of three entries; each is found whole (1.0), so the one with fewest words comes first
    assert body["announcement"] == "3 results for fell."
    assert [(row["kind"], row["href"]) for row in body["results"]] == [
        ("PCN", "/catchment?pcn=U00002&period=2023-24"),
        ("Locality", "/catchment?locality=LOC-C-2&period=2023-24"),
        ("Practice", "/practice/A00003?period=2023-24"),
    ]
    # nothing typed, or one character, is no search
    assert _get("/search.json?q=f").get_json()["results"] == []
    scoped = _get("/search.json?q=fell&kind=practice&page=/outcomes&address=%3Fpcn%3DU00002")
    assert [row["href"] for row in scoped.get_json()["results"]] == ["/outcomes?pcn=U00002&practice=A00003"]
