"""The SPC reading of each headline measure's latest month, for every council, sub-ICB and PCN.

Read as the pages read a series (etl/changes.py `readings`: the SPC rules of etl/stats/spc.py, seasonally
adjusted where the measure is). Kept so that the next build's What changed (mart_changes) compares with this
release's readings without reading its series again.
"""

from __future__ import annotations

import pandas as pd

from etl import changes

READS = ("mart_outcomes_council", "mart_outcomes_practice", "dim_practice", "mart_seasonal_index", "ref_indicators")


def build(con) -> pd.DataFrame:
    return changes.readings(con, con.execute("select current_database()").fetchall()[0][0])
