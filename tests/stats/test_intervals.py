"""Confidence intervals against published figures.

Sources (each test names the one it uses):
[PHE-FUNNEL] OHID, PHEindicatormethods (the R package behind Fingertips' methods), test data
    tests/testthat/testdata_funnel_prop_outputs.csv (commit 63894a9): 95% ("2s") and 99.8% ("3s")
    funnel limits, in %, around the baseline 80.642448%, computed by PHE's sigma_adjustment (Wilson).
[PHE-RATE-FUNNEL] same package, tests/testthat/testdata_funnel_rate_outputs.csv (commit 39d5df1):
    for a number of events, the population (per year, 3 years of data) at which it sits on the funnel
    around 116.1720835 per 100,000, i.e. where its exact Poisson limit equals the expected count.
[PHE-CI-GUIDE] PHE Public Health Data Science, "Technical Guide: Confidence Intervals" (25 May 2018),
    Introduction: "For 95% confidence intervals, Byar's method is within 0.2% of the exact value for
    numerators of 10 or more."
[DESCTOOLS] DescTools (R), PoissonCI help page, example "the horse kick example": 196 events in 280
    unit-years, exact 95% interval 0.6054271 to 0.8051570 per unit.
[EPITOOLS] epitools (R), pois.exact help page, Details: "When x = 0, for the upper confidence limit
    pois.exact returns 3.689".
[BYAR-GEM] the `byar` Ruby gem (rubygems.org), class Byar documentation, z = 1.96: for 100 observed,
    upper_bound 121.628347271806 and lower(90) = 0.9040199067337297 (so lower_bound = 81.3617916...).
"""

import math

import numpy as np
import pytest
from scipy.special import ndtr

from etl.stats import intervals

BASELINE = 0.80642448  # [PHE-FUNNEL], published as 80.642448 %


@pytest.mark.parametrize(
    ("n", "lower_pct", "upper_pct", "confidence"),
    [
        (3, 35.933491, None, 0.95),  # upper limit clipped at 100 in the table
        (18, 62.390093, 98.894803, 0.95),
        (18, 51.864359, None, 0.998),
        (1008, 78.203374, 83.081521, 0.95),
        (1008, 76.796814, 84.488082, 0.998),
        (110000, 80.408963, 80.875933, 0.95),
        (110000, 80.274317, 81.010578, 0.998),
    ],
)
def test_wilson_reaches_the_baseline_from_the_published_funnel_limits(n, lower_pct, upper_pct, confidence):
    # [PHE-FUNNEL] A proportion lying on the lower funnel limit is one whose Wilson interval just reaches
    # the baseline from below (and on the upper limit, from above): that is how PHE defines the limits.
    # Published to 6 decimals of a percentage, and the baseline itself is rounded to 6 decimals.
    _, upper = intervals.wilson(lower_pct / 100 * n, n, confidence)
    assert upper == pytest.approx(BASELINE, abs=2e-8)
    if upper_pct is not None:
        lower, _ = intervals.wilson(upper_pct / 100 * n, n, confidence)
        assert lower == pytest.approx(BASELINE, abs=2e-8)


def test_wilson_at_zero_and_at_all():
    # Hand-computed: with O = 0 the formula reduces to (0, z²/(n + z²)), with O = n to (n/(n + z²), 1).
    # z = 1.959964 (95%), n = 20: z² = 3.841459, so 3.841459 / 23.841459 = 0.161125.
    assert intervals.wilson(0, 20) == (0.0, pytest.approx(0.161125, abs=1e-6))
    assert intervals.wilson(20, 20) == (pytest.approx(0.838875, abs=1e-6), 1.0)


def test_wilson_is_vectorised_and_narrower_at_95_than_at_99_8():
    lo95, hi95 = intervals.wilson(np.array([5, 50]), np.array([100, 1000]))
    lo998, hi998 = intervals.wilson(np.array([5, 50]), np.array([100, 1000]), 0.998)
    assert np.all(lo998 < lo95) and np.all(hi95 < hi998)


def test_exact_poisson_published_examples():
    # [DESCTOOLS] horse kicks: 196 deaths in 280 corps-years, 95% exact 0.6054271 to 0.8051570.
    lower, upper = intervals.exact_poisson(196)
    assert lower / 280 == pytest.approx(0.6054271, abs=5e-8)
    assert upper / 280 == pytest.approx(0.8051570, abs=5e-8)
    # [EPITOOLS] zero events: 95% upper limit 3.689 (published to 3 decimals); the lower limit is 0.
    assert intervals.exact_poisson(0) == (0.0, pytest.approx(3.689, abs=5e-4))


@pytest.mark.parametrize(
    ("events", "population_1_year", "confidence"),
    [(1, 1598.675694, 0.95), (10, 5276.757672, 0.95), (104, 36157.10817, 0.95),
     (10, 6924.776769, 0.998), (1360, 424043.2424, 0.998)],
)
def test_exact_poisson_upper_limit_matches_the_published_rate_funnel(events, population_1_year, confidence):
    # [PHE-RATE-FUNNEL] the lower-limit columns: at this population (x 3 years) the expected count
    # equals the exact upper limit of `events`. PHE finds that population by bisection, stopping at a
    # step of 1e-7 in a transformed scale, so the published figures agree to about 1 part in 10^6.
    expected = 116.1720835 / 100_000 * population_1_year * 3
    _, upper = intervals.exact_poisson(events, confidence)
    assert upper == pytest.approx(expected, rel=1e-5)


def test_byar_is_within_0_2_percent_of_exact_from_10_events():
    # [PHE-CI-GUIDE] the published accuracy claim, checked for every count from 10 to 5,000.
    counts = np.arange(10, 5001)
    byar_lo, byar_hi = intervals.byar(counts)
    exact_lo, exact_hi = intervals.exact_poisson(counts)
    assert np.max(np.abs(byar_lo / exact_lo - 1)) < 0.002
    assert np.max(np.abs(byar_hi / exact_hi - 1)) < 0.002


def test_byar_published_example_with_z_1_96():
    # [BYAR-GEM] uses z = 1.96 exactly: ask for the confidence level whose z is 1.96.
    confidence = 2 * ndtr(1.96) - 1
    lower, upper = intervals.byar(100, confidence)
    assert upper == pytest.approx(121.628347271806, rel=1e-12)
    assert lower == pytest.approx(0.9040199067337297 * 90, rel=1e-12)


def test_byar_hand_computed_100_events():
    # Hand-computed with z = 1.9599640 (95%):
    # lower: 1 - 1/900 - z/30 = 1 - 0.0011111 - 0.0653321 = 0.9335568; cubed 0.8136211; x100 = 81.36211
    # upper: 1 - 1/909 + z/(3*sqrt(101)) = 1 - 0.0011001 + 0.0650079 = 1.0639078; cubed 1.2042370;
    #        x101 = 121.62794
    assert intervals.byar(100) == (pytest.approx(81.36211, abs=5e-6), pytest.approx(121.62794, abs=5e-6))


def test_fingertips_rule_names_the_method_it_used():
    # Fingertips guidance ("Rates"): exact below 10 events, Byar's from 10.
    assert intervals.poisson_method(9) == intervals.EXACT_POISSON == "exact Poisson"
    assert intervals.poisson_method(10) == intervals.BYAR == "Byar"
    methods = intervals.poisson_method([0, 9, 10, 500])
    assert list(methods) == ["exact Poisson", "exact Poisson", "Byar", "Byar"]
    assert intervals.poisson(9) == intervals.exact_poisson(9)
    assert intervals.poisson(10) == intervals.byar(10)
    assert intervals.WILSON == "Wilson score"


def test_rate_scales_the_count_interval():
    lower, upper = intervals.rate(10, 5000, per=1000)
    byar_lo, byar_hi = intervals.byar(10)
    assert (lower, upper) == (pytest.approx(byar_lo / 5), pytest.approx(byar_hi / 5))


def test_z_values():
    assert intervals.z_for(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert intervals.z_for(0.998) == pytest.approx(3.090232, abs=1e-6)


@pytest.mark.parametrize(
    "call",
    [
        lambda: intervals.wilson(5, 4),
        lambda: intervals.wilson(1, 0),
        lambda: intervals.byar(-1),
        lambda: intervals.exact_poisson(-3),
        lambda: intervals.rate(3, 0),
        lambda: intervals.wilson(1, 10, confidence=95),
    ],
)
def test_impossible_inputs_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_scalar_in_scalar_out():
    lower, upper = intervals.byar(50)
    assert isinstance(lower, float) and isinstance(upper, float)
    assert math.isfinite(lower)
