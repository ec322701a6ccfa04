"""The parallel-trends picture behind the impact estimate: adopters against their comparison line.

For each outcome and area that mart_joint_working_impact estimates, the adopting practices' rate by
quarter from adoption (8 quarters before to 8 after), beside the same practices' rate as the
untreated model predicts it from the never-adopters' and not-yet adopters' months (practice and month
effects, etl/stats/did.py). Before adoption the two lines should move together: the model's practice
effect matches their levels, so a gap that opens or closes before quarter 0 is a pre-trend. After
adoption the gap is the effect. Both are indexed to 100 over the quarters before adoption.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.impact import area_panels, setting
from etl.stats.did import event_time, impute

READS = ("int_joint_working__impact_panel", "ref_indicators")
QUARTERS = range(-8, 8)
MONTHS_PER_QUARTER = 3


def build(con) -> pd.DataFrame:
    minimum = int(setting(con, "impact_min_practices"))
    multipliers = dict(con.execute("select indicator_id, multiplier from ref_indicators").fetchall())
    frames = []
    for area in area_panels(con):
        panel = area.panel
        never = int(((panel.adoption < 0) & panel.observed.any(axis=1)).sum())
        if panel.adopters.sum() < minimum or never < minimum:
            continue
        fit = impute(panel, reps=0)
        bins = event_time(panel, fit.fitted, MONTHS_PER_QUARTER, QUARTERS)
        # a year's rate in the measure's own unit (per 1,000 or per 100,000)
        per = multipliers.get(area.outcome, 1000.0) * 12
        adopters = bins["observed"] / bins["exposure"] * per
        comparison = bins["expected"] / bins["exposure"] * per
        before = np.array(QUARTERS) < 0
        frames.append(pd.DataFrame({
            "outcome": area.outcome, "area_type": area.area_type, "area_code": area.area_code,
            "quarters_from_adoption": list(QUARTERS),
            "adopters_rate": adopters, "comparators_rate": comparison,
            "adopters_index": 100 * adopters / np.nanmean(adopters[before]),
            "comparators_index": 100 * comparison / np.nanmean(comparison[before]),
            "adopters_practices": bins["practices"],
        }))
    if not frames:
        return pd.DataFrame(columns=list(TYPES)).astype(TYPES)
    return pd.concat(frames, ignore_index=True).astype(TYPES)


# Typed, so the table has the same column types when no area has enough practices to estimate.
TYPES = {"outcome": "string", "area_type": "string", "area_code": "string", "quarters_from_adoption": "int64",
         "adopters_rate": "float64", "comparators_rate": "float64", "adopters_index": "float64",
         "comparators_index": "float64", "adopters_practices": "float64"}
