"""Small-number suppression for every download: the rule, stated once, and the code that applies it.

Counts of people from 1 to 4 could identify someone (a councillor's ward, a practice with a handful of
care home admissions), so they never leave the dashboard as numbers. The cells a reader could use to
work a hidden count back out (the rest of a column whose total is printed) are hidden too.

Why a second marker for secondary cells: a cell hidden only to protect another one is usually 5 or
more, and printing "<5" there would tell a councillor something false. It is shown as "[c]" (the
Government Statistical Service's symbol for "confidential"), explained in RULE, which every file repeats.

Counts may be fractional (a council's residents' admissions apportioned from practices by where
patients live): any value above 0 and below 5 is suppressed, since it rounds to 0-4 people or stands
for people counted in fractions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

SUPPRESSED = "<5"
SECONDARY = "[c]"
MARKERS = (SUPPRESSED, SECONDARY)
THRESHOLD = 5

RULE = ('Small numbers are hidden to protect privacy. A count of people from 1 to 4 is shown as "<5" '
        '(0 is shown). Where a table or a total elsewhere would let a hidden count be worked out by '
        'subtraction, the next-smallest count is hidden too, shown as "[c]", and a total that would still '
        'give a hidden count away is hidden. A rate or percentage worked out from a hidden count is hidden '
        'with it.')


def is_small(value) -> bool:
    """True for a count that must be hidden: above 0 and below 5."""
    return value is not None and not pd.isna(value) and 0 < float(value) < THRESHOLD


def is_suppressed(value) -> bool:
    """True for a cell that was hidden (either marker)."""
    return isinstance(value, str) and value in MARKERS


def numeric(values: pd.Series) -> pd.Series:
    """A suppressed column as numbers, hidden cells as NaN (for charts and rules that need numbers)."""
    return pd.to_numeric(values.where(~values.map(is_suppressed)), errors="coerce")


@dataclass(frozen=True)
class Group:
    """The outcome for one group of counts whose total is shown: a label (or the number) per cell."""
    cells: list  # each the original number or a marker
    total: object  # the original total, a marker, or None when the group has no shown total


def suppress_group(values: Sequence[float], total: float | None = None) -> Group:
    """Apply the rule to a group of counts (a column, a row) and, if it is printed, its total.

    1. Primary: each count above 0 and below 5 becomes "<5".
    2. Secondary: with a total shown, if exactly one cell is hidden, the smallest other cell is hidden
       too ("[c]"), so the hidden one cannot be found by subtracting the others from the total.
    3. The total: hidden if it is itself 1-4, or if the hidden cells' sum (total minus the shown cells)
       still pins any one of them to a single value (e.g. two hidden cells summing to 8 must be 4 and 4).
    """
    values = [float(v) if v is not None and not pd.isna(v) else np.nan for v in values]
    hidden = {i: SUPPRESSED for i, v in enumerate(values) if is_small(v)}
    has_total = total is not None and not pd.isna(total)
    if has_total and len(hidden) == 1:
        others = [(v, i) for i, v in enumerate(values) if i not in hidden and not np.isnan(v)]
        if others:
            hidden[min(others)[1]] = SECONDARY
    cells = [hidden.get(i, values[i] if not np.isnan(values[i]) else None) for i in range(len(values))]
    if not has_total:
        return Group(cells, None)
    shown_total: object = float(total)
    if is_small(total):
        shown_total = SUPPRESSED
    elif hidden and _total_reveals(values, hidden, float(total)):
        shown_total = SECONDARY
    return Group(cells, shown_total)


def _total_reveals(values: list[float], hidden: dict[int, str], total: float) -> bool:
    """Does total minus the shown cells leave any hidden cell only one possible value?

    What a reader knows of a hidden cell: "<5" means 1 to 4; "[c]" means 0 or more (at most the sum).
    A single hidden cell (no other cell to hide with it) is always given away by its total.
    """
    shown = sum(v for i, v in enumerate(values) if i not in hidden and not np.isnan(v))
    hidden_sum = total - shown
    bounds = {i: (1.0, 4.0) if marker == SUPPRESSED else (0.0, hidden_sum) for i, marker in hidden.items()}
    if len(bounds) == 1:
        return True
    for i, (low, high) in bounds.items():
        rest_low = sum(b[0] for j, b in bounds.items() if j != i)
        rest_high = sum(b[1] for j, b in bounds.items() if j != i)
        can_be_low = max(low, hidden_sum - rest_high)
        can_be_high = min(high, hidden_sum - rest_low)
        if can_be_high - can_be_low < 1:  # whole people: a range narrower than one leaves one value
            return True
    return False


def suppress_column(frame: pd.DataFrame, column: str, *, total: float | None = None,
                    group_by: str | Sequence[str] | None = None,
                    totals: dict | None = None) -> tuple[pd.DataFrame, object]:
    """Suppress one count column of frame (object dtype after), group by group if group_by is given.

    total: the shown total of the whole column (e.g. a headline printed elsewhere), or None.
    totals: with group_by, each group's shown total by its key (missing keys: no shown total).
    Returns the new frame and the total as it may be shown (a number or a marker).
    """
    out = frame.copy()
    out[column] = out[column].astype(object)
    if group_by is None:
        result = suppress_group(list(frame[column]), total)
        out[column] = pd.Series(result.cells, index=frame.index, dtype=object)
        return out, result.total
    shown_totals = {}
    for key, rows in frame.groupby(group_by, sort=False, dropna=False):
        group_total = (totals or {}).get(key)
        result = suppress_group(list(rows[column]), group_total)
        out.loc[rows.index, column] = pd.Series(result.cells, index=rows.index, dtype=object)
        shown_totals[key] = result.total
    return out, shown_totals


def follow(frame: pd.DataFrame, derived: Sequence[str], source: str) -> pd.DataFrame:
    """Hide each derived column (a rate, a share, an interval) wherever its source count is hidden."""
    out = frame.copy()
    hidden = out[source].map(is_suppressed)
    for column in derived:
        if column not in out:
            continue
        out[column] = out[column].astype(object)
        out.loc[hidden, column] = out.loc[hidden, source]
    return out


def hide_value(value, count) -> object:
    """A single derived figure (e.g. a headline share) given its count: the marker if the count is hidden."""
    if is_suppressed(count):
        return count
    return SUPPRESSED if is_small(count) else value
