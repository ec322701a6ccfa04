"""Funnel limits and significance against published PHE figures.

Sources, all from OHID's PHEindicatormethods (the R package implementing the Fingertips methods),
folder tests/testthat:
[PROP-LIMITS] testdata_funnel_prop_outputs.csv (commit 63894a9): proportion funnel limits in % at
    each population, around the baseline 80.642448% ("2s" = 95%, "3s" = 99.8%; clipped to 0 and 100).
[PROP-SIG] testdata_funnel_prop_inputs.csv (commit 3352ce5): numerator, denominator and PHE's
    significance label of each PCT against that baseline (rows chosen below: every "0.025" label plus
    others of each kind).
[RATE-LIMITS] testdata_funnel_rate_outputs.csv (commit 39d5df1): for each number of events, the
    population per year (3 years of data) at which it lies on each funnel, and the limit there,
    around 116.1720835 per 100,000.
[RATE-SIG] testdata_funnel_rate_dsr_inputs.csv (commit 5adcb8c): 40 areas' counts and populations
    with PHE's crude rate significance against the pooled rate, with the zero-count area ("with_0")
    and without it.

Overdispersion: no published table gives z-scores, φ and τ² for a proportion or rate funnel, so those
tests are small cases worked by hand (the arithmetic is in the comments) from the formulas of
[SPIEGELHALTER] Spiegelhalter DJ (2005), "Funnel plots for comparing institutional performance", Stat Med
    24:1185-1202, section 6 (winsorised z-scores, φ, the χ²(I − 1) test, the additive τ²), and
    "Handling over-dispersion of performance indicators", Qual Saf Health Care 14:347-51;
[FUNNELPLOTR] nhs-r-community/FunnelPlotR, R/od_adjustment.R (`winsorisation`: R's default quantile,
    type 7, which is numpy's "linear"; `phi_func`; `tau_func`) and R/calculate_limits.R (limits
    θ0 ± z·√(s² + τ²)).
"""

import numpy as np
import pytest

from etl.stats import funnels

PHE_LABELS = {
    "High (0.001)": funnels.ABOVE_998, "High (0.025)": funnels.ABOVE_95, "Not significant": funnels.WITHIN,
    "Low (0.025)": funnels.BELOW_95, "Low (0.001)": funnels.BELOW_998,
}


@pytest.mark.parametrize(
    ("population", "lower_95", "upper_95", "lower_998", "upper_998"),
    [
        (1, 3.204264, 100, 0, 100),
        (3, 35.933491, 100, 10.150815, 100),
        (18, 62.390093, 98.894803, 51.864359, 100),
        (41, 68.548635, 92.73626, 61.574398, 99.710497),
        (1008, 78.203374, 83.081521, 76.796814, 84.488082),
        (20742, 80.10476, 81.180135, 79.794688, 81.490208),
        (110000, 80.408963, 80.875933, 80.274317, 81.010578),
    ],
)
def test_proportion_limits_match_phe(population, lower_95, upper_95, lower_998, upper_998):
    # [PROP-LIMITS] published to 6 decimals of a percentage around a baseline also rounded to 6 decimals.
    baseline = 0.80642448
    lo95, hi95 = funnels.proportion_limits(population, baseline, 0.95)
    lo998, hi998 = funnels.proportion_limits(population, baseline, 0.998)
    got = np.array([lo95, hi95, lo998, hi998]) * 100
    assert got == pytest.approx([lower_95, upper_95, lower_998, upper_998], abs=1.5e-6)


PROPORTION_POINTS = [  # [PROP-SIG] area, numerator, denominator, PHE's label
    ("New Forest PCT", 35078.4880, 41980, "High (0.001)"),
    ("Norwich PCT", 24803.6256, 31824, "Low (0.001)"),
    ("South Gloucestershire PCT", 50050.7443, 61921, "Not significant"),
    ("West Norfolk PCT", 26789.2380, 33012, "High (0.025)"),
    ("North Tees PCT", 36850.0492, 45449, "High (0.025)"),
    ("Mid-Hampshire PCT", 34502.0685, 42485, "High (0.025)"),
    ("Sheffield West PCT", 23910.2469, 29457, "High (0.025)"),
    ("North Devon PCT", 30277.5312, 37828, "Low (0.025)"),
    ("Exeter PCT", 24866.9160, 30929, "Not significant"),
    ("East Devon PCT", 21139.2936, 25992, "High (0.025)"),
    ("Mid Devon PCT", 20759.6500, 25750, "Not significant"),
    ("South East Hertfordshire PCT", 38045.3716, 46958, "High (0.025)"),
    ("North Norfolk PCT", 18504.9982, 22739, "High (0.025)"),
    ("South Tyneside PCT", 29709.0543, 36583, "High (0.025)"),
    ("Heywood and Middleton PCT", 14493.3552, 17964, "Not significant"),
    ("Mansfield District PCT", 18986.0000, 22000, "High (0.001)"),
    ("Bradford City PCT", 18365.4621, 29277, "Low (0.001)"),
]


def test_proportion_significance_matches_phe():
    # [PROP-SIG] against the published baseline of the same data (80.642448%, from [PROP-LIMITS]).
    x = np.array([p[1] for p in PROPORTION_POINTS])
    n = np.array([p[2] for p in PROPORTION_POINTS])
    expected = [PHE_LABELS[p[3]] for p in PROPORTION_POINTS]
    assert list(funnels.proportion_significance(x, n, 0.80642448)) == expected


@pytest.mark.parametrize(
    # [RATE-LIMITS] events, then (population per year, limit per 100,000) for lower 95%, upper 95%,
    # lower 99.8%, upper 99.8%.
    ("events", "limits"),
    [
        (1, [(1598.675694, 20.85059119), (7.264481402, 4588.535848),
             (2649.348525, 12.58170943), (0.287087625, 116108.569)]),
        (10, [(5276.757672, 63.17010446), (1375.943768, 242.2579623),
              (6924.776769, 48.13632908), (849.4639547, 392.4043292)]),
        (104, [(36157.10817, 95.87787415), (24382.08903, 142.1808715),
               (40036.31685, 86.58805154), (21608.75072, 160.4288333)]),
        (1360, [(411529.9259, 110.158048), (369759.5622, 122.6021934),
                (424043.2424, 106.9073359), (358342.3275, 126.5084525)]),
    ],
)
def test_rate_limits_match_phe(events, limits):
    # PHE solves for each limit by bisection to a step of 1e-7 on a transformed scale, so its published
    # figures (10 significant digits) agree with the exact solution to about 1 part in 10^6.
    comparator = 116.1720835 / 100_000
    for (population_1_year, limit), (confidence, side) in zip(
        limits, [(0.95, 0), (0.95, 1), (0.998, 0), (0.998, 1)]
    ):
        got = funnels.rate_limits(population_1_year * 3, comparator, confidence)[side] * 100_000
        assert got == pytest.approx(limit, rel=1e-5), (events, confidence, side)


# [RATE-SIG] count, population, PHE's label with the zero-count area in the pooled rate, and without it
# (PHE's "without_0" run has no denominator for that area, so it drops out of the pooled rate; its own
# label there is a default, not a test, hence None).
RATE_POINTS = [
    (2419, 264102, "High (0.001)", "High (0.001)"),
    (2337, 259711, "High (0.001)", "High (0.001)"),
    (2291, 289247, "High (0.001)", "High (0.001)"),
    (2242, 265029, "High (0.001)", "High (0.001)"),
    (2218, 284649, "High (0.001)", "High (0.001)"),
    (2159, 293578, "High (0.001)", "High (0.001)"),
    (2130, 286718, "High (0.001)", "High (0.001)"),
    (2111, 307381, "Not significant", "Not significant"),
    (2105, 274145, "High (0.001)", "High (0.001)"),
    (2083, 297424, "High (0.025)", "Not significant"),
    (2078, 272628, "High (0.001)", "High (0.001)"),
    (2062, 269656, "High (0.001)", "High (0.001)"),
    (2061, 294692, "High (0.025)", "Not significant"),
    (2033, 277710, "High (0.001)", "High (0.025)"),
    (2033, 259213, "High (0.001)", "High (0.001)"),
    (2010, 285516, "High (0.025)", "Not significant"),
    (2004, 269449, "High (0.001)", "High (0.001)"),
    (2002, 290888, "Not significant", "Not significant"),
    (1977, 287112, "Not significant", "Not significant"),
    (1944, 286492, "Not significant", "Not significant"),
    (1932, 287012, "Not significant", "Not significant"),
    (1922, 291277, "Not significant", "Not significant"),
    (1912, 289859, "Not significant", "Not significant"),
    (1881, 289653, "Not significant", "Low (0.025)"),
    (1844, 282519, "Not significant", "Low (0.025)"),
    (1835, 274220, "Not significant", "Not significant"),
    (1833, 280271, "Not significant", "Low (0.025)"),
    (1825, 284206, "Not significant", "Low (0.025)"),
    (1816, 274508, "Not significant", "Not significant"),
    (1809, 288384, "Low (0.025)", "Low (0.001)"),
    (1798, 287072, "Low (0.025)", "Low (0.001)"),
    (1754, 282744, "Low (0.001)", "Low (0.001)"),
    (1746, 289208, "Low (0.001)", "Low (0.001)"),
    (1709, 287736, "Low (0.001)", "Low (0.001)"),
    (1694, 296175, "Low (0.001)", "Low (0.001)"),
    (1688, 303255, "Low (0.001)", "Low (0.001)"),
    (1649, 285959, "Low (0.001)", "Low (0.001)"),
    (1553, 274661, "Low (0.001)", "Low (0.001)"),
    (1332, 281425, "Low (0.001)", "Low (0.001)"),
    (0, 297820, "Low (0.001)", None),
]


@pytest.mark.parametrize("include_zero_area", [True, False])
def test_rate_significance_matches_phe(include_zero_area):
    # [RATE-SIG] crude rates against the pooled rate of the areas in the run: Byar from 10 events,
    # exact for the area with none. All 40 (and 39) published labels.
    rows = RATE_POINTS if include_zero_area else RATE_POINTS[:-1]
    count = np.array([r[0] for r in rows])
    population = np.array([r[1] for r in rows])
    expected = [PHE_LABELS[r[2] if include_zero_area else r[3]] for r in rows]
    got = funnels.rate_significance(count, population, funnels.pooled(count, population))
    assert list(got) == expected


def test_count_limits_with_few_expected_events():
    # Hand-computed: P(X <= 0 | E) = exp(-E), which is above 2.5% while E < -ln(0.025) = 3.689, so no
    # count is significantly low there and the lower limit is 0. The upper limit for E = ln(40/39)
    # = 0.02532 is 1 event: P(X >= 1 | E) = 1 - exp(-E) = 1/40 = 2.5%.
    lower, upper = funnels.count_limits(np.array([1.0, 3.6, np.log(40 / 39)]))
    assert lower[:2] == pytest.approx([0, 0], abs=1e-9)
    assert upper[2] == pytest.approx(1.0, rel=1e-9)


def test_limits_narrow_with_size_and_nest():
    n = np.geomspace(10, 1e6, 50)
    for limits in (lambda c: funnels.proportion_limits(n, 0.3, c), lambda c: funnels.rate_limits(n, 0.01, c)):
        lo95, hi95 = limits(0.95)
        lo998, hi998 = limits(0.998)
        assert np.all(np.diff(hi95) < 0) and np.all(np.diff(lo95[lo95 > 0]) > 0)
        assert np.all(lo998 <= lo95) and np.all(hi95 < hi998)


def test_pooled_comparator():
    assert funnels.pooled([1, 3], [10, 30]) == 0.1


def test_count_limits_refuse_zero_expected():
    with pytest.raises(ValueError):
        funnels.count_limits([0.0])


# --- overdispersion -------------------------------------------------------------------------------------
# Ten practices: five of 100 patients and five of 400, around p0 = 0.5. Counts chosen so the pooled
# value is exactly 0.5: (30 + 45 + 50 + 55 + 60 + 170 + 190 + 200 + 220 + 230) / (5 x 100 + 5 x 400)
# = 1,250 / 2,500.
SPREAD_X = np.array([30, 45, 50, 55, 60, 170, 190, 200, 220, 230], dtype=float)
SPREAD_N = np.array([100] * 5 + [400] * 5, dtype=float)


def test_overdispersion_worked_by_hand():
    # [SPIEGELHALTER] s_i = sqrt(p0 (1 - p0) / n_i): sqrt(0.25 / 100) = 0.05 and sqrt(0.25 / 400) = 0.025.
    # z_i = (x_i / n_i - 0.5) / s_i: for n = 100, (0.30 - 0.5) / 0.05 = -4, then -1, 0, 1, 2;
    #   for n = 400, (0.425 - 0.5) / 0.025 = -3, then -1, 0, 2, 3.
    comparator = funnels.pooled(SPREAD_X, SPREAD_N)
    assert comparator == 0.5
    z = funnels.null_z_scores(SPREAD_X, SPREAD_N, comparator, funnels.PROPORTION)
    assert z == pytest.approx([-4, -1, 0, 1, 2, -3, -1, 0, 2, 3])
    # Winsorise at 10% [FUNNELPLOTR, type 7]: sorted z = -4, -3, -1, -1, 0, 0, 1, 2, 2, 3. The 10th
    # percentile sits at position (10 - 1) x 0.1 = 0.9: -4 + 0.9 x (-3 - -4) = -3.1; the 90th at 8.1:
    # 2 + 0.1 x (3 - 2) = 2.1. So -4 becomes -3.1 and 3 becomes 2.1; the rest stay.
    z_winsorised = funnels.winsorise(z)
    assert z_winsorised == pytest.approx([-3.1, -1, 0, 1, 2, -3, -1, 0, 2, 2.1])
    # phi = (3.1² + 1 + 0 + 1 + 4 + 9 + 1 + 0 + 4 + 2.1²) / 10 = (9.61 + 20 + 4.41) / 10 = 3.402
    phi = funnels.dispersion_factor(z_winsorised)
    assert phi == pytest.approx(3.402)
    # Test: I x phi = 34.02 against chi-squared on 9 df, whose 95th percentile is 16.919: overdispersed.
    # tau² = (I phi - (I - 1)) / (sum w - sum w² / sum w), w = 1 / s² = 400 (n = 100) or 1,600 (n = 400):
    #   sum w = 5 x 400 + 5 x 1,600 = 10,000; sum w² = 5 x 160,000 + 5 x 2,560,000 = 13,600,000;
    #   sum w² / sum w = 1,360; tau² = (34.02 - 9) / (10,000 - 1,360) = 25.02 / 8,640 = 0.00289583.
    result = funnels.overdispersion(SPREAD_X, SPREAD_N, comparator, funnels.PROPORTION)
    assert result.widened and result.units == 10
    assert result.phi == pytest.approx(3.402)
    assert result.p_value < 0.05
    assert result.tau2 == pytest.approx(25.02 / 8640)
    # The widened 95% limits at n = 400: 0.5 ± 1.959964 x sqrt(0.025² + 0.00289583)
    #   = 0.5 ± 1.959964 x sqrt(0.000625 + 0.00289583) = 0.5 ± 1.959964 x 0.0593366 = 0.5 ± 0.116298.
    lower, upper = result.limits(400, 0.95)
    assert (lower, upper) == pytest.approx((0.383702, 0.616298), abs=1e-6)
    # PHE's plain 95% limits there are 0.5 ± 1.959964 x 0.025 = 0.5 ± 0.049: far narrower.
    assert funnels.proportion_limits(400, 0.5, 0.95)[1] == pytest.approx(0.549, abs=1e-4)


def test_overdispersed_significance_uses_the_widened_limits():
    # z_i' = (y_i - 0.5) / sqrt(s_i² + tau²). The 30 of 100: sqrt(0.0025 + 0.00289583) = 0.0734563,
    # z' = -0.2 / 0.0734563 = -2.723: below 95% (-1.960) but not 99.8% (-3.090); plainly it was z = -4,
    # below 99.8%. The 60 of 100: 0.1 / 0.0734563 = 1.361, within (plainly z = 2: above 95%). The 230 of
    # 400: 0.075 / 0.0593366 = 1.264, within (plainly z = 3: above 95%).
    result = funnels.overdispersion(SPREAD_X, SPREAD_N, 0.5, funnels.PROPORTION)
    widened = result.significance(SPREAD_X, SPREAD_N)
    assert list(widened) == [funnels.BELOW_95] + [funnels.WITHIN] * 9
    plain = funnels.proportion_significance(SPREAD_X, SPREAD_N, 0.5)
    assert (plain[0], plain[4], plain[9]) == (funnels.BELOW_998, funnels.ABOVE_95, funnels.ABOVE_95)
    # and the labels agree with the lines drawn: each flagged unit lies outside the widened limits there
    lower, upper = result.limits(SPREAD_N, 0.95)
    outside = (SPREAD_X / SPREAD_N < lower) | (SPREAD_X / SPREAD_N > upper)
    assert list(outside) == [label != funnels.WITHIN for label in widened]


def test_no_overdispersion_keeps_phe_limits_and_labels():
    # Ten practices of 100 around 0.5 with counts 45, 45, 50 (x6), 55, 55: z = (x/100 - 0.5) / 0.05 =
    # -1, -1, 0 (x6), 1, 1. Winsorising changes nothing (both percentiles are the end values, -1 and 1);
    # phi = 4 / 10 = 0.4: less spread than chance (I phi = 4 is below I - 1 = 9), so tau² = 0.
    x = np.array([45, 45, 50, 50, 50, 50, 50, 50, 55, 55], dtype=float)
    n = np.full(10, 100.0)
    result = funnels.overdispersion(x, n, 0.5, funnels.PROPORTION)
    assert result.phi == pytest.approx(0.4)
    assert not result.widened and result.tau2 == 0
    grid = np.geomspace(10, 1000, 7)
    for confidence in funnels.LEVELS:
        assert np.allclose(result.limits(grid, confidence), funnels.proportion_limits(grid, 0.5, confidence))
    assert list(result.significance(x, n)) == list(funnels.proportion_significance(x, n, 0.5))


def _ten_of_100(deviations):
    """Ten practices of 100 patients with x = 50 + deviation (deviations adding to 0, so pooled = 0.5)."""
    x = 50 + np.asarray(deviations, dtype=float)
    return x, np.full(10, 100.0)


def test_the_chi_squared_test_decides():
    # Both cases have phi above 1, so FunnelPlotR's rule (widen when I phi > I - 1 = 9) would widen both;
    # Spiegelhalter's test widens only when I phi is beyond chi-squared(9)'s 95th percentile, 16.919.
    # z = deviation / 5 (s = 0.05 at n = 100).
    # Not significant: deviations -10, -10, -5, -5, 0, 0, 5, 5, 5, 15 -> z = -2, -2, -1, -1, 0, 0, 1, 1, 1, 3.
    #   10th percentile (position 0.9 between -2 and -2) = -2: nothing raised; 90th (position 8.1)
    #   = 1 + 0.1 x (3 - 1) = 1.2: the 3 becomes 1.2. I phi = 4 + 4 + 1 + 1 + 1 + 1 + 1 + 1.44 = 14.44,
    #   phi = 1.444; P(chi-squared(9) >= 14.44) = 0.107, so PHE's limits are kept.
    x, n = _ten_of_100([-10, -10, -5, -5, 0, 0, 5, 5, 5, 15])
    kept = funnels.overdispersion(x, n, funnels.pooled(x, n), funnels.PROPORTION)
    assert kept.phi == pytest.approx(1.444)
    assert kept.p_value == pytest.approx(0.1075, abs=5e-4)
    assert not kept.widened
    assert kept.limits(100, 0.95) == pytest.approx(funnels.proportion_limits(100, 0.5, 0.95))
    # Significant: deviations -10, -10, -5, 0, 0, 0, 0, 5, 10, 10 -> z = -2, -2, -1, 0, 0, 0, 0, 1, 2, 2.
    #   Both percentiles are end values (-2, 2), so nothing changes; I phi = 4 x 4 + 1 + 1 = 18, phi = 1.8;
    #   P(chi-squared(9) >= 18) = 0.035: widened. Every w = 1 / 0.05² = 400: sum w = 4,000,
    #   sum w² / sum w = 10 x 160,000 / 4,000 = 400; tau² = (18 - 9) / (4,000 - 400) = 0.0025, so tau = 0.05.
    #   The 95% upper limit at n = 100: 0.5 + 1.959964 x sqrt(0.0025 + 0.0025) = 0.5 + 1.959964 x 0.0707107
    #   = 0.638590 (PHE's: 0.5 + 1.959964 x 0.05 = 0.597998).
    x, n = _ten_of_100([-10, -10, -5, 0, 0, 0, 0, 5, 10, 10])
    widened = funnels.overdispersion(x, n, funnels.pooled(x, n), funnels.PROPORTION)
    assert widened.phi == pytest.approx(1.8)
    assert widened.p_value == pytest.approx(0.0352, abs=5e-4)
    assert widened.tau2 == pytest.approx(0.0025)
    assert widened.limits(100, 0.95)[1] == pytest.approx(0.638590, abs=1e-6)


def test_rate_overdispersion_on_the_square_root_scale_by_hand():
    # Ten practices of 100 patients with 1, 16, 25, 25, 25, 25, 25, 36, 36 and 36 events: pooled rate
    # 250 / 1,000 = 0.25, so every expected count E = 25. On the square-root scale s = 1 / (2 sqrt(100))
    # = 0.05 and z = (sqrt(O / 100) - 0.5) / 0.05 = 2 (sqrt(O) - sqrt(E)) = 2 (sqrt(O) - 5):
    # -8, -2, 0 (x5), 2, 2, 2.
    count = np.array([1, 16, 25, 25, 25, 25, 25, 36, 36, 36], dtype=float)
    population = np.full(10, 100.0)
    comparator = funnels.pooled(count, population)
    z = funnels.null_z_scores(count, population, comparator, funnels.RATE)
    assert z == pytest.approx([-8, -2, 0, 0, 0, 0, 0, 2, 2, 2])
    # 10th percentile: -8 + 0.9 x (-2 - -8) = -2.6; 90th: 2 + 0.1 x 0 = 2. Winsorised: -2.6, -2, 0 (x5),
    # 2, 2, 2; I phi = 6.76 + 4 + 12 = 22.76 > 16.919: overdispersed.
    # tau² = (22.76 - 9) / (4,000 - 400) = 13.76 / 3,600 = 0.00382222 (w = 1 / 0.05² = 400 each).
    result = funnels.overdispersion(count, population, comparator, funnels.RATE)
    assert result.phi == pytest.approx(2.276)
    assert result.tau2 == pytest.approx(13.76 / 3600)
    # 95% upper limit at n = 100: (0.5 + 1.959964 x sqrt(0.0025 + 0.00382222))² = (0.5 + 1.959964 x
    # 0.0795124)² = (0.5 + 0.1558414)² = 0.6558414² = 0.430128 a patient, i.e. 43.0 events in 100.
    assert result.limits(100, 0.95)[1] == pytest.approx(0.430128, abs=1e-6)
    # The practice with 1 event: z' = (0.1 - 0.5) / 0.0795124 = -5.03, below 99.8%; with 36: 0.1 / 0.0795
    # = 1.26, within.
    labels = result.significance(count, population)
    assert (labels[0], labels[-1]) == (funnels.BELOW_998, funnels.WITHIN)


def test_widened_limits_contain_the_plain_ones():
    # tau² > 0 only ever widens: sqrt(s² + tau²) > s at every denominator (proportions, natural scale)
    result = funnels.overdispersion(SPREAD_X, SPREAD_N, 0.5, funnels.PROPORTION)
    grid = np.geomspace(10, 1e5, 30)
    for confidence in funnels.LEVELS:
        lower, upper = result.limits(grid, confidence)
        plain_lower, plain_upper = funnels.proportion_limits(grid, 0.5, confidence)
        assert np.all(lower <= plain_lower) and np.all(upper > plain_upper)


def test_too_few_units_keep_phe_limits():
    # Two practices far apart: with fewer than MIN_UNITS_FOR_OVERDISPERSION there is no estimate.
    result = funnels.overdispersion([10, 90], [100, 100], 0.5, funnels.PROPORTION)
    assert not result.widened and np.isnan(result.phi)
    assert "fewer than 10" in result.reason


def test_overdispersion_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        funnels.overdispersion(SPREAD_X, SPREAD_N, 0.5, "ratio")
