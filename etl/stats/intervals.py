"""Confidence intervals the way OHID's Fingertips computes them, each named by its method.

* Proportions: the Wilson score interval (Fingertips technical guidance, "Proportions").
* Counts and rates: Byar's approximation for counts of 10 or more, the exact Poisson (chi-square)
  interval below 10 (Fingertips technical guidance, "Rates"). `poisson` applies that rule and
  `poisson_method` names what it applied, so a table can print the method beside every interval.

Every function takes scalars or arrays (vectorised with numpy) and returns (lower, upper) in the
units of its input: a proportion's interval as proportions, a count's as counts. `confidence` is a
two-sided level; the two Fingertips uses are 0.95 and 0.998.

Dependency choice: the exact Poisson interval needs gamma (chi-square) quantiles, and the funnel
limits in `funnels.py` need the regularised incomplete gamma function of a non-integer shape.
scipy.special has both, vectorised and accurate to near machine precision over the whole range. A
hand-written incomplete gamma (series plus continued fraction) and quantile search would be a few
dozen lines of numerics to get right in the tails, to test, and to keep fast over every practice in
England. So scipy is a dependency (pyproject.toml, pinned in constraints.txt).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincinv, ndtri

WILSON = "Wilson score"
BYAR = "Byar"
EXACT_POISSON = "exact Poisson"

# Fingertips switches from the exact interval to Byar's at this many events.
BYAR_FROM = 10


def z_for(confidence: float) -> float:
    """The standard normal quantile for a two-sided interval (1.959964 for 95%, 3.090232 for 99.8%)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(ndtri(1 - (1 - confidence) / 2))


def _out(a: np.ndarray):
    """Give a plain float (or str) back for scalar input, the array for array input."""
    return a.item() if np.ndim(a) == 0 else a


def _counts(count) -> np.ndarray:
    count = np.asarray(count, dtype=float)
    if np.any(count < 0):
        raise ValueError("counts must be zero or more")
    return count


def wilson(x, n, confidence: float = 0.95):
    """Wilson score interval for the proportion x / n.

    Written as in the Fingertips guidance: (2O + z² ± z·√(z² + 4Oq)) / (2(n + z²)) with q = 1 − O/n.
    Unlike the normal approximation it stays inside [0, 1] and still gives an interval when x is 0
    or n. x need not be a whole number (PHEindicatormethods accepts fractions too).
    """
    x, n = _counts(x), np.asarray(n, dtype=float)
    if np.any(n <= 0) or np.any(x > n):
        raise ValueError("need 0 <= x <= n and n > 0")
    z = z_for(confidence)
    q = 1 - x / n
    centre, half = 2 * x + z**2, z * np.sqrt(z**2 + 4 * x * q)
    denominator = 2 * (n + z**2)
    # Clipped because at x = n rounding can put the upper limit a hair above 1.
    lower, upper = (np.clip(v / denominator, 0, 1) for v in (centre - half, centre + half))
    return _out(lower), _out(upper)


def byar(count, confidence: float = 0.95):
    """Byar's approximation to the exact Poisson interval for an observed count.

    O·(1 − 1/(9O) − z/(3√O))³ and (O+1)·(1 − 1/(9(O+1)) + z/(3√(O+1)))³ (Breslow and Day 1987,
    as in the Fingertips guidance). For very small counts the lower cube goes negative: it is clipped
    at 0, but use `poisson`, which does not use Byar's method below 10 events.
    """
    o = _counts(count)
    z = z_for(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    lower = np.where(o == 0, 0.0, np.maximum(lower, 0.0))
    p = o + 1
    upper = p * (1 - 1 / (9 * p) + z / (3 * np.sqrt(p))) ** 3
    return _out(lower), _out(upper)


def exact_poisson(count, confidence: float = 0.95):
    """The exact (chi-square) interval for a Poisson count: χ²(α/2, 2O)/2 to χ²(1−α/2, 2O+2)/2.

    Half a chi-square quantile with 2k degrees of freedom is the gamma quantile of shape k, which is
    what gammaincinv computes; the lower limit of a zero count is 0.
    """
    o = _counts(count)
    tail = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):
        lower = np.where(o > 0, gammaincinv(np.where(o > 0, o, 1), tail), 0.0)
    upper = gammaincinv(o + 1, 1 - tail)
    return _out(lower), _out(upper)


def poisson_method(count):
    """The method Fingertips uses for this count: exact below 10 events, Byar's from 10."""
    o = _counts(count)
    return _out(np.where(o < BYAR_FROM, EXACT_POISSON, BYAR))


def poisson(count, confidence: float = 0.95):
    """Interval for a count by the Fingertips rule (see `poisson_method` for the name to show)."""
    o = _counts(count)
    lower, upper = (np.array(limit, dtype=float) for limit in byar(o, confidence))
    small = o < BYAR_FROM  # NaN counts are not small: Byar's gives them NaN, as before
    if small.any():
        # the exact interval only where it is used: its gamma quantiles cost milliseconds for thousands of
        # practices' counts, nearly all of them 10 or more
        exact_lo, exact_hi = exact_poisson(o[small], confidence)
        lower[small], upper[small] = exact_lo, exact_hi
    return _out(lower), _out(upper)


def rate(count, denominator, confidence: float = 0.95, per: float = 1.0):
    """Interval for the crude rate count / denominator × per (e.g. per=1000 for "per 1,000 patients")."""
    denominator = np.asarray(denominator, dtype=float)
    if np.any(denominator <= 0):
        raise ValueError("denominators must be more than zero")
    lower, upper = poisson(count, confidence)
    return _out(np.asarray(lower) / denominator * per), _out(np.asarray(upper) / denominator * per)
