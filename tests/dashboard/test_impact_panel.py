"""The Impact panel (dashboard/components/impact.py): its sentences for numbers chosen here, and which
area's row a selection reads on the tiny area.

The tiny area (tests/factory_outcomes.py) has one adopting practice (A00001, JW01 = 1 in 2023-24 Q1) and
too few of either kind for the model (it needs 5 adopting and 5 never-adopting practices), so every
row of its mart_joint_working_impact is a 'Not estimated' note.
"""

from __future__ import annotations

import pandas as pd

from dashboard import filters, formats
from dashboard.components import impact
from tests.dashboard.helpers import text_of


def row(**values) -> pd.Series:
    base = {"outcome": "care_home_admissions", "outcome_name": "Permanent admissions", "note": None,
            "effect_pct": None, "ci_low_pct": None, "ci_high_pct": None, "annual_activity_change": None,
            "annual_cost_change_gbp": None, "unit_cost_gbp": None}
    return pd.Series({**base, **values})


def test_a_significant_fall_reads_as_a_sentence_with_activity_and_money():
    # -17.2% (CI -22.4% to -11.8%): the CI excludes 0. 40.3 fewer admissions a year at £30,600 each:
    # 40.3 x 30,600 = £1,233,180, written £1.2 million.
    text = impact.effect_sentence(row(effect_pct=-17.2, ci_low_pct=-22.4, ci_high_pct=-11.8,
                                      annual_activity_change=-40.3, annual_cost_change_gbp=-1_233_180.0,
                                      unit_cost_gbp=30_600.0))
    assert text == ("Practices with an attached social worker saw 17% (95% CI 12% to 22%) fewer permanent "
                    "admissions to residential and nursing care (aged 65 and over) after joining: about 40 fewer "
                    "admissions and £1.2 million less a year.")


def test_a_ci_spanning_zero_is_no_clear_change():
    text = impact.effect_sentence(row(outcome="ae_attendances", effect_pct=-3.0, ci_low_pct=-8.0, ci_high_pct=2.0,
                                      annual_activity_change=-1234.0))
    assert text == ("Practices with an attached social worker saw no clear change in A&E attendances after "
                    "joining: 3% fewer (95% CI 8% fewer to 2% more).")


def test_a_significant_rise_and_a_missing_unit_cost():
    # +6% (4% to 9%); 36,123 more bed days rounds to 36,000; a unit cost of 0 is not a price
    text = impact.effect_sentence(row(outcome="emergency_bed_days", effect_pct=6.2, ci_low_pct=3.9, ci_high_pct=8.6,
                                      annual_activity_change=36_123.0, annual_cost_change_gbp=0.0,
                                      unit_cost_gbp=0.0))
    assert text == ("Practices with an attached social worker saw 6% (95% CI 4% to 9%) more emergency bed days after "
                    "joining: about 36,000 more bed days a year (no unit cost is loaded to price it).")


def test_no_estimate_says_why():
    text = impact.effect_sentence(row(note="Not estimated: 1 adopting and 1 never-adopting practices with data; "
                                           "the model needs at least 5 of each."))
    assert text.startswith("Permanent admissions to residential and nursing care (aged 65 and over): not estimated")
    assert "the model needs at least 5 of each" in text


def test_rounding_for_sentences():
    assert [formats.about(n) for n in (7.4, 40.3, 98.1, 35_795.9, -55_229.8)] == ["7", "40", "98", "36,000",
                                                                                   "55,000"]
    assert [formats.money_about(n) for n in (1_233_180, -45_300, 912)] == ["£1.2 million", "£45,000", "£910"]


def test_which_area_a_selection_reads(dashboard_db):
    assert impact.area_for(filters.Selection()) == ("all", "ALL")
    assert impact.area_for(filters.Selection(council="E06000901")) == ("council", "E06000901")
    assert impact.area_for(filters.Selection(council="E06000901", pcn="U00001"))[0] == "icb"
    # a practice reads the ICB that contains it, and the panel says so
    rows = impact.impact_rows(filters.Selection(practice="A00003"))
    assert set(rows["area_code"]) == {"QA0"} and set(rows["area_type"]) == {"icb"}
    panel = impact.impact_panel(filters.Selection(practice="A00003"), "t")
    text = text_of(panel)
    assert "in NHS Test Integrated Care Board, the ICB that contains FELL PRACTICE" in text
    # a council reads its own row: Unitown has A00001 (adopting) and no never-adopter with data
    council = text_of(impact.impact_panel(filters.Selection(council="E06000901"), "t"))
    assert "1 adopting and 0 never-adopting practices" in council


def test_panel_on_the_tiny_area_says_why_there_is_no_estimate_and_links_the_method(dashboard_db):
    panel = impact.impact_panel(filters.Selection(), "t")
    text = text_of(panel)
    # both outcomes with data in the tiny area, each with the build's reason
    assert text.count("not estimated here") == 2
    assert "the model needs at least 5 of each" in text
    links = [node.href for node in _walk(panel) if getattr(node, "_type", None) == "A"]
    assert "/data-and-methods#impact-method" in links
    assert "Parallel trends" in text and "No anticipation" in text and "No spill-over" in text


def _walk(component):
    from tests.dashboard.helpers import walk

    return list(walk(component))
