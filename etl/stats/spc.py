"""XmR charts in the NHS England "Making Data Count" (MDC) style, with its icons.

The rules follow NHSRplotthedots (the NHS-R Community's implementation of MDC), which documents its
few deviations from the MDC Excel tool; where they differ we take the Excel default and say so.

* Centre line: the mean. Natural process limits: mean ± 2.66 × mean moving range (3 sigma, as
  2.66 = 3 / 1.128). The "near the limit" zone starts at two thirds of that (2 sigma).
* Special cause rules, applied within each segment:
  - a point outside the limits;
  - a shift: a run of 7 or more points on the same side of the mean (a point on the mean breaks it);
  - a trend: 7 or more points each higher (or each lower) than the one before (a tie breaks it);
  - two out of three: within three consecutive points all on the same side of the mean, two or
    more lie between the 2-sigma line and the limit. As in NHSRplotthedots a point beyond the limit
    counts for the first rule, not this one, and only the near points are flagged.
* Whether a special cause point is improvement or concern depends on the measure's improvement
  direction ("increase" or "decrease" is better; "neutral" when neither) and on the point's direction,
  taken from the first rule it breaks in NHSRplotthedots' order of precedence (0.2.x,
  R/ptd_calculate_point_type.R `ptd_special_cause_type`, since its change for issue #122, July 2023):
  1. outside the limits: its side of the mean;
  2. in a trend: the trend's direction, even below the mean (a rising trend below the mean is
     improvement when higher is better). A point in two trends (the peak or valley between a falling
     and a rising run) takes the step after it; the last point of a trend takes the step before it.
     As there, a step of 0 after the point (a tie, which ends a trend) reads as decreasing;
  3. two of three near a limit: its side of the mean;
  4. a shift: its side of the mean.
  NHSRplotthedots 0.1.0 took the side of the mean for every rule; the MDC Excel tool colours trends
  by their direction, as 0.2.x does.
* Change points (e.g. a practice's adoption date) start a new segment with its own mean and limits.
  `baseline` fixes each segment's limits on its first n points (NHSRplotthedots' fix_after_n_points).
* Outlier screening (moving ranges above 3.267 × the mean moving range left out before the limits
  are computed) is off by default, as in the MDC Excel tool; NHSRplotthedots turns it on by default.

The variation icon reads the latest point; the assurance icon compares the target with the latest
segment's limits: a target outside the limits is always (or never) met, one inside is hit and miss.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

INCREASE, DECREASE, NEUTRAL = "increase", "decrease", "neutral"
_DIRECTION = {INCREASE: 1, DECREASE: -1, NEUTRAL: 0}

LIMIT = 2.66  # 3 / d2, with d2 = 1.128 for moving ranges of two points
NEAR = 2 * LIMIT / 3  # the 2-sigma line
SCREEN = 3.267  # D4 for ranges of two: a moving range above 3.267 x the mean is itself unusual
RUN = 7  # shift and trend length used by MDC and NHSRplotthedots
# Fewer points than this and the limits mean little: NHSRplotthedots warns below 12 (ptd_spc). Every page,
# download and the What changed entries (etl/changes.py) read a series only from this many points.
MIN_POINTS = 12

COMMON = "common_cause"
IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"
NEUTRAL_CAUSE = "special_cause_neutral"

VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause variation: improving (higher values)",
    "improvement_low": "Special cause variation: improving (lower values)",
    "concern_high": "Special cause variation: concerning (higher values)",
    "concern_low": "Special cause variation: concerning (lower values)",
    "neutral_high": "Special cause variation: higher values (no direction is better)",
    "neutral_low": "Special cause variation: lower values (no direction is better)",
}
ASSURANCE_LABELS = {
    "pass": "Consistently passing the target",
    "fail": "Consistently failing the target",
    "hit_and_miss": "Hit and miss: the target lies within the process limits",
}
_ICON_STEM = {IMPROVEMENT: "improvement", CONCERN: "concern", NEUTRAL_CAUSE: "neutral"}
# An indicator definition's polarity (etl/indicators/*.yml) as an improvement direction.
_POLARITY = {"higher_is_better": INCREASE, "lower_is_better": DECREASE}


def improvement_for(polarity: str | None) -> str:
    """The improvement direction for an indicator's polarity: anything else has no better direction."""
    return _POLARITY.get(str(polarity), NEUTRAL)


@dataclass(frozen=True)
class XmR:
    values: np.ndarray
    segment: np.ndarray  # which limits apply to each point: 0, then +1 at every change point
    mean: np.ndarray
    lower: np.ndarray  # natural process limits
    upper: np.ndarray
    moving_range: np.ndarray  # NaN at the first point of each segment
    outside: np.ndarray  # one boolean array per rule
    shift: np.ndarray
    trend: np.ndarray
    two_of_three: np.ndarray
    point_type: np.ndarray  # COMMON, IMPROVEMENT, CONCERN or NEUTRAL_CAUSE
    variation: str  # a key of VARIATION_LABELS
    assurance: str | None  # a key of ASSURANCE_LABELS, or None without a target or a direction


def _long_runs(labels: np.ndarray, length: int) -> np.ndarray:
    """True for every element inside a run of `length` or more equal, non-zero labels."""
    if len(labels) == 0:
        return np.zeros(0, dtype=bool)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(labels)) + 1))
    sizes = np.diff(np.append(starts, len(labels)))
    return np.repeat((labels[starts] != 0) & (sizes >= length), sizes)


def _segment_limits(y: np.ndarray, baseline: int | None, screen_outliers: bool):
    """Mean and mean moving range of one segment, from its first `baseline` points."""
    base = y[:baseline] if baseline else y
    ranges = np.abs(np.diff(base))
    if len(ranges) == 0:
        return float(np.mean(base)), np.nan
    mean_range = ranges.mean()
    if screen_outliers:
        mean_range = ranges[ranges < SCREEN * mean_range].mean()
    return float(base.mean()), float(mean_range)


def _segment_rules(y, mean, lower, upper, near_lower, near_upper) -> dict[str, np.ndarray]:
    """The four rules on one segment, plus each point's direction (+1 high, -1 low)."""
    side = np.sign(y - mean)
    outside = (y > upper) | (y < lower)
    near = ~outside & ((y > near_upper) | (y < near_lower))
    shift = _long_runs(side, RUN)

    # A trend of RUN points is RUN - 1 steps the same way; each step flags the points at both ends.
    steps = np.sign(np.diff(y))
    in_trend = _long_runs(steps, RUN - 1)
    trend = np.zeros(len(y), dtype=bool)
    for ends in (slice(None, -1), slice(1, None)):  # the point before each step, and the one after
        trend[ends] |= in_trend

    # Windows of three consecutive points: all on one side of the mean, two or more of them near.
    two_of_three = np.zeros(len(y), dtype=bool)
    if len(y) >= 3:
        same_side = np.abs(side[:-2] + side[1:-1] + side[2:]) == 3
        qualifies = same_side & (near[:-2].astype(int) + near[1:-1] + near[2:] >= 2)
        for offset in range(3):  # a point belongs to the windows starting 0, 1 or 2 places before it
            two_of_three[offset:offset + len(qualifies)] |= qualifies
        two_of_three &= near

    direction = np.select([outside, trend, two_of_three, shift],
                          [side, _trend_direction(y, trend), side, side], default=0.0)
    return {"outside": outside, "shift": shift, "trend": trend, "two_of_three": two_of_three,
            "direction": direction}


def _trend_direction(y: np.ndarray, trend: np.ndarray) -> np.ndarray:
    """+1 (rising) or -1 (falling) for each point, as NHSRplotthedots reads a trend point's direction.

    The step after a point when the next point is in a trend too (so a peak or valley shared by two
    trends takes the trend it starts), else the step before it. A step that is not rising (a tie)
    reads as falling, as in ptd_special_cause_type's `ifelse(sdy == 1, "In", "De")`.
    """
    steps = np.sign(np.diff(y))
    after = np.append(steps, 0.0)  # the step from each point to the next (none after the last)
    before = np.concatenate(([0.0], steps))
    next_in_trend = np.append(trend[1:], False)
    step = np.where(trend & next_in_trend, after, before)
    return np.where(step == 1, 1.0, -1.0)


def xmr(
    values: Iterable[float],
    improvement: str = INCREASE,
    change_points: Iterable[int] = (),
    baseline: int | None = None,
    target: float | None = None,
    screen_outliers: bool = False,
) -> XmR:
    """An XmR chart of `values` (in time order, no gaps).

    change_points: positions of the first point of each new segment (limits recalculated from there).
    baseline: compute each segment's mean and limits from its first `baseline` points only.
    target: for the assurance icon.
    """
    y = np.asarray(list(values), dtype=float)
    if y.ndim != 1 or len(y) < 2 or not np.all(np.isfinite(y)):
        raise ValueError("values must be a series of two or more numbers with no gaps")
    if improvement not in _DIRECTION:
        raise ValueError(f"improvement must be one of {sorted(_DIRECTION)}, got {improvement!r}")
    cuts = sorted(set(change_points))
    if any(not 0 < c < len(y) for c in cuts):
        raise ValueError(f"change points must be positions between 1 and {len(y) - 1}")
    segment = np.zeros(len(y), dtype=int)
    for c in cuts:
        segment[c:] += 1

    n = len(y)
    mean, lower, upper, moving_range = (np.full(n, np.nan) for _ in range(4))
    flags = {name: np.zeros(n, dtype=bool) for name in ("outside", "shift", "trend", "two_of_three")}
    direction = np.zeros(n)
    for s in range(len(cuts) + 1):
        idx = np.flatnonzero(segment == s)
        ys = y[idx]
        centre, mr_bar = _segment_limits(ys, baseline, screen_outliers)
        mean[idx], lower[idx], upper[idx] = centre, centre - LIMIT * mr_bar, centre + LIMIT * mr_bar
        moving_range[idx[1:]] = np.abs(np.diff(ys))
        rules = _segment_rules(ys, centre, lower[idx], upper[idx],
                               centre - NEAR * mr_bar, centre + NEAR * mr_bar)
        for name in flags:
            flags[name][idx] = rules[name]
        direction[idx] = rules["direction"]

    better = _DIRECTION[improvement]
    special = flags["outside"] | flags["shift"] | flags["trend"] | flags["two_of_three"]
    if better == 0:
        point_type = np.where(special, NEUTRAL_CAUSE, COMMON)
    else:
        point_type = np.where(~special, COMMON, np.where(direction == better, IMPROVEMENT, CONCERN))

    return XmR(
        values=y, segment=segment, mean=mean, lower=lower, upper=upper, moving_range=moving_range,
        **flags, point_type=point_type,
        variation=variation_icon(point_type[-1], direction[-1]),
        assurance=assurance_icon(lower[-1], upper[-1], target, improvement),
    )


def variation_icon(point_type: str, direction: float) -> str:
    """The MDC variation icon for a series, from its latest point's type and direction."""
    if point_type == COMMON:
        return "common_cause"
    return f"{_ICON_STEM[point_type]}_{'high' if direction > 0 else 'low'}"


def assurance_icon(lower: float, upper: float, target: float | None, improvement: str) -> str | None:
    """The MDC assurance icon: can the process be relied on to meet the target?"""
    better = _DIRECTION[improvement]
    if target is None or better == 0 or np.isnan(lower):
        return None
    if lower <= target <= upper:
        return "hit_and_miss"
    # The whole process sits on one side of the target: the better side passes, the other fails.
    process_above = target < lower
    return "pass" if process_above == (better > 0) else "fail"
