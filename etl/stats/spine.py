"""A spine chart's numbers: each measure's spread over every area of its kind, scaled about England.

The method is Fingertips' (PHE, now OHID), as its R package fingertipscharts draws it
(`area_profiles`, whose scaling is `spine_rescaler` in R/spine_chart_utils.R):

* the spread of a measure is over every area of the same kind (every council, or every practice):
  the lowest value, the 25th and 75th percentiles and the highest, the percentiles by R's `quantile`
  default (type 7: linear interpolation between order statistics, position h = (n - 1) p), which is
  numpy's default method too;
* the row is scaled so that the England value sits at the centre: the half-width is the longer of
  England to the lowest and England to the highest, so the farther end of the range touches its edge
  and the nearer end falls short of the other;
* the row is turned so that worse is always on the left: for a measure where lower is better, the
  highest value is the worst and is drawn at the left (fingertipscharts turns the quantiles round and
  takes 1 - x), so "worst", "25th", "75th", "best" read left to right on every row.

A position is a fraction of the row's width: 0 its left (worse) edge, 0.5 England, 1 its right (better)
edge. Where jointcare differs from fingertipscharts: a measure with no better direction is drawn low
on the left (fingertipscharts has no such case, it needs "Low is good" or "High is good" for the
orientation); a row with no spread at all (every area the same as England) is drawn as a point at the
centre rather than dividing by zero. Significance is not decided here: the pages use the comparison
rule of dashboard/components/comparison.py, the same as every other comparison in jointcare. The
differences users see are listed once, in dashboard/components/spine.py DIFFERENCES, for Data and methods.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

HIGHER_IS_BETTER, LOWER_IS_BETTER = "higher_is_better", "lower_is_better"


@dataclass(frozen=True)
class Spread:
    """A measure's spread over the areas, in the measure's unit, and the England value it is centred on."""
    lowest: float
    q25: float
    q75: float
    highest: float
    england: float
    polarity: str

    @property
    def lower_is_better(self) -> bool:
        return self.polarity == LOWER_IS_BETTER

    @property
    def worst(self) -> float:
        return self.highest if self.lower_is_better else self.lowest

    @property
    def best(self) -> float:
        return self.lowest if self.lower_is_better else self.highest

    @property
    def worse_quartile(self) -> float:
        """The quartile on the worse side: the 75th percentile where lower is better, else the 25th."""
        return self.q75 if self.lower_is_better else self.q25

    @property
    def better_quartile(self) -> float:
        return self.q25 if self.lower_is_better else self.q75

    @property
    def half_width(self) -> float:
        """The longer of England to the lowest value and England to the highest (spine_rescaler)."""
        return max(self.england - self.lowest, self.highest - self.england)

    def position(self, value) -> float | None:
        """Where a value falls on the row: 0 the worse edge, 0.5 England, 1 the better edge. None for no
        number. A value outside the range (a comparator pooled from other areas cannot be, but a value
        from another year could) is placed beyond the edge, not clipped: the drawing decides."""
        try:
            value = float(value)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(value):
            return None
        if self.half_width <= 0:
            return 0.5
        fraction = (value - (self.england - self.half_width)) / (2 * self.half_width)
        return 1 - fraction if self.lower_is_better else fraction


def quartiles(values) -> tuple[float, float, float, float] | None:
    """(lowest, 25th percentile, 75th percentile, highest) of the finite values, the percentiles by R's
    type 7 (numpy's 'linear'); None when there are none."""
    array = np.asarray(values, dtype=float)
    array = array[np.isfinite(array)]
    if array.size == 0:
        return None
    q25, q75 = np.percentile(array, [25, 75], method="linear")
    return float(array.min()), float(q25), float(q75), float(array.max())


def spread(values, england: float, polarity: str) -> Spread | None:
    """The spread of `values` (one per area) centred on `england`; None without values or England."""
    ends = quartiles(values)
    try:
        england = float(england)
    except (TypeError, ValueError):
        return None
    if ends is None or not math.isfinite(england):
        return None
    return Spread(*ends, england=england, polarity=polarity)
