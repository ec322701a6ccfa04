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
    # The cells come as arrays, sorted, and are placed by position; a practice's ICB, council and adoption
    # (the same in each of its rows) come once. As one DataFrame, pivoted, the same cost a second a build, twice.
    cells = con.execute(f"select outcome, practice_code, month, events, exposure from {PANEL_TABLE} "
                        "order by outcome, practice_code, month").fetchnumpy()
    practices_of = con.execute(
        "select outcome, practice_code, any_value(adoption_month) as adoption_month, "
        + ", ".join(f"any_value({column}) as {column}" for _, *columns in AREA_LEVELS[1:] for column in columns)
        + f" from {PANEL_TABLE} group by outcome, practice_code order by outcome, practice_code").df()
    outcomes = cells["outcome"]
    if not len(outcomes):
        return
    starts = np.flatnonzero(np.r_[True, outcomes[1:] != outcomes[:-1]])
    for start, end in zip(starts, [*starts[1:], len(outcomes)]):
        outcome = outcomes[start]
        codes = cells["practice_code"][start:end]
        new_practice = np.r_[True, codes[1:] != codes[:-1]]
        row_practice = np.cumsum(new_practice) - 1
        month = cells["month"][start:end]
        months = pd.DatetimeIndex(np.unique(month))
        row_month = months.searchsorted(month)
        events, exposure = (np.full((int(new_practice.sum()), len(months)), np.nan) for _ in range(2))
        events[row_practice, row_month] = cells["events"][start:end]
        exposure[row_practice, row_month] = cells["exposure"][start:end]
        practices = practices_of[practices_of["outcome"] == outcome]
        adoption = _adoption_index(practices["adoption_month"], months)
        for area_type, code_column, name_column in AREA_LEVELS:
            if code_column is None:
                groups = [(ALL_PRACTICES, np.arange(len(practices)))]
            else:
                members: dict[tuple[str, str], list[int]] = {}
                for position, (code, name) in enumerate(zip(practices[code_column], practices[name_column])):
                    if not pd.isna(code):
                        members.setdefault((code, name), []).append(position)
                groups = [(key, np.array(members[key])) for key in sorted(members)]
            for (code, name), positions in groups:
                panel = Panel(events[positions], exposure[positions], adoption[positions])
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
