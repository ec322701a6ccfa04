"""The monthly timeline of the practice-side sources, and each practice's list month by month.

Months are plain integers (year * 12 + month - 1) so that arithmetic and masks stay vectorised;
labels are made only when a file is written.

Trade-offs:
* Registrations exist for 12 quarterly releases (Jan 2023 - Oct 2025). Between two releases a
  list moves in a straight line; before January 2023 it is back-projected with the practice's own
  trend (registrations.py's ``trend``, % a year). The closed practice and its successor hold their
  lists until the release after the closure instead, so the successor gains the closed
  practice's patients in the month they moved, not gradually beforehand.
* Age shares (under 5, 65+) and where a list's patients live come from the release at or before
  the month (the first release before 2023): shares drift slowly, a straight line adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo.practices import Practices
from etl.demo.registrations import CLOSE_QUARTER, QUARTERS, Registrations

OLD_BANDS = slice(13, None)  # five-year bands 65_69 and older


def month_number(year: int, month: int) -> int:
    return year * 12 + month - 1


FIRST_MONTH = month_number(2020, 10)
N_MONTHS = 60  # October 2020 to September 2025
WINDOW = FIRST_MONTH + np.arange(N_MONTHS)
QUARTER_STARTS = WINDOW[::3]  # 2020-21 Q3 .. 2025-26 Q2
RELEASE_MONTHS = np.array([month_number(q.year, q.month) for q in QUARTERS])


def year_of(m) -> np.ndarray:
    return np.asarray(m) // 12


def calendar_month(m) -> np.ndarray:
    """1..12"""
    return np.asarray(m) % 12 + 1


def label(m: int) -> str:
    """YYYY-MM"""
    return f"{m // 12}-{m % 12 + 1:02d}"


def financial_year(m: int) -> int:
    """The calendar year in which the month's financial year (April - March) starts."""
    return m // 12 if m % 12 >= 3 else m // 12 - 1


def fy_label(start_year: int) -> str:
    """2020-21"""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def quarter_label(m: int) -> str:
    """Financial-year quarter of a month: 2020-21 Q3 (Q1 = April - June)."""
    return f"{fy_label(financial_year(m))} Q{(m % 12 - 3) % 12 // 3 + 1}"


@dataclass
class MonthlyLists:
    """Per month (rows, absolute month numbers in ``months``) and practice (columns)."""

    months: np.ndarray
    total: np.ndarray  # registered patients (float: interpolated or back-projected)
    under5: np.ndarray
    over65: np.ndarray
    open: np.ndarray  # bool
    release: np.ndarray  # per month: the release whose shares apply

    def at(self, months) -> np.ndarray:
        """Row positions of absolute month numbers (every one must be in ``months``)."""
        pos = np.searchsorted(self.months, months)
        if not np.array_equal(self.months[pos], months):
            raise ValueError("month outside the lists' range")
        return pos


def monthly_lists(reg: Registrations, pr: Practices, months) -> MonthlyLists:
    months = np.asarray(months, dtype=np.int64)
    totals = np.array([rel.totals for rel in reg.releases], dtype=float)  # (releases, practices)
    opened = np.array([rel.open for rel in reg.releases])
    k = np.searchsorted(RELEASE_MONTHS, months, side="right") - 1
    before = k < 0
    k0 = np.maximum(k, 0)
    k1 = np.minimum(k0 + 1, len(RELEASE_MONTHS) - 1)
    span = np.maximum(RELEASE_MONTHS[k1] - RELEASE_MONTHS[k0], 1)
    w = np.clip((months - RELEASE_MONTHS[k0]) / span, 0.0, 1.0)[:, None]
    w = np.where(before[:, None], 0.0, w) * np.ones((1, pr.n))
    w[~opened[k1]] = 0.0  # closing: hold the last list until the practice goes
    held = [pr.closed, pr.successor]
    w[np.ix_(k1 == CLOSE_QUARTER, held)] = 0.0
    total = (1 - w) * totals[k0] + w * totals[k1]
    back = (RELEASE_MONTHS[0] - months[before]) / 12.0
    total[before] = totals[0] * np.exp(-np.outer(back, reg.trend) / 100.0)

    ages = np.array([rel.ages.sum(axis=1) for rel in reg.releases], dtype=float)  # (releases, practices, bands)
    size = np.maximum(ages.sum(axis=2), 1.0)
    under5 = (ages[:, :, 0] / size)[k0] * total
    over65 = (ages[:, :, OLD_BANDS].sum(axis=2) / size)[k0] * total
    return MonthlyLists(months, total, under5, over65, opened[k0], k0)
