"""Who adopts the joint-working package, when, and what it does to their patients (issue 3 §H).

Trade-offs:
* Adoption is staggered and unrelated to anything else about a practice (a random 40% of the
  practices open throughout, quarters spread evenly over 2021-22 Q3 .. 2024-25 Q1), so a
  staggered difference-in-differences recovers the effect without adjusting for confounders.
  The closed practice never adopts: it leaves the panel halfway.
* The effect is applied by binomial thinning of counts already drawn: Poisson(l) thinned by
  (1 - e) is Poisson(l (1 - e)), so it is the same as lowering the expected count, and with
  ``effect=False`` every file is the same except the thinned cells (common random numbers). The
  effect sizes are drawn even when there is no effect, so the other draws do not move.
* Effect sizes are rounded to 0.1 percentage point before use, so the manifest states exactly
  what was applied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo import months as mo
from etl.demo.practices import Practices

ADOPTING_SHARE = 0.40
FIRST_ADOPTION = mo.month_number(2021, 10)  # 2021-22 Q3
ADOPTION_QUARTERS = FIRST_ADOPTION + 3 * np.arange(11)  # .. 2024-25 Q1 (April 2024)
CARE_EFFECT = (0.15, 0.20)  # permanent residential and nursing admissions
HOSPITAL_EFFECT = (0.20, 0.30)  # A&E attendances and emergency bed days


@dataclass
class Adoption:
    month: np.ndarray  # per practice: first month of the adoption quarter, -1 if never
    eligible: np.ndarray  # bool per practice: open throughout the window
    effect: bool
    e_care: float  # 0 when effect is False
    e_hosp: float

    def adopted(self, months) -> np.ndarray:
        """(months, practices): the practice has adopted by that month."""
        m = np.asarray(months)[:, None]
        return (self.month >= 0) & (m >= self.month)

    @property
    def adopters(self) -> np.ndarray:
        return np.flatnonzero(self.month >= 0)


def draw_adoption(rng, pr: Practices, lists: mo.MonthlyLists, effect: bool) -> Adoption:
    window = lists.at(mo.WINDOW)
    eligible = lists.open[window].all(axis=0)
    candidates = np.flatnonzero(eligible)
    n = int(round(ADOPTING_SHARE * len(candidates)))
    chosen = np.sort(rng.choice(candidates, size=n, replace=False))
    # every adoption quarter gets its share of adopters, in a random order
    quarter = rng.permutation(np.resize(np.arange(len(ADOPTION_QUARTERS)), n))
    month = np.full(pr.n, -1, dtype=np.int64)
    month[chosen] = ADOPTION_QUARTERS[quarter]
    e_care = round(float(rng.uniform(*CARE_EFFECT)), 3)
    e_hosp = round(float(rng.uniform(*HOSPITAL_EFFECT)), 3)
    if not effect:
        e_care = e_hosp = 0.0
    return Adoption(month, eligible, effect, e_care, e_hosp)


def thin(rng, counts: np.ndarray, treated: np.ndarray, e: float) -> np.ndarray:
    """Keep each treated event with probability 1 - e. Must be a stage's last draw: with no effect
    nothing is drawn, and the draws before it must not depend on the effect."""
    if e == 0.0 or not treated.any():
        return counts
    out = counts.copy()
    out[treated] = rng.binomial(counts[treated], 1.0 - e)
    return out


def manifest(pr: Practices, ad: Adoption) -> dict:
    rows = [{"practice_code": pr.code[i], "adoption_quarter": mo.quarter_label(int(ad.month[i])),
             "adoption_month": mo.label(int(ad.month[i]))} for i in ad.adopters]
    return {
        "effect": ad.effect,
        "residential_nursing_pct": round(100 * ad.e_care, 1),
        "ae_bed_days_pct": round(100 * ad.e_hosp, 1),
        "applies_from": "the first month of the adoption quarter (adoption_month), for the adopting practice's "
                        "patients; counts are multiplied by (1 - pct / 100) by binomial thinning",
        "adopters": sorted(rows, key=lambda r: r["practice_code"]),
        "n_adopters": len(rows),
        "never_adopters": int((ad.eligible & (ad.month < 0)).sum()),
        "eligible_practices": int(ad.eligible.sum()),
        "not_eligible": [pr.code[i] for i in np.flatnonzero(~ad.eligible)],
        "not_eligible_note": "practices not open throughout October 2020 - September 2025 never adopt",
        "adoption_quarters": [mo.quarter_label(int(m)) for m in ADOPTION_QUARTERS],
    }
