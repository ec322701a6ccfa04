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

Overdispersion (Spiegelhalter's method)
---------------------------------------
PHE's limits allow only for chance (binomial or Poisson) variation. Practices also differ for reasons
no practice-level count captures (case mix, coding, how a return was filled in), so with hundreds of
large practices nearly all lie outside limits that narrow to nothing. `overdispersion` applies the
method NHS England uses for the SHMI and FunnelPlotR implements (Spiegelhalter 2005, "Funnel plots for
comparing institutional performance", Stat Med 24:1185, section 6; Spiegelhalter 2005, "Handling
over-dispersion of performance indicators", Qual Saf Health Care 14:347):

1. each unit's z-score under the null, z_i = (y_i − θ0) / s_i;
2. winsorise them at 10%: z-scores below the 10th percentile are set to it, above the 90th to it
   (percentiles by linear interpolation, R's default type 7, as FunnelPlotR's `winsorisation`), so a
   few genuine outliers do not count as spread;
3. the overdispersion factor φ = (1/I) Σ z_w², the mean squared winsorised z-score;
4. test it: under no overdispersion I·φ is roughly χ² on I − 1 degrees of freedom (one is spent on the
   pooled comparator). Only when I·φ exceeds χ²(I − 1)'s 95th percentile are the limits widened;
   otherwise PHE's limits and labels stand unchanged. (FunnelPlotR widens whenever I·φ > I − 1; the
   test is Spiegelhalter's, and keeps PHE's limits for funnels whose φ is only a little above 1.)
5. widen by an additive random effect, τ² = max(0, (I·φ − (I − 1)) / (Σ w_i − Σ w_i² / Σ w_i)) with
   w_i = 1 / s_i² (DerSimonian and Laird's moment estimator); the limits are θ0 ± z·√(s(n)² + τ²) at
   each denominator n, and each unit is judged by z_i' = (y_i − θ0) / √(s_i² + τ²) against the same z,
   so a point is flagged exactly when it lies outside the widened lines drawn.

The scale y is chosen so that, with τ² = 0, the normal limits are PHE's or close to them:

* Proportions: the natural scale, y = x/n, θ0 = p0 and s = √(p0(1 − p0)/n). With τ² = 0 these are
  exactly `proportion_limits` (and the score test behind the Wilson labels). FunnelPlotR uses the
  arcsine square root instead; the natural scale keeps one formula for the plain and widened limits.
* Rates: the square-root scale, y = √(x/n), θ0 = √r0 and s = 1/(2√n), Poisson's variance-stabilising
  transform (Spiegelhalter 2005, Stat Med, section 4, and FunnelPlotR's "CQC" method for ratios). Then
  z_i = 2(√O_i − √E_i). On the rate scale itself, r0 ± z·√(r0/n) ignores the Poisson skew and at small
  expected counts falls inside PHE's exact limits, so widened limits could be narrower than plain ones.

Trade-offs, chosen and stated: τ² is estimated from the units on the chart, so it changes with the
selection (as the pooled comparator does); with fewer than MIN_UNITS_FOR_OVERDISPERSION units φ rests
on too few z-scores to set limits by, and PHE's limits are kept (our choice: 10 is also the fewest for
which 10% winsorising pulls in a whole unit at each end); when not widened, rate limits stay PHE's exact
ones, and when widened they are the normal approximation on the square-root scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import chdtrc, gammainc, gammaincc

from etl.stats import intervals

LEVELS = (0.95, 0.998)
WITHIN = "within"
ABOVE_95 = "above 95%"
ABOVE_998 = "above 99.8%"
BELOW_95 = "below 95%"
BELOW_998 = "below 99.8%"
_LABELS = {0.95: (ABOVE_95, BELOW_95), 0.998: (ABOVE_998, BELOW_998)}

PROPORTION = "proportion"
RATE = "rate"
WINSORISE_FRACTION = 0.10  # at each end, as Spiegelhalter, FunnelPlotR and the SHMI
OVERDISPERSION_TEST_LEVEL = 0.95  # widen only when I·φ is beyond χ²(I − 1)'s 95th percentile
MIN_UNITS_FOR_OVERDISPERSION = 10


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


# --- overdispersion (Spiegelhalter 2005; see the module docstring) --------------------------------------

def _working_scale(numerator, denominator, comparator: float, kind: str):
    """(y, θ0, s): each unit's value, the comparator and each unit's null standard error on the scale the
    overdispersion is measured on (natural for proportions, square root for rates)."""
    x, n = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    if np.any(n <= 0):
        raise ValueError("denominators must be more than zero")
    if kind == PROPORTION:
        return x / n, comparator, np.sqrt(comparator * (1 - comparator) / n)
    if kind == RATE:
        return np.sqrt(x / n), np.sqrt(comparator), 1 / (2 * np.sqrt(n))
    raise ValueError(f"kind must be {PROPORTION!r} or {RATE!r}, got {kind!r}")


def null_z_scores(numerator, denominator, comparator: float, kind: str) -> np.ndarray:
    """z_i = (y_i − θ0) / s_i: how many null standard errors each unit is from the comparator."""
    y, theta0, s = _working_scale(numerator, denominator, comparator, kind)
    return (y - theta0) / s


def winsorise(z, fraction: float = WINSORISE_FRACTION) -> np.ndarray:
    """z with values below its `fraction` quantile raised to it and above its 1 − fraction quantile lowered
    to it (quantiles by linear interpolation: numpy's default, R's type 7)."""
    z = np.asarray(z, dtype=float)
    low, high = np.quantile(z, [fraction, 1 - fraction])
    return np.clip(z, low, high)


def dispersion_factor(z_winsorised) -> float:
    """φ = (1/I) Σ z²: 1 when units vary only by chance, more when they vary more."""
    z = np.asarray(z_winsorised, dtype=float)
    return float(np.mean(z**2))


def overdispersion_p_value(phi: float, units: int) -> float:
    """P(χ²(I − 1) ≥ I·φ): how likely this much spread is from chance alone."""
    return float(chdtrc(units - 1, units * phi))


def between_unit_variance(phi: float, standard_errors) -> float:
    """τ² = max(0, (I·φ − (I − 1)) / (Σ w − Σ w² / Σ w)), w = 1/s²: the spread of the units' true values
    beyond chance, on the working scale (DerSimonian and Laird's moment estimator, as Spiegelhalter)."""
    w = 1 / np.asarray(standard_errors, dtype=float) ** 2
    units = len(w)
    return float(max(0.0, (units * phi - (units - 1)) / (w.sum() - (w**2).sum() / w.sum())))


@dataclass(frozen=True)
class Overdispersion:
    """One funnel's overdispersion: φ, its test, τ², and the limits and labels that follow from them.

    `limits` and `significance` give what a chart should show: PHE's when the funnel is not widened
    (tau2 == 0), the random-effects ones when it is. `reason` says in words why it was or was not widened.
    """

    kind: str
    comparator: float
    units: int
    phi: float
    p_value: float
    tau2: float
    reason: str

    @property
    def widened(self) -> bool:
        return self.tau2 > 0

    def _to_working(self, denominator):
        n = np.asarray(denominator, dtype=float)
        _, theta0, s = _working_scale(np.zeros_like(n), n, self.comparator, self.kind)
        return theta0, np.sqrt(s**2 + self.tau2)

    def limits(self, denominator, confidence: float = 0.95):
        """(lower, upper) at each denominator, in per-one units: θ0 ± z·√(s(n)² + τ²) back on the value's
        scale when widened; PHE's limits (`proportion_limits` / `rate_limits`) when not."""
        if not self.widened:
            plain = proportion_limits if self.kind == PROPORTION else rate_limits
            return plain(denominator, self.comparator, confidence)
        theta0, spread = self._to_working(denominator)
        half_width = intervals.z_for(confidence) * spread
        lower, upper = theta0 - half_width, theta0 + half_width
        if self.kind == PROPORTION:
            return np.clip(lower, 0, 1), np.clip(upper, 0, 1)
        # back from the square-root scale; a lower limit below 0 there is a rate of 0, not its square
        return np.maximum(lower, 0) ** 2, upper**2

    def significance(self, numerator, denominator) -> np.ndarray:
        """Each unit's label against `limits`: z_i' = (y_i − θ0)/√(s_i² + τ²) against z when widened, so a
        unit is flagged exactly when it lies outside the lines drawn; PHE's labels when not."""
        if not self.widened:
            plain = proportion_significance if self.kind == PROPORTION else rate_significance
            return plain(numerator, denominator, self.comparator)
        y, theta0, _ = _working_scale(numerator, denominator, self.comparator, self.kind)
        _, spread = self._to_working(denominator)
        z = np.atleast_1d((y - theta0) / spread)
        labels = np.full(z.shape, WITHIN, dtype=object)
        for confidence in LEVELS:
            above, below = _LABELS[confidence]
            critical = intervals.z_for(confidence)
            labels[z > critical] = above
            labels[z < -critical] = below
        return labels


def overdispersion(numerator, denominator, comparator: float, kind: str) -> Overdispersion:
    """Spiegelhalter's overdispersion check of the units of one funnel around `comparator` (usually
    `pooled`): kind is PROPORTION or RATE, the numerators and denominators in per-one units."""
    n = np.asarray(denominator, dtype=float)
    units = int(n.size)

    def kept(reason: str, phi: float = float("nan"), p_value: float = float("nan")) -> Overdispersion:
        return Overdispersion(kind, comparator, units, phi, p_value, 0.0, reason)

    if units < MIN_UNITS_FOR_OVERDISPERSION:
        return kept(f"fewer than {MIN_UNITS_FOR_OVERDISPERSION} units, too few to estimate overdispersion")
    if kind == PROPORTION and not 0 < comparator < 1:
        # every unit is at 0% (or 100%): no spread to measure, and s_i would be 0
        return kept("the comparator is 0% or 100%, so there is no spread to measure")
    _, _, s = _working_scale(numerator, n, comparator, kind)
    phi = dispersion_factor(winsorise(null_z_scores(numerator, n, comparator, kind)))
    p_value = overdispersion_p_value(phi, units)
    # p < 0.05 also means I·φ > I − 1 (χ²(k)'s 95th percentile is above k + 1), so τ² is then above 0
    if p_value >= 1 - OVERDISPERSION_TEST_LEVEL:
        return kept("the spread is within what chance would give", phi, p_value)
    return Overdispersion(kind, comparator, units, phi, p_value, between_unit_variance(phi, s),
                          "the spread is more than chance would give")
