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
