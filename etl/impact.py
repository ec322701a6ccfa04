"""The impact model's panels: the warehouse's monthly counts shaped as practice-by-month arrays.

The two Python marts (mart_joint_working_impact, mart_joint_working_pretrends) read
int_joint_working__impact_panel through here, so both fit exactly the same panels: one per outcome
for all practices, for each ICB and for each council a practice is based in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from etl.stats.did import NEVER, Panel

PANEL_TABLE = "int_joint_working__impact_panel"
AREA_LEVELS = (("all", None, None), ("icb", "icb_code", "icb_name"), ("council", "council_code", "council_name"))
ALL_PRACTICES = ("ALL", "All practices in the data")


@dataclass(frozen=True)
class AreaPanel:
    outcome: str
    area_type: str  # all, icb or council
    area_code: str
    area_name: str
    panel: Panel
    months: pd.DatetimeIndex


def setting(con: duckdb.DuckDBPyConnection, name: str) -> float:
    """A method constant from etl/method.yml (the build sets each as a DuckDB variable)."""
    # fetchall, not fetchone: DuckDB 2 keeps a result read with fetchone open, and the connection's next
    # statement would be refused
    return con.execute(f"select getvariable('{name}')").fetchall()[0][0]


def area_panels(con: duckdb.DuckDBPyConnection) -> Iterator[AreaPanel]:
    frame = con.execute(f"select * from {PANEL_TABLE}").df()
    for outcome, rows in frame.groupby("outcome", sort=True):
        months = pd.DatetimeIndex(sorted(rows["month"].unique()))
        events = rows.pivot(index="practice_code", columns="month", values="events").reindex(columns=months)
        exposure = rows.pivot(index="practice_code", columns="month", values="exposure").reindex(columns=months)
        practices = rows.drop_duplicates("practice_code").set_index("practice_code").loc[events.index]
        adoption = _adoption_index(practices["adoption_month"], months)
        for area_type, code_column, name_column in AREA_LEVELS:
            if code_column is None:
                groups = [(ALL_PRACTICES, np.ones(len(practices), dtype=bool))]
            else:
                known = practices[code_column].notna()
                groups = [((code, name), ((practices[code_column] == code) & known).to_numpy())
                          for (code, name), _ in practices[known].groupby([code_column, name_column], sort=True)]
            for (code, name), members in groups:
                panel = Panel(events.to_numpy(dtype=float)[members], exposure.to_numpy(dtype=float)[members],
                              adoption[members])
                yield AreaPanel(str(outcome), area_type, str(code), str(name), panel, months)


def _adoption_index(adoption_month: pd.Series, months: pd.DatetimeIndex) -> np.ndarray:
    """Each practice's first treated month as a position in `months`; NEVER for practices that never
    joined or joined after the last month. A practice that joined before the first month is treated
    throughout and has no months to compare with: position 0, and the model leaves it out."""
    when = pd.to_datetime(adoption_month)
    position = np.full(len(when), NEVER, dtype=np.int64)
    joined = when.notna().to_numpy()
    position[joined] = months.searchsorted(when[joined].to_numpy())
    position[position >= len(months)] = NEVER
    return position
