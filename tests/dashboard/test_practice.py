"""Practice profile on the tiny area, against numbers worked out by hand.

Crosswalk (tests/factory.py, tests/factory_outcomes.py), January 2023 release:
    practice  list  Unitown  Countyshire  CLOSED  Wales  aged 65+ (age file)
    A00001     110     70        30          5       5       30 (65-69)
    A00002     110      9       101          -       -       22 (65-69)
    A00003      50     30        20          -       -       10 (70-74)
April 2024 release: A00001 only, 100 patients, all in Unitown (no age file).
PCNs: A00001 and A00002 are TOWN PCN, A00003 FELL PCN; all in one ICB. A00001's home council is Unitown.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.dashboard.helpers import by_id, figures, grids, text_of, values


def page(code=None, **query):
    from dashboard.pages.practice import layout

    return layout(code=code, **query)


def headline_values(tree) -> dict:
    found = {}
    for node in by_id(tree, "practice-headlines").children:
        label, value, _detail = node.children
        found[label.children] = value.children[-1]
    return found


def test_profile_of_a_known_practice(dashboard_db):
    tree = page("A00001", period="2022-23")
    text = text_of(tree)
    assert "UNITOWN SURGERY" in text and "TOWN PCN (U00001)" in text
    assert "Unitown: the council of its postcode" in text
    heads = headline_values(tree)
    assert heads["Registered patients"] == "110"
    assert heads["Aged 65 and over"] == "27.3%"  # 30 / 110
    # known residence 110 - 5 CLOSED = 105; under another council 30 Countyshire + 5 Wales = 35: 33.3%
    assert heads["Living under another council"] == "33.3%"


def test_council_split_table_and_bars(dashboard_db):
    tree = page("A00001", period="2022-23")
    split = {row["label"]: (row["patients"], row["share"]) for row in grids(tree)["practice-council-split"]}
    assert split["Unitown (home council)"] == (70, pytest.approx(70 / 110))
    assert split["Countyshire"] == (30, pytest.approx(30 / 110))
    assert split["Recorded as CLOSED (no current address)"] == (5, pytest.approx(5 / 110))
    assert split["Wales (outside England)"] == (5, pytest.approx(5 / 110))
    bars = figures(tree)["practice-split-chart"].data[0]
    assert list(bars.y)[:2] == ["Unitown (home council)", "Countyshire"]
    assert values(bars.x)[:2] == pytest.approx([70 / 110, 30 / 110])


def test_age_profile_and_65_plus(dashboard_db):
    tree = page("A00002", period="2022-23")
    assert headline_values(tree)["Aged 65 and over"] == "20.0%"  # 22 of 110
    chart = figures(tree)["practice-age-chart"]
    over_65 = [trace for trace in chart.data if trace.name == "65 and over"][0]
    assert list(over_65.y) == ["65 to 69"] and values(over_65.x).tolist() == [22]
    assert "22 of its 110 patients (20.0%) are aged 65 or over" in text_of(tree)


def test_lowercase_code_and_latest_release_in_the_year(dashboard_db):
    tree = page("a00001", period="2024-25")
    assert "UNITOWN SURGERY" in text_of(tree)
    # 2024-25: the April 2024 registrations release, 100 patients all in Unitown; the age file is January 2023
    [row] = grids(tree)["practice-council-split"]
    assert (row["label"], row["patients"], row["share"]) == ("Unitown (home council)", 100, 1.0)
    assert headline_values(tree)["Registered patients"] == "110"


def test_map_of_where_patients_live(dashboard_db):
    tree = page("A00001", period="2022-23")
    lsoas = {row["lsoa_code"]: (row["patients"], row["share"]) for row in grids(tree)["practice-lsoas"]}
    # 60 + 10 in Unitown's two LSOAs, 30 in Dale's; shares of the whole list of 110
    assert lsoas["E01000001"] == (60, pytest.approx(60 / 110))
    assert lsoas["E01000002"] == (10, pytest.approx(10 / 110))
    assert lsoas["E01000003"] == (30, pytest.approx(30 / 110))
    mapped = figures(tree)["practice-map"].data[0]
    assert sorted(mapped.locations) == ["E01000001", "E01000002", "E01000003"]  # no Welsh boundary is loaded


def test_joint_working_index_and_indicators(dashboard_db):
    tree = page("A00001", period="2023-24")
    # 2023-24 Q1 (tests/etl/test_outcome_marts.py): domains 55.56, 50, 90, 70; index 66.39
    [quarter] = grids(tree)["practice-jw-trend"]
    assert (quarter["quarter_label"], quarter["joint_working_index"]) == ("2023-24 Q1", 66.39)
    assert "In 2023-24 Q1 the practice had an index of 66 out of 100." in text_of(tree)
    latest = {row["indicator_id"]: (row["value_text"], row["score"]) for row in grids(tree)["practice-jw-latest"]}
    assert latest["JW01"] == ("yes", 100.0)
    assert latest["JW04"] == ("80.0%", 80.0)
    assert latest["JW06"][1] == 40.0  # 0.2 WTE per 10,000 of a target of 0.5
    # before the first return there is nothing to show, and the page says so
    assert "made no joint-working return in or before 2022-23" in text_of(page("A00001", period="2022-23"))


def test_outcomes_against_pcn_council_and_icb(dashboard_db):
    tree = page("A00001", period="2022-23", measure="ae_attendances")
    year = {row["measure_name"]: row for row in grids(tree)["practice-outcome-year"]}["A&E attendances"]
    # A00001: (22 + 11) / (110 + 110) x 1,000 = 150; TOWN PCN adds A00002's 22 in March: 55 / 330 = 166.67;
    # Unitown (apportioned): (14 + 11.8) / (70 + 109) = 144.13; the ICB: (22 + 11 + 22 + 5) / (110 + 270) = 157.89
    assert year["series_1"] == pytest.approx(150.0)
    assert year["series_2"] == pytest.approx(1000 * 55 / 330)
    assert year["series_3"] == pytest.approx(1000 * 25.8 / 179)
    assert year["series_4"] == pytest.approx(1000 * 60 / 380)
    chart = figures(tree)["practice-outcome-chart"]
    lines = {trace.name: values(trace.y).tolist() for trace in chart.data}
    assert lines["This practice"] == pytest.approx([200.0, 100.0])  # December 2022, March 2023
    assert lines["TOWN PCN"] == pytest.approx([200.0, 150.0])  # March: (11 + 22) / 220
    assert lines["All practices in the ICB"] == pytest.approx([200.0, 1000 * 38 / 270])


def test_the_measure_in_the_address_is_charted_and_the_chooser_writes_it(dashboard_db):
    from dashboard.pages.practice import measure_in_address

    assert measure_in_address("care_home_admissions", "?period=2022-23") == \
        "?period=2022-23&measure=care_home_admissions"
    card = page("A00001", period="2022-23", measure="care_home_admissions")
    chart = figures(card)["practice-outcome-chart"]
    practice = [trace for trace in chart.data if trace.name == "This practice"][0]
    # November, December 2022: 0 of 30 aged 65+; March 2023: 4 admissions, a count of 1-4, so its rate
    # (4 / 30 x 100,000) is not drawn (etl/method.yml small_numbers)
    assert values(practice.y).tolist()[:2] == [0.0, 0.0] and np.isnan(values(practice.y).tolist()[2])


def test_the_profile_draws_the_measures_declared_for_it_in_order(dashboard_db):
    from dash.exceptions import PreventUpdate

    from dashboard.pages.practice import measure_in_address

    # `practice_profile: true` in etl/indicators/*.yml: four of the five headline measures, by `order:`. The
    # tiny area has no emergency admissions or bed days, so A&E and care home admissions are drawn; A00003's
    # patients at home 91 days after reablement (3 of 4 in March 2023) are a headline measure, not drawn here.
    tree = page("A00003", period="2022-23")
    assert [row["measure_name"] for row in grids(tree)["practice-outcome-year"]] == [
        "A&E attendances", "Permanent admissions to residential and nursing care, 65 and over"]
    assert [option["value"] for option in by_id(tree, "practice-measure").options] == [
        "ae_attendances", "care_home_admissions"]
    with pytest.raises(PreventUpdate):
        measure_in_address("reablement_at_home_91", "?period=2022-23")


def test_bcf_of_the_councils_its_patients_live_in(dashboard_db):
    tree = page("A00001", period="2023-24")
    # 2023-24 uses the January 2023 release (the latest before the year's end): 70 in Unitown, 30 in Countyshire
    rows = {row["council_name"]: row for row in grids(tree)["practice-bcf"]}
    assert rows["Unitown"]["share"] == pytest.approx(70 / 110) and rows["Unitown"]["planned_gbp"] == 10900.0
    assert rows["Countyshire"]["planned_gbp"] is None  # no Countyshire plan is loaded
    assert "63.6% of its patients live in Unitown" in text_of(tree)  # 70 / 110 = 0.63636, as the practice pack


def test_unknown_code_offers_the_nearest_practices(dashboard_db):
    tree = page("A00004")
    assert text_of(by_id(tree, "practice-not-found")) == "No practice has the code A00004."
    suggested = text_of(by_id(tree, "practice-suggestions"))
    for code in ("A00001", "A00002", "A00003"):
        assert code in suggested
    link = by_id(tree, "practice-suggestions").children[0].children[0]
    assert link.href.startswith("/practice/A0000")
    # a name, in any case, finds its practice; and an area is offered with its filter on the Overview
    assert "DALE MEDICAL CENTRE (A00002)" in text_of(page("dale medical"))
    town = by_id(page("town pcn"), "practice-suggestions").children[0]
    assert town.children[0].href.startswith("/?pcn=U00001") and town.children[1] == " – PCN"


def test_a_postcode_in_the_address_is_searched_for(dashboard_db):
    # the tiny area's postcode directory gives no latitude and longitude: the page says postcode search
    # needs it, and still finds the practice whose postcode it is by its text
    tree = page("AA2 2BB")
    assert text_of(by_id(tree, "practice-search-note")) == (
        "Postcode search needs the ONS postcode directory, which this build does not include.")
    assert "DALE MEDICAL CENTRE (A00002)" in text_of(by_id(tree, "practice-suggestions"))


def test_malformed_code_is_a_friendly_page(dashboard_db):
    for code in ("ZZZ999", "<script>", "%%%", "", "A" * 500):
        tree = page(code)
        assert "Practice not found" in text_of(tree)
    assert "No practice has the code ZZZ999." in text_of(page("ZZZ999"))
    assert "Nothing the search finds is close to 'ZZZ999'" in text_of(page("ZZZ999"))


def test_unknown_filters_are_ignored(dashboard_db):
    tree = page("A00001", period="1999-00", council="NOPE", measure="not-a-measure")
    assert "UNITOWN SURGERY" in text_of(tree)
    assert figures(tree)["practice-outcome-chart"].data[0].name == "This practice"


# SPC with the change point at joining -------------------------------------------------------------------------

def test_spc_is_too_short_on_the_tiny_area(dashboard_db):
    # A00001 has two months of A&E up to 2022-23 (December 2022, March 2023)
    assert "Too few months for an SPC chart: 2 months" in text_of(page("A00001", period="2022-23",
                                                                         measure="ae_attendances"))


def test_spc_limits_restart_at_the_adoption_quarter(demo_warehouse, monkeypatch):
    """On the demo area (60 months of activity): the change point sits at the practice's adoption quarter.

    The quarter is read from the warehouse here, independently of the page: the first quarter whose
    return says the practice has an attached social worker.
    """
    import duckdb

    con = duckdb.connect(str(demo_warehouse), read_only=True)
    code, start, label, months_before = con.execute("""
        with joined as (
            select practice_code, min(quarter_start) as start, arg_min(quarter_label, quarter_start) as label
            from mart_joint_working_index where has_attached_social_worker group by practice_code
        )
        select joined.practice_code, joined.start, joined.label,
            count(*) filter (where outcomes.period_start < joined.start)
        from joined
        inner join mart_outcomes_practice as outcomes using (practice_code)
        where outcomes.measure_id = 'emergency_admissions' and outcomes.rate is not null
            and outcomes.period_start <= date '2025-03-31'
        group by all
        having count(*) filter (where outcomes.period_start < joined.start) >= 12
            and count(*) filter (where outcomes.period_start >= joined.start) >= 6
        order by joined.practice_code
        limit 1
    """).fetchone()
    con.close()
    monkeypatch.setenv("JOINTCARE_DB", str(demo_warehouse))
    tree = page(code, period="2024-25", measure="emergency_admissions")
    fig = figures(tree)["practice-spc"]
    line = fig.layout.shapes[0]
    assert line.x0 == line.x1 == start.isoformat()
    assert fig.layout.annotations[0].text == f"joined joint working ({label})"
    # the mean is drawn in two pieces broken at the adoption month: months_before points, then the rest
    mean = next(trace for trace in fig.data if trace.name == "Mean")
    x = list(mean.x)
    assert x.index(None) == months_before and x[months_before + 1] == start.isoformat()
    rows = grids(tree)["practice-spc-table"]
    assert len({row["mean"] for row in rows[:months_before]}) == 1
    assert rows[months_before]["mean"] != rows[0]["mean"]


def test_a_home_council_by_largest_share_says_why_the_postcode_did_not_place_it(dashboard_db):
    # A00003's postcode AA9 9ZZ is not in the tiny area's postcode directory (tests/factory.py), so its home
    # council is where most of its patients live: the page says so, and does not call its postcode unknown
    text = " ".join(text_of(page("A00003", period="2022-23")).split())
    assert "its postcode, AA9 9ZZ, is not in the ONS postcode directory loaded" in text
    assert "postcode is not known" not in text
