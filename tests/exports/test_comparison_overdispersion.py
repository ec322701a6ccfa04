"""The downloads' comparison judged against the same limits as the pages' funnels (dashboard/exports/gather.py,
pack.py and funnel_limits.py with etl.stats.funnels.overdispersion).

The ten units are the hand-worked case of tests/stats/test_funnels.py (Spiegelhalter 2005, Stat Med 24:1185,
section 6): five of 100 and five of 400 around 50%, phi = 3.402, tau² = 0.0028958. The practice with 60 of
100 has z = 2 against PHE's limits (above 95%) but z' = 0.1 / sqrt(0.0025 + 0.0028958) = 1.36 once widened:
within. With three units there is no estimate, and PHE's limits stand.
"""

from __future__ import annotations

import pandas as pd

from dashboard.exports import funnel_limits, gather, pack

X = [30, 45, 50, 55, 60, 170, 190, 200, 220, 230]
N = [100] * 5 + [400] * 5
ROW = {"measure_id": "m", "unit": "%", "multiplier": 100.0, "comparator_rate": 50.0, "rate": 60.0,
       "polarity": "higher_is_better", "name": "M"}


def _units(count=10):
    return pd.DataFrame({"measure_id": "m", "unit_code": [f"U{i}" for i in range(count)],
                         "numerator": [float(x) for x in X[:count]], "denominator": [float(n) for n in N[:count]]})


def test_the_comparison_uses_widened_limits_when_the_comparator_s_units_are_overdispersed():
    dispersion = gather._overdispersion(ROW, _units())
    assert dispersion.widened and round(dispersion.phi, 3) == 3.402
    headline = {"numerator": 60.0, "denominator": 100.0}
    assert gather._significance(ROW, headline) == "above 95%"  # PHE's plain limits
    assert gather._significance(ROW, headline, dispersion) == "within"
    assert funnel_limits.words(dispersion) == ("Widened for overdispersion (Spiegelhalter; 10 units, "
                                                  "overdispersion factor 3.4)")
    assert gather._reading(ROW, "within") == ("Much higher, by 10.0 percentage points (20.0%); "
                                              "within what chance would give")


def test_too_few_units_keep_phe_limits_and_say_why():
    dispersion = gather._overdispersion(ROW, _units(3))
    assert not dispersion.widened
    assert gather._significance(ROW, {"numerator": 60.0, "denominator": 100.0}, dispersion) == "above 95%"
    assert funnel_limits.words(dispersion) == "PHE's (fewer than 10 units, too few to estimate overdispersion)"


def test_the_pack_judges_each_practice_against_the_widened_limits_around_the_council():
    outcomes = pd.DataFrame({"practice_code": [f"P{i}" for i in range(10)], "measure_id": "m", "name": "M",
                             "unit": "%", "polarity": "higher_is_better", "multiplier": 100.0,
                             "numerator": [float(x) for x in X], "denominator": [float(n) for n in N],
                             "rate": [100.0 * x / n for x, n in zip(X, N)], "council_rate": 50.0})
    readings = pack._with_council_reading(outcomes)["council_reading"].tolist()
    # the 30 of 100 (z' = -0.2 / 0.07346 = -2.72): below the widened 95% limit, worse as higher is better
    assert readings[0] == "Much lower, by 20.0 percentage points (40.0%); beyond chance (95% limits), worse"
    assert readings[4] == "Much higher, by 10.0 percentage points (20.0%); within what chance would give"
    assert all("beyond chance" not in reading for reading in readings[1:])


def test_the_pdf_note_says_which_limits_each_row_was_judged_against():
    frame = pd.DataFrame({"name": ["A&E attendances", "Emergency admissions"],
                          "limits": ["Widened for overdispersion (Spiegelhalter; 22 units, overdispersion factor 7.2)",
                                     "PHE's (the spread is within what chance would give)"]})
    assert funnel_limits.note(frame) == (" Limits: widened for overdispersion for A&E attendances; PHE's for "
                                        "emergency admissions (the workbook's Comparison sheet gives the "
                                        "overdispersion factors).")
    assert funnel_limits.note(frame.assign(limits="PHE's (fewer than 10 units)")) == " Limits: PHE's."


def test_pack_secondary_cells_are_counts_of_five_or_more():
    # One row P with cells 2, 0, 30 and its total 32 printed. The 2 is "<5". Hiding the 0 as well would
    # protect nothing: "[c]" is never 1 to 4, so 32 - 30 = 2 = "<5" + "[c]" forces the 2 and a 0. The
    # smallest count of 5 or more, the 30, is hidden instead; then 32 leaves the two cells 2 + 30, 3 + 29 ...
    values = {("P", "X"): 2, ("P", "Y"): 0, ("P", "Z"): 30}
    hidden, totals = pack.suppress_crosswise(values, [([("P", "X"), ("P", "Y"), ("P", "Z")], 32)])
    assert hidden == {("P", "X"): "<5", ("P", "Z"): "[c]"}


def test_pack_hides_a_percentage_whose_complement_is_a_small_number():
    # At home 91 days: 10 of 12 (12 - 10 = 2 not at home: a small number) is hidden as "[c]" with its
    # rate; 10 of 20 (10 not at home) is shown; 3 of 20 is "<5".
    outcomes = pd.DataFrame({"unit": "%", "numerator": [10.0, 10.0, 3.0], "denominator": [12.0, 20.0, 20.0],
                             "rate": [83.3, 50.0, 15.0], "ci_low": 1.0, "ci_high": 2.0, "council_reading": "r"})
    shown = pack._suppressed_outcomes(outcomes)
    assert list(shown["numerator"]) == ["[c]", 10.0, "<5"]
    assert list(shown["rate"]) == ["[c]", 50.0, "<5"]
