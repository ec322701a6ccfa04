"""Which funnel limits a comparison was judged against, in words: one cell per row, and one note per table.

A comparison (the summary's against similar areas, the pack's practice against its council) is judged
against PHE's funnel limits, or against limits widened by Spiegelhalter's method when the units it pools
differ by more than chance (etl.stats.funnels.overdispersion). `words` writes that into a row's Limits
cell (the workbook's Comparison sheet, the CSV, the pack's outcomes); `note` reads the cells of a table
back into the sentence printed under it in the PDFs. Both live here because `note` recognises the cells
by how `words` begins them.
"""

from __future__ import annotations

import pandas as pd

from dashboard.exports import narrative
from etl.stats import funnels

WIDENED = "Widened for overdispersion"
PHE = "PHE's"
# where the summary PDF sends a reader for the units and the overdispersion factor behind each row
WORKBOOK_FACTORS = " (the workbook's Comparison sheet gives the overdispersion factors)"


def words(dispersion: funnels.Overdispersion | None) -> str | None:
    """'Widened for overdispersion (Spiegelhalter; 10 units, overdispersion factor 2.3)' or "PHE's (why)";
    None when there was nothing to test."""
    if dispersion is None:
        return None
    if dispersion.widened:
        return f"{WIDENED} (Spiegelhalter; {dispersion.units:,} units, overdispersion factor {dispersion.phi:.1f})"
    return f"{PHE} ({dispersion.reason})"


def note(frame: pd.DataFrame, factors: str = WORKBOOK_FACTORS) -> str:
    """' Limits: widened for overdispersion for A&E attendances; PHE's for ...': which limits each row (its
    `name` and `limits` cells) was judged against; `factors` says where the units and factors are given."""
    if "limits" not in frame:
        return ""
    widened = [narrative.lower_first(str(name)) for name, limits in zip(frame["name"], frame["limits"])
               if isinstance(limits, str) and limits.startswith(WIDENED)]
    plain = [narrative.lower_first(str(name)) for name, limits in zip(frame["name"], frame["limits"])
             if isinstance(limits, str) and limits.startswith(PHE)]
    if not widened:
        return " Limits: PHE's." if plain else ""
    parts = [f"widened for overdispersion for {narrative.names_list(widened)}"] + \
            ([f"PHE's for {narrative.names_list(plain)}"] if plain else [])
    return " Limits: " + "; ".join(parts) + factors + "."
