"""Downloads on the tiny area: the key tables for a selection, against numbers worked out by hand.

Crosswalk (tests/factory.py), January 2023 release: A00001 110 patients (Unitown 70, Countyshire 30,
CLOSED 5, Wales 5), A00002 110 (Countyshire 101, Unitown 9), A00003 50 (Unitown 30, Countyshire 20).
Home councils: A00001 Unitown (postcode), A00002 Countyshire (postcode), A00003 Unitown (largest share).
April 2024 release: A00001 only, 100 patients, all in Unitown.
"""

from __future__ import annotations

import pytest

from tests.dashboard.helpers import grids, text_of

UNITOWN, COUNTYSHIRE = "E06000901", "E10000901"


def page(**query):
    from dashboard.pages.downloads import layout

    return layout(**query)


def test_practices_of_a_council_with_list_size_and_home_council(dashboard_db):
    rows = {row["practice_code"]: row for row in grids(page(council=UNITOWN, period="2022-23"))["downloads-practices"]}
    # Unitown is the home council of A00001 (postcode) and A00003 (largest share); A00002 is Countyshire's
    assert set(rows) == {"A00001", "A00003"}
    a1, a3 = rows["A00001"], rows["A00003"]
    assert (a1["patients"], a1["home_council_name"], a1["pcn_name"]) == (110, "Unitown", "TOWN PCN")
    # A00001: known residence 110 - 5 CLOSED = 105; under another council 30 Countyshire + 5 Wales = 35 -> 1/3
    assert a1["share_other_council"] == pytest.approx(1 / 3) and a1["boundary_practice"] == "Yes"
    # A00003: 20 of 50 in Countyshire
    assert (a3["patients"], a3["share_other_council"]) == (50, pytest.approx(0.4))


def test_catchment_by_practice_for_a_pcn(dashboard_db):
    rows = grids(page(pcn="U00001", period="2022-23"))["downloads-catchment"]
    split = {(row["practice_code"], row["area_name"]): (row["patients"], row["share"]) for row in rows}
    assert split[("A00001", "Unitown")] == (70, pytest.approx(70 / 110))
    assert split[("A00001", "Countyshire")] == (30, pytest.approx(30 / 110))
    # A00002: Dale 40 + Fell 50 + the split 2011 LSOA 11 = 101 in Countyshire, 9 in Unitown
    assert split[("A00002", "Countyshire")] == (101, pytest.approx(101 / 110))
    assert split[("A00002", "Unitown")] == (9, pytest.approx(9 / 110))
    assert {row["practice_code"] for row in rows} == {"A00001", "A00002"}  # A00003 is in FELL PCN
    assert sum(row["patients"] for row in rows if row["practice_code"] == "A00001") == 110


def test_latest_quarter_is_used_within_the_year(dashboard_db):
    # 2024-25: the April 2024 release, in which A00001 has 100 patients, all in Unitown
    tree = page(practice="a00001", period="2024-25")
    [row] = grids(tree)["downloads-catchment"]
    assert (row["area_name"], row["patients"], row["share"]) == ("Unitown", 100, 1.0)
    assert "Patients from the April 2024 release." in text_of(tree)
    # 2022-23: the January 2023 release, 110 patients
    assert grids(page(practice="A00001", period="2022-23"))["downloads-practices"][0]["patients"] == 110


def test_joint_working_index_of_the_latest_quarter(dashboard_db):
    rows = {row["practice_code"]: row for row in grids(page(pcn="U00001", period="2023-24"))["downloads-joint-working"]}
    # A00001, 2023-24 Q1 (tests/etl/test_outcome_marts.py): domains 55.56, 50, 90, 70; index 66.39
    a1 = rows["A00001"]
    assert (a1["quarter_label"], a1["joint_working_index"], a1["shared_priorities"]) == ("2023-24 Q1", 66.39, 90.0)
    assert a1["attached_social_worker"] == "Yes"
    # A00002 returned nothing for practical support: listed, with no index; JW01, JW02, JW04 and JW09 scored
    # (JW10 had no invitations, so no score)
    assert rows["A00002"]["joint_working_index"] is None and rows["A00002"]["indicators_scored"] == 4


def test_no_joint_working_return_before_the_first_quarter(dashboard_db):
    tree = page(period="2022-23")  # the only return is 2023-24 Q1, after this year
    assert "downloads-joint-working" not in grids(tree)
    assert "made a joint-working return in or before 2022-23" in text_of(tree)


def test_bcf_of_the_selected_council(dashboard_db):
    [row] = grids(page(council=UNITOWN, period="2023-24"))["downloads-bcf"]
    # planned 5,450 + 2,180 + 3,270 = 10,900; actual 5,000 + 2,180 + 500 = 7,680
    assert (row["hwb_name"], row["planned_gbp"], row["actual_gbp"]) == ("Unitown", 10900.0, 7680.0)
    # Countyshire has no plan loaded
    assert "No Better Care Fund plan for 2023-24" in text_of(page(council=COUNTYSHIRE, period="2023-24"))


def test_explains_the_summaries_and_every_page(dashboard_db):
    text = text_of(page())
    assert "one-page PDF" in text and "Excel workbook" in text
    assert "Download these rows (CSV)" in text
    for name in ("Overview", "Catchment", "Pooled budget", "Joint working", "Outcomes", "Practice profiles",
                 "Data and methods"):
        assert name in text


def test_unknown_filter_values_are_dropped(dashboard_db):
    # an unknown council is ignored (the shell says so): all three practices are listed
    rows = grids(page(council="E99999999", period="2022-23"))["downloads-practices"]
    assert {row["practice_code"] for row in rows} == {"A00001", "A00002", "A00003"}


def test_a_selection_with_no_practice_says_so(dashboard_db):
    # A00002 is in TOWN PCN, not FELL PCN: nothing matches both
    tree = page(pcn="U00002", practice="A00002")
    assert not grids(tree)
    assert "No practice matches this selection" in text_of(tree)
