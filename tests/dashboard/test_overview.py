"""The Overview page on the tiny area, against numbers worked out by hand.

A&E attendances (tests/factory_outcomes.py): A00001 22 in December 2022 and 11 in March 2023 on a list
of 110 (the January 2023 release; December uses the earliest release), A00002 22 of 110 and A00003 5 of
50 in March 2023. Unitown's council figures apportion them by where patients live: December 2022
14 of 70, March 2023 11.8 of 109 residents (tests/etl/test_outcome_marts.py).
"""

from __future__ import annotations

from dashboard.pages import overview
from tests.dashboard.helpers import figures, grids, text_of, values


def test_practice_headline_is_the_years_rate_not_a_mean_of_months(dashboard_db):
    text = text_of(overview.layout(practice="A00001", period="2022-23"))
    # (22 + 11) / (110 + 110) x 1,000 = 150.0 a month (the months' rates are 200 and 100: same here)
    assert "150.0" in text
    # two months of A&E (December 2022, March 2023) up to the end of 2022-23: too few for SPC
    assert "Too few months for an SPC chart: 2 months" in text


def test_whole_area_pools_counts_and_lists(dashboard_db):
    text = text_of(overview.layout(period="2022-23"))
    # (22 + 11 + 22 + 5) / (110 + 110 + 110 + 50) x 1,000 = 157.9; a mean of the four month-rates would be 150
    assert "157.9" in text
    # the tiny area's three councils: "of the 3 selected councils' ... residents", never "councils's"
    # the tiny area's two councils by name, with no possessive ("Countyshire, Unitown's", "councils's")
    assert "of the 260 residents of Countyshire and Unitown registered with a GP" in text


def test_a_council_alone_reads_as_its_residents(dashboard_db):
    page = overview.layout(council="E06000901", period="2022-23")
    text = text_of(page)
    # (14 + 11.8) / (70 + 109) x 1,000 = 144.1
    assert "144.1" in text and "residents of the selected council" in text
    # Catchment: 9 of Unitown's 109 registered residents are with A00002, based in Countyshire: 8.3%
    assert "8.3%" in text and "109 residents" in text


def test_trend_chart_and_its_table_hold_the_same_months(dashboard_db):
    page = overview.layout(practice="A00001", period="2024-25")
    figure = figures(page)["overview-trends"]
    ae = next(trace for trace in figure.data if trace.name.startswith("A&E attendances"))
    assert list(values(ae.y)) == [200.0, 100.0, 50.0]  # 22/110, 11/110, 5/100 per 1,000
    rows = [row for row in grids(page)["overview-trends"] if row["name"] == "A&E attendances"]
    assert [row["month"] for row in rows] == ["2022-12", "2023-03", "2024-05"]


def test_joint_working_coverage(dashboard_db):
    text = text_of(overview.layout(period="2023-24"))
    # 2023-24 Q1: A00001 has an attached social worker (JW01 = 1), A00002 does not; A00003 sent no return.
    assert "1 of 2 practices" in text and "2023-24 Q1" in text


def test_status_is_the_spc_variation_icon_with_its_label(dashboard_db):
    # (the icon and its words for a long series are checked by hand in test_spc_components.py)
    page = overview.layout(period="2022-23")
    text = text_of(page)
    assert "year before" not in text  # the old plain comparison is gone
    assert "Making Data Count" in text and "Too few months for an SPC chart" in text


def test_impact_panel_on_the_overview(dashboard_db):
    text = text_of(overview.layout(council="E10000901", period="2023-24"))
    # Countyshire's row: no adopting practice there (A00002 never had a social worker), so no estimate
    assert "Has joint working changed hospital and care home use?" in text
    assert "0 adopting and 1 never-adopting practices" in text
    assert "How this was worked out" in text


def test_no_data_year_says_so_and_still_renders(dashboard_db):
    # A00003's only activity is in March 2023: nothing in 2024-25.
    text = text_of(overview.layout(period="2024-25", practice="A00003"))
    assert "No outcome data for the selection in 2024-25" in text
