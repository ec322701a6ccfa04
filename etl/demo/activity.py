"""SUS-derived monthly hospital activity by GP practice (issue 3 §A).

Expected count = list (or list aged 65+) x annual rate / 12 x season x secular trend x practice
effect; then Poisson noise, then the joint-working effect by thinning (adoption.py).

Trade-offs:
* The practice effect is one lognormal draw per practice and measure (a shared part and a
  measure's own part, sd 0.15 in all, mean 1), fixed over time: a difference-in-differences
  cancels it, and it gives the between-practice spread real SUS extracts have.
* Plain Poisson noise: at demo scale a practice has ~250 A&E attendances a month, so the planted
  effect stands well clear of the noise; gamma-Poisson would only widen the between-month spread.
* No COVID dip: the window starts in October 2020 and the spec asks for none; a dip would make
  the planted effect harder to read, not more realistic in any way the dashboard uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo import months as mo
from etl.demo import writers
from etl.demo.adoption import Adoption, thin
from etl.demo.practices import Practices

# Sorted, so the rows are in order within a practice-month.
MEASURES = ("A&E attendances", "ACSC emergency admissions", "Emergency admissions", "Emergency bed days",
            "Falls admissions 65+")
RATE_PER_1000 = np.array([350.0, 15.0, 100.0, 600.0, 20.0])  # a year; falls per 1,000 aged 65+
OLD_ONLY = np.array([False, False, False, False, True])
TREND_PCT = np.array([2.0, 1.0, 1.0, -1.0, 1.0])  # shared secular trend, % a year
AFFECTED = np.array([True, False, False, True, False])  # by the joint-working effect (e_hosp)
# Winter peak, summer trough (January .. December).
SEASON = np.array([1.16, 1.13, 1.03, 0.98, 0.95, 0.92, 0.92, 0.92, 0.95, 1.00, 1.04, 1.16])
SHARED_SD, OWN_SD = 0.12, 0.09  # practice effect on the log scale: sqrt(0.12^2 + 0.09^2) = 0.15
HEADER = "Activity Month,GP Practice Code,Measure,Count"


@dataclass
class Activity:
    counts: np.ndarray  # (months of mo.WINDOW, practices, measures), after the effect
    open: np.ndarray  # (months, practices)
    practice_effect: np.ndarray  # (practices, measures), mean 1
    treated_before: int  # affected events of adopters after adoption, before and after thinning
    treated_after: int


def build_activity(rng, pr: Practices, lists: mo.MonthlyLists, ad: Adoption) -> Activity:
    pos = lists.at(mo.WINDOW)
    is_open = lists.open[pos]
    people = np.where(OLD_ONLY, lists.over65[pos][:, :, None], lists.total[pos][:, :, None])
    years = (mo.WINDOW - mo.FIRST_MONTH) / 12.0
    trend = (1 + TREND_PCT / 100.0) ** years[:, None]  # (months, measures)
    season = SEASON[mo.calendar_month(mo.WINDOW) - 1]
    sd2 = SHARED_SD ** 2 + OWN_SD ** 2
    log_effect = SHARED_SD * rng.standard_normal((pr.n, 1)) + OWN_SD * rng.standard_normal((pr.n, len(MEASURES)))
    effect = np.exp(log_effect - sd2 / 2)
    expected = people * RATE_PER_1000 / 12_000.0 * (season[:, None] * trend)[:, None, :] * effect[None]
    expected[~is_open] = 0.0
    counts = rng.poisson(expected)
    treated = (ad.adopted(mo.WINDOW) & is_open)[:, :, None] & AFFECTED
    after = thin(rng, counts, treated, ad.e_hosp)
    return Activity(after, is_open, effect, int(counts[treated].sum()), int(after[treated].sum()))


def write_sus(out, pr: Practices, act: Activity) -> list[str]:
    """One file per financial year; returns the relative paths written."""
    order = np.argsort(np.array(pr.code))
    codes = np.array(pr.code, dtype=writers.STR)[order]
    years = np.array([mo.financial_year(int(m)) for m in mo.WINDOW])
    written = []
    for fy in np.unique(years):
        rows = np.flatnonzero(years == fy)
        labels = np.array([mo.label(int(m)) for m in mo.WINDOW[rows]], dtype=writers.STR)
        prefix = writers.join_fields(labels[:, None], codes[None, :])  # (months, practices)
        lines = writers.join_fields(prefix[:, :, None], np.array(MEASURES, dtype=writers.STR),
                                    writers.text(act.counts[rows][:, order]))
        keep = np.broadcast_to(act.open[rows][:, order, None], lines.shape)
        rel = f"activity/sus_practice_activity_{mo.fy_label(int(fy))}.csv"
        writers.write_lines(out(rel, "sus_activity"), HEADER, lines[keep], newline="\r\n")
        written.append(rel)
    return written


def manifest(act: Activity, files: list[str]) -> dict:
    return {
        "files": files,
        "months": [mo.label(int(m)) for m in (mo.WINDOW[0], mo.WINDOW[-1])],
        "measures": list(MEASURES),
        "rate_per_1000_a_year": dict(zip(MEASURES, RATE_PER_1000.tolist())),
        "rate_note": "per 1,000 registered patients; Falls admissions 65+ per 1,000 patients aged 65+",
        "secular_trend_pct_per_year": dict(zip(MEASURES, TREND_PCT.tolist())),
        "trend_origin": mo.label(mo.FIRST_MONTH),
        "seasonality": {f"{m:02d}": float(s) for m, s in zip(range(1, 13), SEASON)},
        "practice_effect_sd_log": round(float(np.hypot(SHARED_SD, OWN_SD)), 4),
        "noise": "poisson",
        "rows": int(act.open.sum()) * len(MEASURES),
        "affected_by_joint_working": [m for m, a in zip(MEASURES, AFFECTED) if a],
        "adopters_affected_events_without_effect": act.treated_before,
        "adopters_affected_events_with_effect": act.treated_after,
    }
