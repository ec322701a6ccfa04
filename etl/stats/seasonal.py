"""Month-of-year seasonal indices, so SPC charts of seasonal measures show change, not winter.

Why: emergency admissions, A&E attendances and bed days rise every winter. An XmR chart of the raw
monthly series flags the seasons (winters concerning, summers improving) and its icon then says
whatever season the latest month is in. The SPC literature's answer is to chart the seasonally
adjusted series, keeping the raw one in view (Provost and Murray, The Health Care Data Guide, 2011,
chapter 8, "Seasonal effects": "use the seasonally adjusted data on the control chart"; Mohammed,
Worthington and Woodall, "Plotting basic control charts", Qual Saf Health Care 2008, on removing
known seasonality before charting).

Method, the classical multiplicative decomposition by ratio to moving average (the first pass of the
US Census Bureau's X-11; Hyndman and Athanasopoulos, Forecasting: Principles and Practice, 3rd ed.,
section 3.4 "Classical decomposition"):

1. trend-cycle: the centred 2x12 moving average of the monthly rate (weights 1/24, 1/12 x 11, 1/24),
   so each calendar month counts once; the first and last six months have none;
2. seasonal-irregular ratios: rate / trend-cycle, for the months that have one;
3. each calendar month's index: the mean of its ratios; the twelve are scaled to average exactly 1,
   so adjusting leaves a year's level unchanged;
4. adjusted rate = rate / the index of its calendar month.

Is the pattern real? X-11's test for stable seasonality (table D8 of X-11 and X-13ARIMA-SEATS; Lothian
and Morry, "A test for the presence of identifiable seasonality when using the X-11 program", Statistics
Canada, 1978): a one-way analysis of variance of the ratios by calendar month, F on (11, N - 12) degrees
of freedom, significant at 0.1%, as X-11 requires. A measure is adjusted only when its definition file
declares it seasonal AND this test finds the pattern in the warehouse's data AND there are at least
MIN_MONTHS months (two ratios for every calendar month), so chance wiggles in a short series are never
"adjusted away". Trade-off: the moving average is a level-shift filter, so a real step change moves the
ratios near it a little; with three or more years that is small against the season.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

MIN_MONTHS = 36  # 24 ratios after losing six months at each end: two for each calendar month
SIGNIFICANCE = 0.001  # X-11's stable-seasonality F test at 0.1%
METHOD = ("Classical multiplicative decomposition: each month's rate over its centred 2x12 moving average, "
          "averaged by calendar month and scaled to average 1; stable seasonality tested by X-11's F test "
          "at 0.1%")


@dataclass(frozen=True)
class SeasonalIndex:
    index: dict[int, float]  # calendar month (1-12) -> multiplier; the twelve average 1
    ratios: int  # seasonal-irregular ratios the index rests on
    f_statistic: float
    p_value: float

    @property
    def stable(self) -> bool:
        """Whether the month-of-year pattern is more than chance (X-11's test at 0.1%)."""
        return bool(self.p_value < SIGNIFICANCE)


def _calendar_months(months: Sequence) -> np.ndarray:
    return pd.DatetimeIndex(pd.to_datetime(list(months))).month.to_numpy()


def _check_consecutive(months: Sequence) -> None:
    stamps = pd.DatetimeIndex(pd.to_datetime(list(months)))
    ordinal = stamps.year.to_numpy() * 12 + stamps.month.to_numpy()
    if len(ordinal) and np.any(np.diff(ordinal) != 1):
        raise ValueError("months must be consecutive calendar months, in order, with no gaps")


def centred_moving_average(values: np.ndarray) -> np.ndarray:
    """The 2x12 centred moving average (NaN for the first and last six months)."""
    weights = np.r_[0.5, np.ones(11), 0.5] / 12
    out = np.full(len(values), np.nan)
    if len(values) >= 13:
        out[6:len(values) - 6] = np.convolve(values, weights, mode="valid")
    return out


def estimate(months: Sequence, rates: Sequence[float]) -> SeasonalIndex:
    """The month-of-year index of a monthly series (months as dates, consecutive, at least MIN_MONTHS)."""
    y = np.asarray(list(rates), dtype=float)
    if len(y) < MIN_MONTHS:
        raise ValueError(f"a seasonal index needs at least {MIN_MONTHS} months; got {len(y)}")
    if not np.all(np.isfinite(y)) or np.any(y <= 0):
        raise ValueError("rates must be positive numbers with no gaps")
    _check_consecutive(months)
    calendar = _calendar_months(months)
    ratio = y / centred_moving_average(y)
    keep = np.isfinite(ratio)
    ratio, calendar = ratio[keep], calendar[keep]
    means = {month: float(ratio[calendar == month].mean()) for month in range(1, 13)}
    scale = np.mean(list(means.values()))
    groups = [ratio[calendar == month] for month in range(1, 13)]
    f_statistic, p_value = stats.f_oneway(*groups)
    return SeasonalIndex(index={month: value / scale for month, value in means.items()}, ratios=int(keep.sum()),
                         f_statistic=float(f_statistic), p_value=float(p_value))


def adjust(months: Sequence, values: Sequence[float], index: Mapping[int, float]) -> np.ndarray:
    """Each value divided by its calendar month's index."""
    factors = np.array([index[int(month)] for month in _calendar_months(months)], dtype=float)
    return np.asarray(list(values), dtype=float) / factors
