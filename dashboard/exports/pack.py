"""The practice pack's figures: every practice serving one council's residents, read set-based.

Seven queries (dashboard/queries/exports_pack__*.sql) each return the rows for ALL the practices at once
(a large county is served by about 300), so the pack costs the same few queries whatever its size;
SPC runs once per practice and measure on the monthly series (numpy, well under a millisecond each),
and the confidence intervals for every practice in one vectorised call per kind of measure.

Suppression (dashboard.suppression.RULE), as in the summary:
* patients by practice and area form a table with totals printed both ways: each practice's list size
  (the total of its areas), and on the contents page the council's residents (the total of its column over
  every practice with any of them, serving or not) and those at practices based elsewhere. The rule is
  applied to all of these groups together and repeated until nothing changes (`suppress_crosswise`), since
  a cell hidden to protect one group can leave another group with a single hidden cell. Shares follow.
* the year's numerator of each outcome: 1 to 4 is hidden, and the rate and its interval with it.
The SPC status is shown whatever the counts: it says which side of the usual range the latest month
lies, and gives no count away.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import suppression
from dashboard.components import comparison
from dashboard.components import spc as spc_view
from dashboard.db import run_query
from dashboard.exports import funnel_limits
from etl.stats import funnels, intervals, spc

AREAS_SHOWN = 5  # areas drawn one by one on a practice's page; the rest are added up
NO_SPC = "too_few_points"


class UnknownCouncil(LookupError):
    """The code is not a council with registrations (the route answers 404 with this message)."""


@dataclass
class Pack:
    council: dict  # one row of exports_pack__council, its residents' totals suppressed
    practices: pd.DataFrame  # exports_pack__practices, list size and council residents suppressed
    areas: pd.DataFrame  # exports_pack__areas, suppressed
    outcomes: pd.DataFrame  # exports_pack__outcomes with ci_low, ci_high, ci_method, council_reading,
    #                         council_limits, spc_variation; suppressed
    joint_working: pd.DataFrame  # exports_pack__joint_working


def gather(council_code: str, period: str) -> Pack:
    params = {"council": str(council_code).strip().upper(), "period": period}
    council = run_query("exports_pack__council", **params)
    if council.empty:
        raise UnknownCouncil(f"No council with GP registrations has the code '{council_code}'.")
    council, practices, areas = _suppress_registrations(
        council.iloc[0].to_dict(), run_query("exports_pack__practices", **params),
        run_query("exports_pack__areas", **params), run_query("exports_pack__council_residents", **params))
    outcomes = run_query("exports_pack__outcomes", **params)
    outcomes = _with_council_reading(_with_intervals(outcomes))
    outcomes = _suppressed_outcomes(_with_spc(outcomes, run_query("exports_pack__monthly", **params)))
    return Pack(council=council, practices=practices, areas=areas, outcomes=outcomes,
                joint_working=run_query("exports_pack__joint_working", **params))


Key = tuple[str, str]  # (practice code, area code)


def suppress_crosswise(values: dict[Key, float], groups: list[tuple[list[Key], float]]
                       ) -> tuple[dict[Key, str], list[object]]:
    """THE rule over cells that belong to several groups, each with a printed total.

    Primary: every count from 1 to 4 is hidden ("<5"). Secondary, repeated until nothing changes: a group
    with exactly one hidden cell has its smallest other cell hidden too ("[c]"). Then each total is shown
    unless it is itself 1 to 4 or it still pins a hidden cell down (suppression's own test).
    Returns the hidden cells' markers and each group's total as it may be shown.
    """
    hidden = {key: suppression.SUPPRESSED for key, value in values.items() if suppression.is_small(value)}
    changed = True
    while changed:
        changed = False
        for keys, _total in groups:
            if sum(key in hidden for key in keys) != 1:
                continue
            # the smallest count of 5 or more (a hidden 0 protects nothing once "[c]" is known not to be 1-4)
            position = suppression.next_secondary([values[key] for key in keys],
                                                  {i: hidden[key] for i, key in enumerate(keys) if key in hidden})
            if position is not None:
                hidden[keys[position]] = suppression.SECONDARY
                changed = True
    totals = []
    for keys, total in groups:
        markers = {i: hidden[key] for i, key in enumerate(keys) if key in hidden}
        if suppression.is_small(total):
            totals.append(suppression.SUPPRESSED)
        elif markers and suppression._total_reveals([values[key] for key in keys], markers, float(total)):
            totals.append(suppression.SECONDARY)
        else:
            totals.append(total)
    return hidden, totals


def _suppress_registrations(council: dict, practices: pd.DataFrame, areas: pd.DataFrame,
                            column: pd.DataFrame) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """The council's totals, the practices (list size, council residents) and their areas, suppressed."""
    code = council["council_code"]
    values = {(p, a): float(n) for p, a, n in zip(areas["practice_code"], areas["area_code"], areas["patients"])}
    values.update({(p, code): float(n) for p, n in zip(column["practice_code"], column["patients"])})
    by_practice = {p: [(p, a) for a in rows["area_code"]] for p, rows in areas.groupby("practice_code", sort=False)}
    groups = [(keys, sum(values[key] for key in keys)) for keys in by_practice.values()]
    elsewhere = column.loc[column["based_elsewhere"].fillna(True).astype(bool), "practice_code"]
    groups.append(([(p, code) for p in column["practice_code"]], council["residents_registered"]))
    groups.append(([(p, code) for p in elsewhere], council["residents_at_practices_elsewhere"]))
    hidden, totals = suppress_crosswise(values, groups)

    areas = areas.astype({"patients": object, "share": object})
    for index, key in enumerate(zip(areas["practice_code"], areas["area_code"])):
        if key in hidden:
            areas.iloc[index, areas.columns.get_loc("patients")] = hidden[key]
            areas.iloc[index, areas.columns.get_loc("share")] = hidden[key]
    list_sizes = dict(zip(by_practice, totals))
    practices = practices.astype({"list_size": object, "council_residents": object})
    practices["list_size"] = [list_sizes.get(p, size) for p, size in zip(practices["practice_code"],
                                                                          practices["list_size"])]
    council_cells = areas[areas["area_code"] == code].set_index("practice_code")
    practices["council_residents"] = [hidden.get((p, code), n) for p, n in zip(practices["practice_code"],
                                                                               practices["council_residents"])]
    practices["council_share_of_list"] = [council_cells["share"].get(p, np.nan) for p in practices["practice_code"]]
    shown = {**council, "residents_registered": totals[-2], "residents_at_practices_elsewhere": totals[-1]}
    return shown, practices, areas


def _with_intervals(outcomes: pd.DataFrame) -> pd.DataFrame:
    """95% intervals for every practice and measure at once: Wilson for percentages, Fingertips' Poisson
    rule (exact below 10 events, Byar from 10) for rates."""
    out = outcomes.assign(ci_low=np.nan, ci_high=np.nan, ci_method="")
    usable = out["denominator"].fillna(0) > 0
    percent = usable & (out["unit"] == "%")
    rates = usable & (out["unit"] != "%")
    if percent.any():
        rows = out[percent]
        low, high = intervals.wilson(np.minimum(rows["numerator"], rows["denominator"]), rows["denominator"])
        out.loc[percent, "ci_low"] = np.asarray(low) * rows["multiplier"].to_numpy()
        out.loc[percent, "ci_high"] = np.asarray(high) * rows["multiplier"].to_numpy()
        out.loc[percent, "ci_method"] = intervals.WILSON
    if rates.any():
        rows = out[rates]
        low, high = intervals.rate(rows["numerator"].to_numpy(), rows["denominator"].to_numpy(),
                                   per=rows["multiplier"].to_numpy())
        out.loc[rates, "ci_low"] = np.atleast_1d(low)
        out.loc[rates, "ci_high"] = np.atleast_1d(high)
        out.loc[rates, "ci_method"] = np.atleast_1d(intervals.poisson_method(rows["numerator"].to_numpy()))
    return out


def _with_council_reading(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Each practice's year against its council's residents, said by components/comparison.py: the size, and
    apart whether it lies outside the funnel limits around the council's rate. The limits are PHE's unless
    the pack's practices differ by more than chance, when they are widened by Spiegelhalter's method, as
    on the pages' funnels (funnels.overdispersion over every practice in the pack with that measure).

    council_limits says which, in the workbook's words (funnel_limits.words: "Widened for overdispersion
    (...)" or "PHE's (...)"), the same for every practice of a measure; the pack's "How to read" note names
    the measures judged against widened limits."""
    readings = pd.Series(None, index=outcomes.index, dtype=object)
    limits = pd.Series(None, index=outcomes.index, dtype=object)
    for _, rows in outcomes.groupby("measure_id", sort=False):
        first = rows.iloc[0]
        council, factor = first.get("council_rate"), first["multiplier"]
        usable = rows[(rows["denominator"].fillna(0) > 0) & rows["numerator"].notna()]
        if usable.empty or pd.isna(council) or pd.isna(factor):
            continue
        proportion = first["unit"] == "%"
        numerator, denominator = usable["numerator"].to_numpy(float), usable["denominator"].to_numpy(float)
        if proportion:
            numerator = np.minimum(numerator, denominator)
        kind = funnels.PROPORTION if proportion else funnels.RATE
        dispersion = funnels.overdispersion(numerator, denominator, council / factor, kind)
        labels = dispersion.significance(numerator, denominator)
        limits[rows.index] = funnel_limits.words(dispersion)
        for index, label, rate in zip(usable.index, labels, usable["rate"]):
            readings[index] = comparison.said(rate, council, label=str(label), polarity=first["polarity"],
                                              unit=first["unit"])
    return outcomes.assign(council_reading=readings, council_limits=limits)


def _with_spc(outcomes: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """The SPC variation of each practice's monthly series, read as the pages read it (spc_view.reading:
    seasonal measures seasonally adjusted; too_few_points under spc_view.MIN_POINTS)."""
    polarity = dict(zip(outcomes["measure_id"], outcomes["polarity"]))
    status = {}
    monthly = monthly[np.isfinite(monthly["rate"].astype(float))]
    for (practice, measure), series in monthly.groupby(["practice_code", "measure_id"], sort=False):
        read = spc_view.reading(list(series["period_start"]), series["rate"].to_numpy(),
                                improvement=spc.improvement_for(polarity.get(measure)), measure_id=measure)
        if read is not None:
            status[(practice, measure)] = read.result.variation
    out = outcomes.copy()
    out["spc_variation"] = [status.get(key, NO_SPC) for key in zip(out["practice_code"], out["measure_id"])]
    return out


def _suppressed_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The year's numerator hidden when 1 to 4 (no total of it is printed), the rate and interval with it.

    For a percentage the denominator less the numerator is a number of people too (those not at home 91
    days after reablement): when that is 1 to 4 the numerator is hidden as "[c]", as on the pages
    (suppression.suppress_rates with complement)."""
    derived = ["rate", "ci_low", "ci_high", "council_reading"]
    percent = outcomes["unit"] == "%"
    parts = [suppression.suppress_rates(outcomes[rows], count="numerator", denominator="denominator",
                                        derived=derived, complement=complement)[0]
             for rows, complement in ((percent, True), (~percent, False)) if rows.any()]
    return pd.concat(parts).loc[outcomes.index] if parts else outcomes
