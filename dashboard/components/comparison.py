"""How a comparison is said, for the pages, the PDF summary, the practice pack and the workbook.

A comparison has two answers, and they are said apart, each only when it is true:

* its size: by how much the value differs from what it is compared with, in the measure's unit and in
  per cent. "Much" only when the difference is at least LARGE (etl/method.yml,
  comparison_large_difference); "slightly" when it is under SMALL (comparison_small_difference). A
  1.4% difference is slight however sure the statistics are that it is real: with a large population
  it can lie outside the 99.8% limits.
* its significance: whether it is more than chance would give. Against a comparator, the PHE funnel
  label (etl/stats/funnels.py: the value's 95% and 99.8% intervals against the comparator's value).
  Against the past, the same months a year before, `year_significance`: the exact test of two rates
  (R's poisson.test with two counts, i.e. binom.test of this year's count out of both years' given the
  denominators) or of two proportions (Fisher's exact test, R's fisher.test). "Better" or "worse" is
  said only when the difference is beyond chance and the measure has a better direction.

Every cell sits under a header, and every sentence starts with words, that name what the value is
compared with (a comparator, or "the same months a year before") and the period, so a row that compares
over time and against a comparator says which is which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from dashboard import formats
from etl.build import method_constants
from etl.stats import funnels

_CONSTANTS = method_constants()
SMALL = float(_CONSTANTS["comparison_small_difference"]["value"])
LARGE = float(_CONSTANTS["comparison_large_difference"]["value"])

HIGHER_IS_BETTER, LOWER_IS_BETTER = "higher_is_better", "lower_is_better"
_LEVEL = {funnels.ABOVE_998: "99.8%", funnels.BELOW_998: "99.8%", funnels.ABOVE_95: "95%",
          funnels.BELOW_95: "95%"}


def _finite(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Size:
    """By how much `value` differs from `reference`."""
    value: float
    reference: float

    @property
    def difference(self) -> float:
        return self.value - self.reference

    @property
    def relative(self) -> float | None:
        """The difference as a fraction of the reference (None when the reference is 0)."""
        return self.difference / self.reference if self.reference else None

    @property
    def direction(self) -> str:
        return "higher" if self.difference > 0 else "lower" if self.difference < 0 else "the same"

    @property
    def band(self) -> str:
        """'slight' (under SMALL), 'large' (LARGE or more) or 'moderate', on the relative difference."""
        relative = abs(self.relative) if self.relative is not None else math.inf
        return "slight" if relative < SMALL else "large" if relative >= LARGE else "moderate"

    @property
    def adverb(self) -> str:
        """'slightly ', 'much ' or '': the only words for size that go before higher or lower."""
        return {"slight": "slightly ", "large": "much ", "moderate": ""}[self.band]


def size_of(value, reference) -> Size | None:
    value, reference = _finite(value), _finite(reference)
    return None if value is None or reference is None else Size(value, reference)


def amount(size: Size, unit: str) -> str:
    """'0.6 (1.4%)': the difference in the measure's unit (percentage points for a per cent) and in %."""
    points = " percentage points" if unit == "%" else ""
    relative = f" ({formats.percent(abs(size.relative))})" if size.relative is not None else ""
    difference = abs(size.difference)
    # one decimal, as the rates are shown; a difference too small for that gets two significant figures
    shown = f"{difference:,.1f}" if difference >= 0.05 else f"{difference:.2g}"
    return f"{shown}{points}{relative}"


def size_words(size: Size, unit: str) -> str:
    """'slightly lower, by 0.6 (1.4%)', 'much higher, by 12.0 (25.0%)', 'the same'."""
    if size.direction == "the same":
        return "the same"
    return f"{size.adverb}{size.direction}, by {amount(size, unit)}"


def better(direction: str, polarity: str) -> bool | None:
    """Whether a higher or lower value is better for the measure (None: no better direction)."""
    if direction not in ("higher", "lower") or polarity not in (HIGHER_IS_BETTER, LOWER_IS_BETTER):
        return None
    return (direction == "higher") == (polarity == HIGHER_IS_BETTER)


def beyond_chance(label) -> bool:
    return str(label) in _LEVEL


def significance_words(label, polarity: str, *, against: str) -> str:
    """Whether the difference is more than chance: 'beyond chance (99.8% limits), better', 'within what
    chance would give', 'not tested'. against: 'limits' (a funnel) or 'test' (a year before)."""
    label = str(label) if label is not None else None
    if label == funnels.WITHIN:
        return "within what chance would give"
    if label not in _LEVEL:
        return "not tested"
    how = f"{_LEVEL[label]} {'limits' if against == 'limits' else 'test'}"
    verdict = better("higher" if label.startswith("above") else "lower", polarity)
    return f"beyond chance ({how})" + ("" if verdict is None else f", {'better' if verdict else 'worse'}")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def said(value, reference, *, label, polarity: str, unit: str, against: str = "limits") -> str:
    """One comparison for a table cell, its size and its significance apart: 'Slightly lower, by 0.6 (1.4%);
    beyond chance (99.8% limits), better'. The cell's row and header name the measure, what it is compared
    with and the period; a sentence that stands alone names them itself (narrative.standing_out).

    label: a funnels label (within, above 95%, ...) or None when not tested (e.g. small numbers);
    against: 'limits' for a comparator (funnel limits), 'test' for the same months a year before.
    """
    size = size_of(value, reference)
    if size is None:
        return "Not compared"
    return f"{_capital(size_words(size, unit))}; {significance_words(label, polarity, against=against)}"


def dispersion_of(unit_numerators, unit_denominators, comparator_rate, multiplier, unit: str):
    """Spiegelhalter's check of the units a comparator pools (etl/stats/funnels.py `overdispersion`), as the
    pages' funnels make it: when they differ by more than chance, an area is judged against the widened
    limits. None when there are no units or no comparator. unit: the measure's unit ('%' a proportion)."""
    comparator_rate, multiplier = _finite(comparator_rate), _finite(multiplier)
    numerator = np.asarray(unit_numerators, dtype=float)
    denominator = np.asarray(unit_denominators, dtype=float)
    if numerator.size == 0 or comparator_rate is None or not multiplier:
        return None
    kind = funnels.PROPORTION if unit == "%" else funnels.RATE
    if kind == funnels.PROPORTION:
        numerator = np.minimum(numerator, denominator)
    return funnels.overdispersion(numerator, denominator, comparator_rate / multiplier, kind)


def significance(numerator, denominator, comparator_rate, multiplier, unit: str, dispersion=None) -> str | None:
    """An area's count over its denominator against a comparator's rate (in the measure's unit, so divided
    by the multiplier), as a funnel label (within, above 95%, ...), or None when it cannot be tested: the
    limits widened for overdispersion when `dispersion` (dispersion_of) says the units call for it, else
    PHE's (Wilson for a percentage, exact Poisson or Byar for a rate). The one rule every comparison
    against a comparator uses: the downloads' and the spine chart's."""
    values = [_finite(v) for v in (numerator, denominator, comparator_rate, multiplier)]
    if any(v is None for v in values) or values[1] <= 0 or not values[3]:
        return None
    numerator, denominator, comparator_rate, multiplier = values
    if unit == "%":
        numerator = min(numerator, denominator)
    if dispersion is not None and dispersion.widened:
        return str(dispersion.significance([numerator], [denominator])[0])
    if unit == "%":
        return str(funnels.proportion_significance(numerator, denominator, comparator_rate / multiplier)[0])
    return str(funnels.rate_significance(numerator, denominator, comparator_rate / multiplier)[0])


def year_significance(numerator, denominator, previous_numerator, previous_denominator, *, proportion: bool):
    """This year's rate against the same months a year before, as a funnels label (within, above 95%, ...),
    or None when it cannot be tested. Counts apportioned from practices are rounded to whole people.

    Rates: the exact conditional test of two Poisson counts with denominators n1, n2 (R's
    poisson.test(c(x1, x2), c(n1, n2))): x1 out of x1 + x2 is binomial with p = n1 / (n1 + n2) when
    the rates are equal. Proportions: Fisher's exact test of the 2x2 table (R's fisher.test).
    Two-sided p below 0.002 is beyond 99.8%, below 0.05 beyond 95%, as the funnel levels.
    """
    values = [_finite(v) for v in (numerator, denominator, previous_numerator, previous_denominator)]
    if any(v is None for v in values) or values[1] <= 0 or values[3] <= 0:
        return None
    x1, n1, x2, n2 = values
    x1, x2 = round(x1), round(x2)
    if proportion:
        n1, n2 = round(n1), round(n2)
        if x1 > n1 or x2 > n2:
            return None
        p_value = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
    else:
        if x1 + x2 == 0:
            return funnels.WITHIN
        p_value = stats.binomtest(x1, x1 + x2, n1 / (n1 + n2)).pvalue
    higher = x1 / n1 > x2 / n2
    if p_value < 1 - funnels.LEVELS[-1]:
        return funnels.ABOVE_998 if higher else funnels.BELOW_998
    if p_value < 1 - funnels.LEVELS[0]:
        return funnels.ABOVE_95 if higher else funnels.BELOW_95
    return funnels.WITHIN


def method_words() -> str:
    """The rule in words, for a table's note and the Data and methods page."""
    return ("Size and significance are said apart. "
            f"\"Much\" higher or lower means at least {formats.percent(LARGE, 0)} apart; "
            f"\"slightly\" means less than {formats.percent(SMALL, 0)}. "
            "Beyond chance: outside the funnel limits against a comparator "
            "(PHE's method, widened by Spiegelhalter's method when the units pooled in the comparator "
            "differ by more than chance), or, against the same months a year before, an exact test of the two "
            "years' counts (Poisson for rates, Fisher's for percentages) at 95% or 99.8%. Better or worse is "
            "said only when a difference is beyond chance.")
