"""etl/stats/seasonal.py: the classical multiplicative decomposition and X-11's stable-seasonality test.

Expected numbers are worked by hand from the method's definition (Hyndman and Athanasopoulos, Forecasting:
Principles and Practice, 3rd ed., section 3.4 "Classical decomposition": the 2x12 moving average, the
ratios, the mean ratio per calendar month scaled to average 1) and X-11's table D8 F test (a one-way
analysis of variance of the ratios by calendar month, significant at 0.1%).
"""

import numpy as np
import pandas as pd
import pytest

from etl.stats import seasonal

FACTORS = np.array([1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2])  # Jan..Dec, mean exactly 1


def _months(count, start="2021-01-01"):
    return list(pd.date_range(start, periods=count, freq="MS"))


def test_moving_average_of_a_pure_seasonal_pattern_is_its_level():
    # The 2x12 weights give every calendar month 1/12 in total (the two ends share the 13th month's
    # 1/12), so on level x factors whose factors average 1 the moving average is the level exactly.
    values = 50 * np.tile(FACTORS, 3)
    average = seasonal.centred_moving_average(values)
    assert np.isnan(average[:6]).all() and np.isnan(average[-6:]).all()
    assert average[6:-6] == pytest.approx(np.full(24, 50.0))


def test_moving_average_by_hand():
    # 13 months 0, 1, ..., 12: the one centred value is (0/2 + 1 + ... + 11 + 12/2) / 12 = (66 + 6) / 12 = 6
    average = seasonal.centred_moving_average(np.arange(13, dtype=float))
    assert average[6] == pytest.approx(6.0)
    assert np.isnan(np.delete(average, 6)).all()


def test_constant_level_times_factors_recovers_the_factors_and_adjusts_flat():
    months = _months(48)
    rates = 20 * np.tile(FACTORS, 4)
    result = seasonal.estimate(months, rates)
    assert [result.index[m] for m in range(1, 13)] == pytest.approx(list(FACTORS))
    assert result.ratios == 48 - 12
    assert seasonal.adjust(months, rates, result.index) == pytest.approx(np.full(48, 20.0))


def test_index_is_scaled_to_average_one():
    # Level 10 with ratios that average 1.05 over the months: scaling divides them back to a mean of 1.
    months = _months(36)
    rates = 10 * np.tile(FACTORS * 1.05, 3)
    result = seasonal.estimate(months, rates)
    assert np.mean(list(result.index.values())) == pytest.approx(1.0)
    assert [result.index[m] for m in range(1, 13)] == pytest.approx(list(FACTORS))


def test_adjust_uses_each_value_s_calendar_month():
    # Starting in July: July's index is 0.7, so 7 / 0.7 = 10; August 8 / 0.8 = 10.
    index = dict(zip(range(1, 13), FACTORS))
    assert seasonal.adjust(_months(2, "2023-07-01"), [7.0, 8.0], index) == pytest.approx([10.0, 10.0])


def test_noise_only_is_not_stable_seasonality():
    rng = np.random.default_rng(12)
    rates = 100 + rng.normal(0, 3, 60)
    result = seasonal.estimate(_months(60), rates)
    assert not result.stable
    assert result.p_value > seasonal.SIGNIFICANCE


def test_seasonal_pattern_with_noise_is_stable():
    rng = np.random.default_rng(12)
    rates = 100 * np.tile(FACTORS, 5) + rng.normal(0, 3, 60)
    result = seasonal.estimate(_months(60), rates)
    assert result.stable
    assert result.index[1] == pytest.approx(1.3, abs=0.03) and result.index[7] == pytest.approx(0.7, abs=0.03)


def test_f_statistic_by_hand():
    # 36 months of level 1 x FACTORS, except that January 2022's rate is 1.3 x 1.01 and July 2022's
    # 0.7 x 0.99: small changes, so the ratios are not all equal within a month. Rather than trust scipy,
    # compute the one-way ANOVA F from its definition on the 24 ratios the estimate rests on.
    months = _months(36)
    rates = np.tile(FACTORS, 3)
    rates[12] *= 1.01
    rates[18] *= 0.99
    ratio = rates / seasonal.centred_moving_average(rates)
    keep = np.isfinite(ratio)
    groups = [ratio[keep][pd.DatetimeIndex(months)[keep].month == m] for m in range(1, 13)]
    grand = ratio[keep].mean()
    between = sum(len(g) * (g.mean() - grand) ** 2 for g in groups) / 11
    within = sum(((g - g.mean()) ** 2).sum() for g in groups) / (24 - 12)
    result = seasonal.estimate(months, rates)
    assert result.f_statistic == pytest.approx(between / within)


@pytest.mark.parametrize("months, rates, message", [
    (_months(35), np.ones(35), "at least 36"),
    (_months(36), np.r_[np.ones(35), np.nan], "positive"),
    (_months(36), np.r_[np.ones(35), 0.0], "positive"),
    (_months(18) + _months(18, "2023-01-01"), np.ones(36), "consecutive"),
])
def test_refuses_short_gappy_or_non_positive_series(months, rates, message):
    with pytest.raises(ValueError, match=message):
        seasonal.estimate(months, rates)
