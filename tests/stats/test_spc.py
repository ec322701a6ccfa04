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


# NHSRplotthedots 0.2.x precedence (R/ptd_calculate_point_type.R, ptd_special_cause_type: outside the
# limits, then trend, then 2 of 3, then shift; a trend point's direction is the step after it when the
# next point is in a trend too, else the step before it). Expected labels derived by hand from that rule.
RISING_BELOW = [6.6, 7.0, 7.4, 7.8, 8.2, 8.6, 9.0]  # within the limits, none near (above 6.4533), all below 10


@pytest.mark.parametrize(("improvement", "expected", "icon"), [
    (spc.INCREASE, spc.IMPROVEMENT, "improvement_high"),
    (spc.DECREASE, spc.CONCERN, "concern_high"),
])
def test_a_trend_takes_precedence_over_a_shift(improvement, expected, icon):
    # Seven rising points after an 11: a rising trend (the fall from 11 is not part of it) and a shift
    # below the mean (points 10-16). The trend comes first, so they read as rising: an improvement when
    # higher is better, although every one sits below the mean (0.1.0 and the side-of-mean rule said concern).
    c = chart(RISING_BELOW, start=LOW_HIGH, improvement=improvement)
    assert list(np.flatnonzero(c.trend)) == list(np.flatnonzero(c.shift)) == list(range(10, 17))
    assert set(c.point_type[10:]) == {expected} and set(c.point_type[:10]) == {spc.COMMON}
    assert c.variation == icon


def test_a_trend_takes_precedence_over_two_of_three():
    # A rising run of seven, 9.5 to 13.7 (points 10-16), whose last two lie in the near zone above the
    # mean (13.5467 to 15.32): points 15 and 16 are in both the trend and a 2-of-3 window above the mean.
    c = chart([9.5, 10.5, 11.5, 12.5, 13.5, 13.6, 13.7], start=LOW_HIGH, improvement=spc.DECREASE)
    assert list(np.flatnonzero(c.trend)) == list(range(10, 17))
    assert c.two_of_three[15] and c.two_of_three[16]
    # Rising, so concern when lower is better for the whole trend; with higher better every one of them
    # is improvement, including 9.5, below the mean and in no other rule.
    assert set(c.point_type[10:]) == {spc.CONCERN}
    up = chart([9.5, 10.5, 11.5, 12.5, 13.5, 13.6, 13.7], start=LOW_HIGH, improvement=spc.INCREASE)
    assert set(up.point_type[10:]) == {spc.IMPROVEMENT}


def test_outside_the_limits_takes_precedence_over_a_trend():
    # A falling trend whose last point falls below the lower limit (4.68): that point is "below LCL",
    # the rest of the trend is falling; with higher better both are concern; with lower better, both
    # improvement. Then a point above the limit inside a rising trend: above UCL.
    c = chart([9.0, 8.0, 7.0, 6.5, 6.0, 5.5, 4.0], improvement=spc.DECREASE)
    assert c.outside[16] and c.trend[16]
    assert set(c.point_type[10:]) == {spc.IMPROVEMENT}
    assert c.variation == "improvement_low"


@pytest.mark.parametrize(("improvement", "valley", "peak"), [
    (spc.INCREASE, spc.IMPROVEMENT, spc.CONCERN),
    (spc.DECREASE, spc.CONCERN, spc.IMPROVEMENT),
])
def test_the_point_shared_by_two_trends_takes_the_step_after_it(improvement, valley, peak):
    # Seven falling points to a valley, then seven rising from it (the valley, 7.4, is in both trends),
    # then seven falling from the peak 10.4 (also in two trends). Every point lies inside the limits
    # (4.68 to 15.32); none is in the near zone. The valley takes the rise after it and the peak the fall
    # after it, whatever the improvement direction (the old rule summed the two steps to 0: concern).
    falling = [9.2, 8.9, 8.6, 8.3, 8.0, 7.7, 7.4]  # 10-16, the valley at 16
    rising = [7.9, 8.4, 8.9, 9.4, 9.9, 10.4]  # 17-22, the peak at 22
    after_peak = [10.3, 10.2, 10.1, 10.05, 10.02, 10.01]  # 23-28
    c = chart(falling + rising + after_peak, start=LOW_HIGH, improvement=improvement)
    assert c.trend[10:].all() and not c.outside.any()
    rise, fall = (spc.IMPROVEMENT, spc.CONCERN) if improvement == spc.INCREASE else (spc.CONCERN, spc.IMPROVEMENT)
    assert c.point_type[16] == valley == rise
    assert c.point_type[22] == peak == fall
    assert set(c.point_type[10:16]) == {fall} and set(c.point_type[17:22]) == {rise}
    # The last point of the series ends a falling trend: the step before it.
    assert c.point_type[28] == fall


def test_a_tie_after_a_trend_point_reads_as_falling():
    # NHSRplotthedots reads a step that is not rising as decreasing (ifelse(sdy == 1, "In", "De")): a
    # rising trend ending at 9.0, a tie, then a rising trend from the tie: 9.0 is in both, its step after
    # is 0, so it reads as falling, i.e. concern when higher is better, though both runs rise.
    c = chart(RISING_BELOW + [9.0, 9.1, 9.2, 9.3, 9.4, 9.5, 9.6], start=LOW_HIGH, improvement=spc.INCREASE)
    assert c.trend[16] and c.trend[17]
    assert c.point_type[16] == spc.CONCERN
    assert c.point_type[15] == c.point_type[17] == spc.IMPROVEMENT


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
