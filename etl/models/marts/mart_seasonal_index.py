"""Each seasonal measure's month-of-year index, from every practice's patients together.

Measures whose definition file says `seasonal: true` get twelve rows: the index of each calendar month
(etl/stats/seasonal.py: ratio to the centred 12-month moving average, averaged by calendar month, scaled
to average 1) and X-11's test for stable seasonality. The index comes from the pooled series of all the
practices in the warehouse (England's, at England scale), not from each practice or council: a practice's
own 60 months could not tell a season from chance, and a yearly pattern in illness and weather is shared.
`adjusted` says whether the charts use it: the measure is declared seasonal, there are enough months,
and the test finds the pattern; otherwise `note` says why not.
"""

from __future__ import annotations

import calendar

import pandas as pd

from etl.stats import seasonal

READS = ("mart_outcomes_practice", "ref_indicators")


def build(con) -> pd.DataFrame:
    declared = con.execute(
        "select indicator_id, name from ref_indicators where seasonal order by indicator_id").fetchall()
    pooled = con.execute("""
        select measure_id, period_start, sum(numerator) as numerator, sum(denominator) as denominator
        from mart_outcomes_practice
        where period_type = 'month' and denominator > 0
        group by measure_id, period_start
        order by measure_id, period_start
    """).df()
    rows = []
    for measure_id, name in declared:
        series = pooled[pooled["measure_id"] == measure_id]
        rows += _measure_rows(measure_id, name, series)
    return pd.DataFrame(rows, columns=list(TYPES)).astype(TYPES)


def _measure_rows(measure_id: str, name: str, series: pd.DataFrame) -> list[dict]:
    months = pd.to_datetime(series["period_start"]).tolist()
    rates = (series["numerator"] / series["denominator"]).to_numpy(float)
    base = {"measure_id": measure_id, "measure_name": name, "months": len(months),
            "first_month": months[0].date() if months else None, "last_month": months[-1].date() if months else None,
            "method": seasonal.METHOD}
    try:
        found = seasonal.estimate(months, rates)
    except ValueError as why:
        return [base | {"calendar_month": month, "month_name": calendar.month_name[month], "seasonal_index": 1.0,
                        "adjusted": False, "note": f"Not adjusted: {why}."} for month in range(1, 13)]
    note = None if found.stable else (
        f"Not adjusted: the month-of-year pattern is within chance (F = {found.f_statistic:.2f}, "
        f"p = {found.p_value:.3f}; X-11 asks for p below {seasonal.SIGNIFICANCE}).")
    return [base | {"calendar_month": month, "month_name": calendar.month_name[month],
                    "seasonal_index": found.index[month], "ratios": found.ratios,
                    "f_statistic": found.f_statistic, "p_value": found.p_value,
                    "adjusted": found.stable, "note": note} for month in range(1, 13)]


# Typed, so the table has the same column types whether or not any measure is seasonal.
TYPES = {
    "measure_id": "string", "measure_name": "string", "calendar_month": "Int64", "month_name": "string",
    "seasonal_index": "float64", "months": "Int64", "ratios": "Int64", "f_statistic": "float64",
    "p_value": "float64", "adjusted": "boolean", "first_month": "object", "last_month": "object",
    "method": "string", "note": "string",
}
