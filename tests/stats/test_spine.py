"""A spine chart's spread and scaling (etl/stats/spine.py) on small cases worked by hand.

The method is fingertipscharts' (ukhsa-collaboration/fingertipscharts, R/spine_chart_utils.R,
`spine_rescaler`): percentiles by R's `quantile` default, type 7 (position h = (n - 1) p, linear between
the order statistics either side), and each row scaled about the England value with the half-width the
longer of England to the lowest and England to the highest, turned round where lower is better.
"""

from __future__ import annotations

import pytest

from etl.stats import spine


def test_quartiles_of_five_values_fall_on_order_statistics():
    # n = 5: h = 4 x 0.25 = 1 and 4 x 0.75 = 3, the 2nd and 4th values (R: quantile(c(4, 6, 7, 9, 14)))
    assert spine.quartiles([9, 4, 14, 7, 6]) == (4, 6, 9, 14)


def test_quartiles_of_six_values_interpolate_as_r_type_7():
    # n = 6, sorted 2 3 5 8 9 15: h = 5 x 0.25 = 1.25 -> 3 + 0.25 x (5 - 3) = 3.5;
    # h = 5 x 0.75 = 3.75 -> 8 + 0.75 x (9 - 8) = 8.75 (R: quantile(c(2, 3, 5, 8, 9, 15)) gives 3.5 and 8.75)
    assert spine.quartiles([15, 2, 8, 3, 9, 5]) == pytest.approx((2, 3.5, 8.75, 15))


def test_missing_values_are_left_out_and_none_gives_none():
    assert spine.quartiles([4, float("nan"), 6, 7, 9, 14, None]) == (4, 6, 9, 14)
    assert spine.quartiles([]) is None
    assert spine.spread([], 8, spine.HIGHER_IS_BETTER) is None


def test_higher_is_better_row_is_centred_on_england_with_the_longer_side_reaching_the_edge():
    # England 8, values 4..14: the half-width is max(8 - 4, 14 - 8) = 6, so the row runs 2 to 14
    row = spine.spread([4, 6, 7, 9, 14], 8, spine.HIGHER_IS_BETTER)
    assert row.half_width == 6
    assert (row.worst, row.worse_quartile, row.better_quartile, row.best) == (4, 6, 9, 14)
    assert row.position(8) == 0.5
    assert row.position(4) == pytest.approx((4 - 2) / 12)  # 1/6: the nearer end falls short of its edge
    assert row.position(6) == pytest.approx(4 / 12)
    assert row.position(9) == pytest.approx(7 / 12)
    assert row.position(14) == 1  # the farther end touches the better edge


def test_lower_is_better_row_is_turned_so_worse_is_still_on_the_left():
    # the same values where lower is better: the highest (14) is the worst, drawn at the left edge
    row = spine.spread([4, 6, 7, 9, 14], 8, spine.LOWER_IS_BETTER)
    assert (row.worst, row.worse_quartile, row.better_quartile, row.best) == (14, 9, 6, 4)
    assert row.position(14) == 0
    assert row.position(9) == pytest.approx(1 - 7 / 12)  # 5/12
    assert row.position(8) == 0.5
    assert row.position(6) == pytest.approx(1 - 4 / 12)  # 2/3
    assert row.position(4) == pytest.approx(1 - 2 / 12)  # 5/6
    assert row.position(7) == pytest.approx(7 / 12)  # a little lower than England: a little to the better side


def test_a_row_with_no_spread_is_a_point_at_the_centre():
    row = spine.spread([5, 5, 5], 5, spine.HIGHER_IS_BETTER)
    assert row.half_width == 0 and row.position(5) == 0.5


def test_no_number_has_no_position():
    row = spine.spread([4, 6, 7, 9, 14], 8, spine.HIGHER_IS_BETTER)
    assert row.position(None) is None and row.position("<5") is None and row.position(float("nan")) is None
