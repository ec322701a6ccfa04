"""Small-number suppression for every page and download: the rule, stated once, and the code that applies it.

The threshold and both markers are declared in etl/method.yml (small_numbers), which the build also copies
into meta_method and the Data and methods page states; this module reads them from there, so the pages,
the downloads and the page that explains them cannot disagree.

Counts of people from 1 to 4 could identify someone (a councillor's ward, a practice with a handful of
care home admissions), so they never leave the dashboard as numbers. The cells a reader could use to
work a hidden count back out (the rest of a column whose total is printed, or whose pooled rate is
printed beside the denominators) are hidden too.

Why a second marker for secondary cells: a cell hidden only to protect another one is 5 or more, and
printing "<5" there would tell a councillor something false. It is shown as "[c]" (the Government
Statistical Service's symbol for "confidential"), explained in RULE, which every file repeats. Secondary
cells are chosen from counts of 5 or more (a 0 only when there is none). A reader who knows the rule knows
a "[c]" is not 1-4, so the check that a total pins nothing treats a "[c]" as 5 or more: when it is really
a 0 that assumes the reader knows more than they do, and only ever hides more.

Counts may be fractional (a council's residents' admissions apportioned from practices by where
patients live): any value above 0 and below 5 is suppressed, since it rounds to 0-4 people or stands
for people counted in fractions.

The anchor is NHS Digital's disclosure control for Hospital Episode Statistics (HES): small counts
replaced by a symbol, and checks that no other value on the output lets them be recalculated (its rule
before September 2018; see the Data and methods page for where jointcare differs and why).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import yaml

from dashboard import formats
from etl.build import METHOD_FILE

_DECLARED = yaml.safe_load(METHOD_FILE.read_text())["small_numbers"]["small_number_threshold"]
THRESHOLD = _DECLARED["value"]
SUPPRESSED = str(_DECLARED["marker"])
SECONDARY = str(_DECLARED["secondary_marker"])
MARKERS = (SUPPRESSED, SECONDARY)

RULE = (f'Small numbers are hidden to protect privacy. A count of people from 1 to {THRESHOLD - 1} is shown as '
        f'"{SUPPRESSED}" (0 is shown). Where a table or a total elsewhere would let a hidden count be worked out '
        f'by subtraction, another count is hidden too (the smallest of {THRESHOLD} or more), shown as "{SECONDARY}", '
        'and a total that would still give a hidden count away is hidden. A rate or percentage worked out from '
        'a hidden count is hidden with it.')


def is_small(value) -> bool:
    """True for a count that must be hidden: above 0 and below 5 (a cell already hidden is not a count)."""
    return value is not None and not is_suppressed(value) and not pd.isna(value) and 0 < float(value) < THRESHOLD


def is_suppressed(value) -> bool:
    """True for a cell that was hidden (either marker)."""
    return isinstance(value, str) and value in MARKERS


def small_mask(values: Sequence | pd.Series) -> np.ndarray:
    """is_small of every cell at once (the rule applied to a column of thousands of practices at England
    scale: a loop of is_small calls cost tens of milliseconds per page)."""
    numbers = _as_numbers(values)
    return (numbers > 0) & (numbers < THRESHOLD)


def _as_numbers(values: Sequence | pd.Series) -> np.ndarray:
    """The cells as floats, hidden cells, None and NA as NaN (the vector form of _numbers)."""
    if not isinstance(values, pd.Series):
        try:  # plain numbers (and None): straight to numpy, without a Series (most groups are a few cells)
            return np.array(values, dtype=float)
        except (TypeError, ValueError):  # a marker or pd.NA among them
            pass
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if series.dtype.kind in "biuf":
        return series.to_numpy(dtype=float, na_value=np.nan)
    series = series.astype(object)
    return pd.to_numeric(series.mask(series.isin(MARKERS)), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def numeric(values: pd.Series) -> pd.Series:
    """A suppressed column as numbers, hidden cells as NaN (for charts and rules that need numbers)."""
    return pd.to_numeric(values.where(~values.isin(MARKERS)), errors="coerce")


@dataclass(frozen=True)
class Group:
    """The outcome for one group of counts whose total is shown: a label (or the number) per cell."""
    cells: list  # each the original number or a marker
    total: object  # the original total, a marker, or None when the group has no shown total


def suppress_group(values: Sequence[float], total: float | None = None,
                   complement_of: Sequence[float] | None = None) -> Group:
    """Apply the rule to a group of counts (a column, a row) and, if it is printed, its total.

    1. Primary: each count above 0 and below 5 becomes "<5"; with complement_of (each count's denominator,
       shown beside it, for a percentage), a count that leaves 1-4 people by difference becomes "[c]".
    2. Secondary: with a total shown, if exactly one cell is hidden, the smallest other cell of 5 or more is
       hidden too ("[c]"), so the hidden one cannot be found by subtracting the others from the total.
    3. The total: hidden if it is itself 1-4, or if the hidden cells' sum (total minus the shown cells)
       still pins any one of them to a single value (e.g. two hidden cells summing to 8 must be 4 and 4).
    """
    values = _numbers(values)
    hidden = _primary(values, complement_of)
    has_total = total is not None and not pd.isna(total)
    if has_total and len(hidden) == 1:
        candidate = next_secondary(values, hidden)
        if candidate is not None:
            hidden[candidate] = SECONDARY
    cells = _cells(values, hidden)
    if not has_total:
        return Group(cells, None)
    shown_total: object = float(total)
    if is_small(total):
        shown_total = SUPPRESSED
    elif hidden and _total_reveals(values, hidden, float(total)):
        shown_total = SECONDARY
    return Group(cells, shown_total)


def suppress_beside_a_shown_total(values: Sequence[float], complement_of: Sequence[float] | None = None) -> Group:
    """The rule for a group whose total is given away by something that stays on the page.

    A page that prints a pooled rate (a funnel's comparator, "the practices listed, together: ...") beside
    each row's denominator gives the column's total count back (rate x summed denominators), and that
    line cannot be hidden without losing the chart. So instead of hiding the total, counts are hidden one
    by one, smallest of 5 or more first, until the total pins no hidden cell. Group.total is the total when
    that worked, or SECONDARY when even with every cell hidden it would still give a count away (e.g. one
    practice on its own): the page must then hide whatever gives the total away. complement_of: as for
    suppress_group.
    """
    values = _numbers(values)
    total = float(np.nansum(values))
    hidden = _primary(values, complement_of)
    while hidden and _total_reveals(values, hidden, total):
        candidate = next_secondary(values, hidden)
        if candidate is None:
            return Group(_cells(values, hidden), SECONDARY)
        hidden[candidate] = SECONDARY
    return Group(_cells(values, hidden), total)


def next_secondary(values: Sequence[float], hidden: dict[int, str]) -> int | None:
    """The position of the cell to hide next to protect the hidden ones (None if none is left).

    The smallest count of 5 or more not already hidden; a 0 only when there is no such count (it still
    stops a reader telling which cell holds the hidden count).
    """
    numbers = np.asarray(values, dtype=float)
    left = ~np.isnan(numbers)
    left[list(hidden)] = False
    large = left & (numbers >= THRESHOLD)
    pool = np.flatnonzero(large if large.any() else left)
    # the smallest value; among equal values the first, as min() over (value, position) pairs would pick
    return int(pool[np.argmin(numbers[pool])]) if pool.size else None


def _primary(values: list[float], complement_of: Sequence[float] | None) -> dict[int, str]:
    """The cells hidden for themselves: counts of 1-4 ("<5") and, given the denominators shown beside them,
    counts whose complement (denominator less count, also people) is 1-4 ("[c]": the count is not small)."""
    numbers = np.asarray(values, dtype=float)
    small = (numbers > 0) & (numbers < THRESHOLD)
    hidden = {int(i): SUPPRESSED for i in np.flatnonzero(small)}
    if complement_of is not None:
        left = _as_numbers(complement_of) - numbers  # NaN where either is missing, and NaN is never small
        for i in np.flatnonzero(~small & (left > 0) & (left < THRESHOLD)):
            hidden[int(i)] = SECONDARY
    return hidden


def _numbers(values: Sequence[float]) -> list[float]:
    return _as_numbers(values).tolist()


def _cells(values: list[float], hidden: dict[int, str]) -> list:
    return [hidden.get(i, values[i] if not np.isnan(values[i]) else None) for i in range(len(values))]


def _total_reveals(values: list[float], hidden: dict[int, str], total: float) -> bool:
    """Does total minus the shown cells leave any hidden cell only one possible value?

    What a reader knows of a hidden cell: "<5" means 1 to 4; "[c]" is never 1 to 4, taken as 5 or more (at
    most the sum; for a secondary 0 this errs towards hiding). A single hidden cell (no other cell to hide
    with it) is always given away by its total. The sum of whole-number ranges is every whole number
    between their ends, so working with the ends is exact.
    """
    numbers = np.asarray(values, dtype=float)
    shown_cells = ~np.isnan(numbers)
    shown_cells[list(hidden)] = False
    shown = sum(numbers[shown_cells].tolist())  # summed in order, as a Python sum: the same float every time
    hidden_sum = total - shown
    bounds = {i: (1.0, THRESHOLD - 1.0) if marker == SUPPRESSED else (float(THRESHOLD), max(hidden_sum, THRESHOLD))
              for i, marker in hidden.items()}
    if len(bounds) == 1:
        return True
    all_low = sum(low for low, _ in bounds.values())
    all_high = sum(high for _, high in bounds.values())
    for low, high in bounds.values():
        can_be_low = max(low, hidden_sum - (all_high - high))
        can_be_high = min(high, hidden_sum - (all_low - low))
        if can_be_high - can_be_low < 1:  # whole people: a range narrower than one leaves one value
            return True
    return False


def suppress_column(frame: pd.DataFrame, column: str, *, total: float | None = None,
                    group_by: str | Sequence[str] | None = None,
                    totals: dict | None = None, complement_of: str | None = None) -> tuple[pd.DataFrame, object]:
    """Suppress one count column of frame (object dtype after), group by group if group_by is given.

    total: the shown total of the whole column (e.g. a headline printed elsewhere), or None.
    totals: with group_by, each group's shown total by its key (missing keys: no shown total).
    complement_of: a column of the denominators shown beside the counts where the complement rule applies
    (a percentage's denominator; NaN on rows where it does not), see suppress_group.
    Returns the new frame and the total as it may be shown (a number or a marker).
    """
    out = frame.copy()
    out[column] = out[column].astype(object)
    if group_by is None:
        result = suppress_group(list(frame[column]), total,
                                list(frame[complement_of]) if complement_of else None)
        out[column] = pd.Series(result.cells, index=frame.index, dtype=object)
        return out, result.total
    shown_totals = {}
    for key, rows in frame.groupby(group_by, sort=False, dropna=False):
        group_total = (totals or {}).get(key)
        result = suppress_group(list(rows[column]), group_total,
                                list(rows[complement_of]) if complement_of else None)
        out.loc[rows.index, column] = pd.Series(result.cells, index=rows.index, dtype=object)
        shown_totals[key] = result.total
    return out, shown_totals


def follow(frame: pd.DataFrame, derived: Sequence[str], source: str) -> pd.DataFrame:
    """Hide each derived column (a rate, a share, an interval) wherever its source count is hidden."""
    out = frame.copy()
    hidden = out[source].isin(MARKERS).to_numpy(dtype=bool)
    markers = out[source].to_numpy(dtype=object)
    for column in derived:
        if column not in out:
            continue
        # whole columns at once (numpy), not .loc by row mask: a third of the time on 6,000-row tables
        out[column] = pd.Series(np.where(hidden, markers, out[column].to_numpy(dtype=object)), index=out.index,
                                dtype=object)
    return out


def count_text(value) -> str:
    """A count as hover text or a label shows it: the marker of a hidden cell, else the whole number."""
    return value if is_suppressed(value) else formats.count(value)


def hide_value(value, count) -> object:
    """A single derived figure (e.g. a headline share) given its count: the marker if the count is hidden."""
    if is_suppressed(count):
        return count
    return SUPPRESSED if is_small(count) else value


def suppress_rates(frame: pd.DataFrame, *, count: str, denominator: str, derived: Sequence[str],
                   total_shown: bool = False, complement: bool = False) -> tuple[pd.DataFrame, bool]:
    """Rows of a count over a denominator (a page's table of practices, a funnel's points) with the figures
    worked out from them (rates, intervals, significance), as they may be shown.

    1. A denominator of 1-4 is a count of people too: "<5".
    2. Each count of 1-4: "<5". With complement (a percentage: the denominator less the count is also a
       number of people, e.g. those not at home 91 days after reablement), a count that leaves 1-4 people
       by difference from its shown denominator is hidden as "[c]".
    3. total_shown (a pooled rate printed beside the denominators gives the column's total back): more
       counts are hidden ("[c]") until the total pins none of them (suppress_beside_a_shown_total).
    4. Every derived column is hidden wherever its count or its denominator is.
    Returns the rows and whether the pooled figure would still give a count away (the page must hide it).
    """
    out = frame.copy()
    small = small_mask(frame[denominator])
    out[denominator] = (frame[denominator].astype(object).where(~small, SUPPRESSED) if small.any()
                        else list(frame[denominator]))
    counts = _numbers(list(frame[count]))
    complement_of = list(frame[denominator]) if complement else None
    if total_shown:  # the complement cells are hidden before the total is checked: it could give them back
        result = suppress_beside_a_shown_total(counts, complement_of)
        cells, total_reveals = result.cells, is_suppressed(result.total)
    else:
        cells, total_reveals = suppress_group(counts, complement_of=complement_of).cells, False
    out[count] = pd.Series(cells, index=frame.index, dtype=object)
    out = follow(out, derived, count)
    return follow(out, derived, denominator), total_reveals


def people(frame: pd.DataFrame, column: str, *, derived: Sequence[str] = ()) -> pd.DataFrame:
    """Primary suppression of one column of counts with no total on its surface, and what follows it."""
    out = frame.copy()
    out[column] = frame[column].astype(object).where(~small_mask(frame[column]), SUPPRESSED)
    return follow(out, derived, column)


def hide_rates(frame: pd.DataFrame, *, rate: str = "rate", count: str = "numerator",
               out_of: str | None = None) -> pd.DataFrame:
    """A series for a chart: each rate worked out from a count of 1-4 taken out (NaN, drawn as a gap), with
    a boolean column "small" saying where, so the table behind the chart can show the marker there, and
    "small_marker", the marker to show.

    out_of: for a percentage, the column of people the count is out of. Those not counted are people too,
    so a rate that leaves 1-4 of them (32 of 35 at home: 3 not) is hidden as well, marked SECONDARY, as
    suppress_group's complement rule hides it in the downloads (whose CSV prints the denominator).
    """
    small = pd.Series(small_mask(frame[count]), index=frame.index)
    left = pd.Series(False, index=frame.index)
    if out_of is not None:
        left = complement_is_small(frame[count], frame[out_of]) & ~small
    return frame.assign(small=small | left, small_marker=np.where(left, SECONDARY, SUPPRESSED),
                        **{rate: frame[rate].where(~(small | left))})


def complement_is_small(counts: pd.Series, out_of: pd.Series) -> pd.Series:
    """Where a count leaves 1-4 people of those it is out of (for a percentage's complement rule)."""
    left = numeric(out_of) - numeric(counts)
    return (left > 0) & (left < THRESHOLD)


def marked(values: pd.Series, small: pd.Series, markers: pd.Series | None = None) -> pd.Series:
    """A column for a table: the values, with the marker where small is True (each row's own marker from
    markers, as hide_rates gives them, else SUPPRESSED)."""
    out = pd.Series(list(values), index=values.index, dtype=object)
    small = small.astype(bool)
    out[small] = SUPPRESSED if markers is None else markers[small]
    return out


def parts_of_a_shown_total(frame: pd.DataFrame, column: str, *, derived: Sequence[str] = (),
                           groups: Sequence[Sequence[bool]] = ()) -> pd.DataFrame:
    """Counts of people in the parts of something whose total is printed or public (a practice's list by
    age band, by council, by LSOA), small counts hidden.

    With one part hidden the next-smallest is hidden too (suppress_beside_a_shown_total): the total stays.
    groups: masks of further sets of parts whose own total is printed (e.g. the 65+ bands beside "aged 65
    or over"); a cell hidden for any group stays hidden.
    """
    counts = list(frame[column])
    cells = suppress_beside_a_shown_total(counts).cells
    for mask in groups:
        positions = [i for i, inside in enumerate(mask) if inside]
        for i, cell in zip(positions, suppress_beside_a_shown_total([counts[i] for i in positions]).cells):
            if is_suppressed(cell) and not is_suppressed(cells[i]):
                cells[i] = cell
    out = frame.copy()
    out[column] = pd.Series(cells, index=frame.index, dtype=object)
    return follow(out, list(derived), column)


def parts_of_shown_totals(frame: pd.DataFrame, column: str, *, by: str, derived: Sequence[str] = ()) -> pd.DataFrame:
    """parts_of_a_shown_total for each set of rows sharing `by` (each set the parts of its own public total:
    every practice's patients by council), all at once. Only the sets holding a count of 1-4 have anything
    to hide, so only they are worked through one by one: at England scale a few of 6,300 practices."""
    out = frame.copy()
    numbers = _as_numbers(frame[column])
    cells = pd.Series(np.where(np.isnan(numbers), None, numbers.astype(object)), index=frame.index, dtype=object)
    hiding = frame[by].isin(frame.loc[small_mask(frame[column]), by].unique())
    for _, rows in frame[hiding].groupby(by, sort=False):
        cells[rows.index] = parts_of_a_shown_total(rows, column)[column]
    out[column] = cells
    return follow(out, list(derived), column)
