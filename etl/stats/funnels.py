"""Funnel plot limits around a comparator, and each point's significance, by the PHE method.

The limits are drawn at 95% and 99.8% (PHE's "2 sigma" and "3 sigma" lines) as functions of the
denominator, so a chart can draw them over any range (e.g. `numpy.geomspace(min_n, max_n, 100)`).
The comparator is usually the pooled value of the points on the chart (`pooled`), or England's.

* Proportions: the limit at denominator n is the proportion whose Wilson score interval just reaches
  the comparator p0. Because the Wilson interval is the set of values a score test does not reject,
  that is p0 ± z·√(p0(1 − p0)/n), clipped to [0, 1]; it is the same curve as PHEindicatormethods'
  `sigma_adjustment`, written in closed form.
* Counts and rates: the limit at expected count E = comparator × n is the count whose exact Poisson
  interval just reaches E (PHEindicatormethods' `poisson_funnel`, which finds it at whole counts by
  bisection; here the count is solved for as a continuous number, so the curve is smooth between).

A point's significance compares its own interval with the comparator, as PHE's
`phe_funnel_significance` does: Wilson for a proportion (which is exactly "outside the funnel"), and for
a rate the Fingertips rule of exact Poisson below 10 events and Byar's method from 10. Byar's limits are
within 0.2% of the exact ones at 95%, so a point lying a hair outside a drawn rate funnel can still be
"within": that is PHE's published method, kept so that our labels match Fingertips'.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammainc, gammaincc

from etl.stats import intervals

LEVELS = (0.95, 0.998)
WITHIN = "within"
ABOVE_95 = "above 95%"
ABOVE_998 = "above 99.8%"
BELOW_95 = "below 95%"
BELOW_998 = "below 99.8%"
_LABELS = {0.95: (ABOVE_95, BELOW_95), 0.998: (ABOVE_998, BELOW_998)}


def pooled(numerators, denominators) -> float:
    """The comparator PHE uses by default: all the numerators over all the denominators."""
    return float(np.sum(numerators) / np.sum(denominators))


def proportion_limits(denominator, comparator: float, confidence: float = 0.95):
    """(lower, upper) funnel limits for a proportion, as proportions, at each denominator."""
    n = np.asarray(denominator, dtype=float)
    half_width = intervals.z_for(confidence) * np.sqrt(comparator * (1 - comparator) / n)
    return np.clip(comparator - half_width, 0, 1), np.clip(comparator + half_width, 0, 1)


def _bisect_increasing(f, lo: np.ndarray, hi: np.ndarray, steps: int = 80) -> np.ndarray:
    """Root of f, increasing in its argument, between lo and hi, for every element at once."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        above = f(mid) > 0
        lo, hi = np.where(above, lo, mid), np.where(above, mid, hi)
    return (lo + hi) / 2


def count_limits(expected, confidence: float = 0.95):
    """(lower, upper) funnel limits on the count scale around an expected count.

    Lower: the count O whose exact upper limit is E, i.e. P(X <= O | E) = α/2, where
    P(X <= O | E) = Q(O + 1, E), the regularised upper incomplete gamma, extends to non-whole O.
    Where even a count of 0 is not significantly low (E < 3.69 at 95%) the lower limit is 0.
    Upper: the count O whose exact lower limit is E, i.e. P(X >= O | E) = P(O, E) = α/2.
    """
    e = np.asarray(expected, dtype=float)
    if np.any(e <= 0):
        raise ValueError("expected counts must be more than zero")
    tail = (1 - confidence) / 2
    # Both limits lie within this many events of E even at 99.8% (z = 3.09).
    top = e + 10 * np.sqrt(e) + 10
    zero = np.zeros_like(e)
    lower = _bisect_increasing(lambda o: gammaincc(o + 1, e) - tail, zero, top)
    # Where even 0 events is not significantly low (P(X = 0 | E) = exp(-E) >= α/2) the limit is 0;
    # the bisection only creeps towards 0 there.
    lower = np.where(np.exp(-e) >= tail, 0.0, lower)
    upper = _bisect_increasing(lambda o: tail - gammainc(o, e), zero, top)
    return lower, upper


def rate_limits(denominator, comparator: float, confidence: float = 0.95):
    """(lower, upper) funnel limits for a crude rate (events per unit of denominator)."""
    n = np.asarray(denominator, dtype=float)
    lower, upper = count_limits(comparator * n, confidence)
    return lower / n, upper / n


def _classify(interval, comparator: float) -> np.ndarray:
    """Label each point from its own interval at each level; the 99.8% label wins over the 95% one."""
    labels = None
    for confidence in LEVELS:
        lower, upper = (np.atleast_1d(a) for a in interval(confidence))
        if labels is None:
            labels = np.full(lower.shape, WITHIN, dtype=object)
        above, below = _LABELS[confidence]
        labels[lower > comparator] = above
        labels[upper < comparator] = below
    return labels


def proportion_significance(x, n, comparator: float) -> np.ndarray:
    """Each proportion x / n against the comparator: within, above/below 95%, above/below 99.8%."""
    return _classify(lambda c: intervals.wilson(x, n, c), comparator)


def rate_significance(count, denominator, comparator: float) -> np.ndarray:
    """Each crude rate count / denominator against the comparator rate (same units: per 1)."""
    return _classify(lambda c: intervals.rate(count, denominator, c), comparator)
