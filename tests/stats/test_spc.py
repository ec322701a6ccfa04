"""XmR charts against a published Making Data Count series, and each rule on small hand-made series.

Published source:
[PTD] NHS-R Community, NHSRplotthedots (the R implementation of NHS England's "Making Data Count"),
    tests/testthat/_snaps/integration_tests.md (commit 0c096d8), the serialised ptd_spc() results of
    tests/testthat/test-integration_tests.R, whose input is NHSRdatasets::ae_attendances (NHS England's
    monthly A&E attendances and 4-hour performance, April 2016 to March 2019) summed over all providers:
    - "ae_all attendances spc returns expected values": ptd_spc(ae_all(), attendances, period)
    - "... with rebase": the same with rebase = 2017-04-01 (the 13th month)
    - "ae_all performance spc returns expected values": ptd_spc(ae_all(), performance, period,
      fix_after_n_points = 12), improvement "increase".
    The snapshot stores the input series (y), mean, lpl, upl and point_type at full double precision;
    the numbers below are those values. That NHSRplotthedots version screens outlying moving ranges
    by default; on these two series screening changes nothing (no moving range reaches 3.267 x the
    mean), so the results match with screening on or off.
"""

import numpy as np
import pytest

from etl.stats import spc

# [PTD] monthly A&E attendances, all types, England (the snapshot's y column).
ATTENDANCES = [
    1867781, 2070340, 1958802, 2079034, 1932901, 1952464, 2001816, 1907871, 1944567, 1895272,
    1735619, 2015834, 1949762, 2066789, 1994056, 2073944, 1924663, 1925961, 2044137, 1976971,
    2003954, 2000086, 1820012, 2049785, 1984369, 2164458, 2093942, 2179896, 1997854, 2005695,
    2079492, 2037847, 2047518, 2113413, 1954947, 2167550,
]

# [PTD] share of attendances seen within 4 hours (1 - breaches / attendances).
PERFORMANCE = [
    0.9003512724457525, 0.9027555860390081, 0.9055994429248081, 0.9028524786030435,
    0.909763097023593, 0.9064786853944554, 0.8905308979446662, 0.8837903610883545,
    0.8617594559611471, 0.851413411900772, 0.8753090395991286, 0.9000949482943537,
    0.9051525263083392, 0.8970035160821932, 0.9072518525056468, 0.9034785895858326,
    0.9029928875860346, 0.8966609396555797, 0.8994186788850258, 0.8876655246839736,
    0.8498503458662225, 0.8529918213516818, 0.8504476893558943, 0.8462121637147311,
    0.8857248828216929, 0.9039011151983545, 0.9076297242234981, 0.8931949047110505,
    0.8972702710007838, 0.8894368286304747, 0.8900933497219513, 0.8760446687116353,
    0.8644632183941728, 0.843525141560121, 0.8422525009629417, 0.8660427671795345,
]
# [PTD] point_type of each month: c = common cause, I = improvement, C = concern.
PERFORMANCE_TYPES = "cccccccccCcIIIIIIIIcCCCCcccccCCCCCCC"
CODES = {"c": spc.COMMON, "I": spc.IMPROVEMENT, "C": spc.CONCERN}


@pytest.mark.parametrize("screen_outliers", [False, True])
def test_published_series_limits(screen_outliers):
    # [PTD] "ae_all attendances": mean 2000538.9444444445, lpl 1731844.3644444444, upl 2269233.5244444446;
    # every month common cause.
    chart = spc.xmr(ATTENDANCES, screen_outliers=screen_outliers)
    assert chart.mean[0] == pytest.approx(2000538.9444444445, rel=1e-12)
    assert chart.lower[0] == pytest.approx(1731844.3644444444, rel=1e-12)
    assert chart.upper[0] == pytest.approx(2269233.5244444446, rel=1e-12)
    assert set(chart.point_type) == {spc.COMMON}
    assert chart.variation == "common_cause"


@pytest.mark.parametrize("screen_outliers", [False, True])
def test_published_series_recalculated_from_a_change_point(screen_outliers):
    # [PTD] "... with rebase" at 2017-04-01: before, mean 1946858.4166666667, lpl 1639947.374848485,
    # upl 2253769.4584848485 (12 months); after, mean 2027379.2083333333, lpl 1772921.0639855072,
    # upl 2281837.3526811595 (24 months).
    chart = spc.xmr(ATTENDANCES, change_points=[12], screen_outliers=screen_outliers)
    before, after = slice(0, 12), slice(12, 36)
    assert chart.mean[before] == pytest.approx([1946858.4166666667] * 12, rel=1e-12)
    assert chart.lower[before] == pytest.approx([1639947.374848485] * 12, rel=1e-12)
    assert chart.upper[before] == pytest.approx([2253769.4584848485] * 12, rel=1e-12)
    assert chart.mean[after] == pytest.approx([2027379.2083333333] * 24, rel=1e-12)
    assert chart.lower[after] == pytest.approx([1772921.0639855072] * 24, rel=1e-12)
    assert chart.upper[after] == pytest.approx([2281837.3526811595] * 24, rel=1e-12)
    assert list(chart.segment) == [0] * 12 + [1] * 24
    assert set(chart.point_type) == {spc.COMMON}


def test_published_series_special_causes():
    # [PTD] "ae_all performance", limits fixed on the first 12 months: mean 0.8908915564349236,
    # lpl 0.8614049789074258, upl 0.9203781339624213, and the point types of all 36 months (months
    # outside the limits, a run of 8 above the mean, and the closing run of 7 below it).
    chart = spc.xmr(PERFORMANCE, improvement=spc.INCREASE, baseline=12)
    assert chart.mean[0] == pytest.approx(0.8908915564349236, rel=1e-12)
    assert chart.lower[0] == pytest.approx(0.8614049789074258, rel=1e-12)
    assert chart.upper[0] == pytest.approx(0.9203781339624213, rel=1e-12)
    assert list(chart.point_type) == [CODES[c] for c in PERFORMANCE_TYPES]
    # The latest month is a concerning low value, so the icon is "concern_low" (derived from the
    # published point type and direction, not read from the snapshot).
    assert chart.variation == "concern_low"
    assert list(np.flatnonzero(chart.outside)) == [9, 20, 21, 22, 23, 33, 34]


# The NHSRplotthedots vignette "Deviations from Excel defaults" uses this series to show outlier
# screening; it prints the limits only in a chart, so the numbers here are hand-computed:
# mean = 35/18 = 1.944444; moving ranges: fifteen of 1, then 8 and 9, mean 32/17 = 1.882353.
VIGNETTE = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_outlier_screening_hand_computed():
    # Excel default, no screening: 1.944444 -/+ 2.66 x 1.882353 = -3.062614 to 6.951503.
    excel = spc.xmr(VIGNETTE)
    assert excel.lower[0] == pytest.approx(-3.062614, abs=1e-6)
    assert excel.upper[0] == pytest.approx(6.951503, abs=1e-6)
    # Screened: 8 and 9 exceed 3.267 x 1.882353 = 6.149647, leaving a mean moving range of 1:
    # 1.944444 -/+ 2.66 = -0.715556 to 4.604444.
    screened = spc.xmr(VIGNETTE, screen_outliers=True)
    assert screened.lower[0] == pytest.approx(-0.715556, abs=1e-6)
    assert screened.upper[0] == pytest.approx(4.604444, abs=1e-6)
    for chart in (excel, screened):
        assert list(np.flatnonzero(chart.outside)) == [4]
        assert chart.mean[0] == pytest.approx(1.944444, abs=1e-6)


# Hand-made series for each rule. Limits are fixed on a baseline of ten points alternating 11 and 9
# (or 9 and 11): mean 10, every moving range 2, so the limits are 10 -/+ 5.32 = 4.68 to 15.32 and the
# 2-sigma lines 10 -/+ 3.546667 = 6.453333 and 13.546667.
HIGH_LOW = [11, 9] * 5  # ends below the mean
LOW_HIGH = [9, 11] * 5  # ends above the mean


def chart(tail, start=HIGH_LOW, **kwargs):
    return spc.xmr(start + tail, baseline=10, **kwargs)


def test_baseline_limits_hand_computed():
    c = chart([10])
    assert (c.mean[0], c.lower[0], c.upper[0]) == pytest.approx((10, 4.68, 15.32))


def test_shift_needs_seven_points_on_one_side():
    seven = chart([11] * 7)
    assert list(np.flatnonzero(seven.shift)) == list(range(10, 17))
    assert set(seven.point_type[10:]) == {spc.IMPROVEMENT} and set(seven.point_type[:10]) == {spc.COMMON}
    six = chart([11] * 6 + [9])
    assert not six.shift.any() and set(six.point_type) == {spc.COMMON}


def test_trend_needs_seven_points_and_takes_its_own_direction():
    # After a fall from 11, seven rising points, mostly below the mean: a rising trend, which is an
    # improvement when higher is better although the points sit below the mean.
    rising = chart([9.0, 9.2, 9.4, 9.6, 9.8, 10.0, 10.2], start=LOW_HIGH)
    assert list(np.flatnonzero(rising.trend)) == list(range(10, 17))
    assert not rising.shift.any()
    assert set(rising.point_type[10:]) == {spc.IMPROVEMENT}
    falling = chart([11.0, 10.8, 10.6, 10.4, 10.2, 10.0, 9.8])
    assert list(np.flatnonzero(falling.trend)) == list(range(10, 17))
    assert set(falling.point_type[10:]) == {spc.CONCERN}
    six = chart([9.0, 9.2, 9.4, 9.6, 9.8, 10.0], start=LOW_HIGH)
    assert not six.trend.any()
    tie = chart([9.0, 9.2, 9.4, 9.4, 9.6, 9.8, 10.0], start=LOW_HIGH)
    assert not tie.trend.any()


def test_two_of_three_near_a_limit_on_one_side():
    # 14 lies between the 2-sigma line (13.55) and the limit (15.32); only the near points are flagged.
    two = chart([14, 12, 14], start=LOW_HIGH)
    assert list(np.flatnonzero(two.two_of_three)) == [10, 12]
    assert list(two.point_type[10:]) == [spc.IMPROVEMENT, spc.COMMON, spc.IMPROVEMENT]
    # The middle point below the mean breaks the "same side" condition.
    assert not chart([14, 8, 14], start=LOW_HIGH).two_of_three.any()
    # A point beyond the limit counts as outside, not as near: one near point is not enough.
    beyond = chart([14, 16, 12], start=LOW_HIGH)
    assert not beyond.two_of_three.any() and list(np.flatnonzero(beyond.outside)) == [11]


@pytest.mark.parametrize(
    ("improvement", "high_type", "high_icon", "low_icon"),
    [
        (spc.INCREASE, spc.IMPROVEMENT, "improvement_high", "concern_low"),
        (spc.DECREASE, spc.CONCERN, "concern_high", "improvement_low"),
        (spc.NEUTRAL, spc.NEUTRAL_CAUSE, "neutral_high", "neutral_low"),
    ],
)
def test_improvement_direction_decides_type_and_icon(improvement, high_type, high_icon, low_icon):
    # A closing run of seven above the mean, then one of seven below it.
    high = chart([11] * 7, improvement=improvement)
    assert high.point_type[-1] == high_type and high.variation == high_icon
    assert chart([9] * 7, start=LOW_HIGH, improvement=improvement).variation == low_icon


@pytest.mark.parametrize(
    ("target", "improvement", "assurance"),
    [
        (20, spc.INCREASE, "fail"),  # the target is above every value the process produces
        (3, spc.INCREASE, "pass"),
        (10, spc.INCREASE, "hit_and_miss"),
        (20, spc.DECREASE, "pass"),
        (3, spc.DECREASE, "fail"),
        (10, spc.NEUTRAL, None),
        (None, spc.INCREASE, None),
    ],
)
def test_assurance_against_a_target(target, improvement, assurance):
    c = chart([10], target=target, improvement=improvement)
    assert c.assurance == assurance
    assert assurance is None or assurance in spc.ASSURANCE_LABELS


def test_change_point_recalculates_limits_separately():
    # Hand-computed: before, 1,3,1,3,1,3 has mean 2 and moving ranges of 2: limits -3.32 to 7.32;
    # after, 11,13,11,13 has mean 12 and moving ranges of 2: limits 6.68 to 17.32. The jump from 3 to
    # 11 is not a moving range of either segment.
    c = spc.xmr([1, 3, 1, 3, 1, 3, 11, 13, 11, 13], change_points=[6])
    assert c.lower[[0, 6]] == pytest.approx([-3.32, 6.68])
    assert c.upper[[0, 6]] == pytest.approx([7.32, 17.32])
    assert np.isnan(c.moving_range[6]) and c.moving_range[7] == 2
    assert set(c.point_type) == {spc.COMMON}


def test_every_icon_has_a_label():
    assert set(spc.VARIATION_LABELS) == {
        "common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low",
        "neutral_high", "neutral_low",
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"values": [1, 2, float("nan"), 3]},
        {"values": [4]},
        {"values": [1, 2, 3], "improvement": "up"},
        {"values": [1, 2, 3], "change_points": [0]},
        {"values": [1, 2, 3], "change_points": [3]},
    ],
)
def test_bad_input_is_refused(kwargs):
    with pytest.raises(ValueError):
        spc.xmr(**kwargs)
