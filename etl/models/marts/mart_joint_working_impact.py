"""The measured impact of joint working: one staggered difference-in-differences per outcome and area.

For each outcome with a unit cost and each area (all practices, each ICB, each council a practice is
based in), etl/stats/did.py estimates the % change in the adopting practices' counts after they
joined, against what the never-adopters' and not-yet adopters' months predict, with a 95% cluster
bootstrap interval, and a placebo estimate a year before adoption as the pre-trend check.

The implied annual change applies the % change to the adopters' counterfactual over the panel's
latest 12 months (what they would have had without joint working), so it carries the interval too;
the cost multiplies it by the outcome's unit cost (etl/reference/unit_costs.csv, source and price
year stated there). Areas with too few adopting or never-adopting practices get a row that says so.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from etl import settings
from etl.impact import area_panels, setting
from etl.stats.did import BLAS, METHOD, impute, placebo

READS = ("int_joint_working__impact_panel", "ref_unit_costs", "ref_indicators")
YEAR = 12  # months


def build(con) -> pd.DataFrame:
    reps = int(setting(con, "impact_bootstrap_reps"))
    seed = int(setting(con, "impact_bootstrap_seed"))
    minimum = int(setting(con, "impact_min_practices"))
    lead = int(setting(con, "impact_placebo_lead_months"))
    costs = con.execute("select * from ref_unit_costs").df().set_index("measure_id")
    names = dict(con.execute("select indicator_id, name from ref_indicators").fetchall())
    def estimated(area) -> dict:
        cost = costs.loc[area.outcome]
        row = {
            "outcome": area.outcome, "outcome_name": names.get(area.outcome, area.outcome),
            "area_type": area.area_type, "area_code": area.area_code, "area_name": area.area_name,
            "periods": len(area.months), "first_month": area.months[0].date(), "last_month": area.months[-1].date(),
            "unit_cost_gbp": float(cost["unit_cost_gbp"]), "cost_unit": cost["cost_unit"],
            "unit_cost_source": f"{cost['source']} ({cost['publisher']}, {cost['price_year']} prices)",
            "method": METHOD, "bootstrap_reps": reps,
        }
        return row | _estimate(area, reps, seed, minimum, lead, row["unit_cost_gbp"])

    # The areas are independent fits, each with its own generator from the seed, so they run side by
    # side (numpy lets go of the GIL in its array work) and the rows are the same in any order. BLAS is
    # held at one thread for the whole run, so no fit's own limit is undone by another finishing first.
    with BLAS.limit(limits=1, user_api="blas"), \
            ThreadPoolExecutor(max_workers=settings.get_int("JOINTCARE_THREADS")) as pool:
        rows = list(pool.map(estimated, area_panels(con)))
    return pd.DataFrame(rows, columns=list(TYPES)).astype(TYPES)


def _estimate(area, reps: int, seed: int, minimum: int, lead: int, unit_cost: float) -> dict:
    panel = area.panel
    never = int(((panel.adoption < 0) & panel.observed.any(axis=1)).sum())
    adopting = int(panel.adopters.sum())
    if adopting < minimum or never < minimum:
        return {"practices_adopting": adopting, "practices_comparison": never,
                "note": f"Not estimated: {adopting} adopting and {never} never-adopting practices with data; "
                        f"the model needs at least {minimum} of each."}
    fit = impute(panel, reps=reps, seed=seed)
    check = placebo(panel, lead=lead, reps=reps, seed=seed)
    latest = np.zeros(panel.events.shape, dtype=bool)
    latest[:, -YEAR:] = True
    counterfactual_year = float(np.nansum(np.where(fit.used & latest, fit.fitted, 0.0)))
    change = [(r - 1.0) * counterfactual_year for r in (fit.ratio, fit.ci_low, fit.ci_high)]
    low_pct, high_pct = fit.ci_pct
    placebo_low, placebo_high = check.ci_pct
    return {
        "effect_pct": fit.effect_pct, "ci_low_pct": low_pct, "ci_high_pct": high_pct,
        "practices_adopting": fit.adopters, "practices_comparison": fit.comparators,
        "treated_events": fit.observed, "counterfactual_events": fit.expected,
        "treated_cells_left_out": fit.dropped_cells,
        "annual_counterfactual": counterfactual_year,
        "annual_activity_change": change[0], "annual_activity_change_low": change[1],
        "annual_activity_change_high": change[2],
        "annual_cost_change_gbp": change[0] * unit_cost, "annual_cost_change_low_gbp": change[1] * unit_cost,
        "annual_cost_change_high_gbp": change[2] * unit_cost,
        "placebo_pct": check.effect_pct, "placebo_ci_low_pct": placebo_low, "placebo_ci_high_pct": placebo_high,
        "note": None,
    }


# Typed, so the table has the same column types whether or not any area could be estimated.
TEXT, NUMBER, COUNT = "string", "float64", "Int64"
TYPES = {
    "outcome": TEXT, "outcome_name": TEXT, "area_type": TEXT, "area_code": TEXT, "area_name": TEXT,
    "effect_pct": NUMBER, "ci_low_pct": NUMBER, "ci_high_pct": NUMBER, "practices_adopting": COUNT,
    "practices_comparison": COUNT, "periods": COUNT, "first_month": "object", "last_month": "object",  # dates
    "treated_events": NUMBER, "counterfactual_events": NUMBER, "treated_cells_left_out": COUNT,
    "annual_counterfactual": NUMBER, "annual_activity_change": NUMBER, "annual_activity_change_low": NUMBER,
    "annual_activity_change_high": NUMBER, "annual_cost_change_gbp": NUMBER, "annual_cost_change_low_gbp": NUMBER,
    "annual_cost_change_high_gbp": NUMBER, "unit_cost_gbp": NUMBER, "cost_unit": TEXT, "unit_cost_source": TEXT,
    "placebo_pct": NUMBER, "placebo_ci_low_pct": NUMBER, "placebo_ci_high_pct": NUMBER, "method": TEXT,
    "bootstrap_reps": COUNT, "note": TEXT,
}
