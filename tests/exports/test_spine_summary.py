"""The spine chart in the downloads: its table (gather._spine) and its drawing in the PDF summary, read back.

Worked by hand from the tiny area (tests/factory.py, tests/factory_outcomes.py, tests/etl/test_outcome_marts.py,
tests/exports/test_pdf.py), A&E attendances per 1,000 residents in 2022-23:
* Unitown: 1,000 x (14 + 11.8) / (70 + 109) = 144.13;
* Countyshire: December 2022, only A00001 had activity: 22 x 30/110 = 6 over its 30 Countyshire residents;
  March 2023, 25.2 over 151; so 1,000 x (6 + 25.2) / (30 + 151) = 172.38;
* England (every council added up): 1,000 x (14 + 11.8 + 6 + 25.2) / (70 + 109 + 30 + 151) = 57 / 360 = 158.33.
Two councils, R's type 7 quartiles: 144.13 + 0.25 x (172.38 - 144.13) = 151.19 and 144.13 + 0.75 x 28.25
= 165.32. Lower is better, so Unitown is the best and Countyshire the worst.
"""

from __future__ import annotations

import pytest

from dashboard.exports import summary_pdf
from tests.exports.test_pdf import UNITOWN, one_line, summary_for, write


def test_a_council_summary_has_the_spine_table_worked_by_hand(dashboard_db):
    summary = summary_for(council=UNITOWN, period="2022-23")
    row = summary.spine.frame.set_index("measure_id").loc["ae_attendances"]
    assert row["area_rate"] == pytest.approx(1000 * 25.8 / 179)
    assert row["england_rate"] == pytest.approx(1000 * 57 / 360)
    assert row["worst"] == pytest.approx(1000 * 31.2 / 181)
    assert row["best"] == pytest.approx(1000 * 25.8 / 179)
    assert row["worse_quartile"] == pytest.approx(1000 * 25.8 / 179 + 0.75 * (1000 * 31.2 / 181 - 1000 * 25.8 / 179))
    assert row["better_quartile"] == pytest.approx(1000 * 25.8 / 179 + 0.25 * (1000 * 31.2 / 181 - 1000 * 25.8 / 179))
    assert row["areas"] == 2
    # England is every council added up, which is the comparator a council's comparison uses (all councils), and
    # the rule is the same (components/comparison.py), so the two tables say the same thing
    compared = summary.comparison.frame.set_index("measure_id").loc["ae_attendances"]
    assert row["reading"] == compared["reading"] == "Lower, by 14.2 (9.0%); within what chance would give"


def test_a_hidden_rate_stays_hidden_in_the_spine(dashboard_db):
    spine = summary_for(council=UNITOWN, period="2022-23").spine.frame.set_index("measure_id")
    # Unitown's residents had 4 care home admissions that year (the councils' extracts, read into the marts in
    # tests/etl/test_outcome_marts.py; 4 of the 7 in both councils): "<5", as in the headline measures
    assert spine.loc["care_home_admissions", "area_rate"] == "<5"
    assert spine.loc["care_home_admissions", "significance"] == "not tested"


def test_no_spine_for_a_selection_that_is_not_one_area(dashboard_db):
    assert summary_for(period="2022-23").spine is None
    assert summary_for(practice="A00001", period="2022-23").spine is not None


def test_the_pdf_summary_draws_the_spine_and_still_fits_one_page(dashboard_db, tmp_path):
    path = write(tmp_path, summary_pdf.summary_pdf(summary_for(council=UNITOWN, period="2022-23")))
    words = one_line(path)
    assert "Page 1 of 1" in words
    assert "Against every council in England, 2022-23" in words
    assert "◀ Worse England Better ▶" in words
    assert "A&E attendances 144.1 (England 158.3)" in words
    assert "<5 (England" in words  # the hidden rate says so, and draws no mark
    assert "Worse is always on the left." in words
