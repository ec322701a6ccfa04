"""What changed since the previous release, with the previous release's entries carried forward.

The rules and the comparison are in etl/changes.py; this file is the model the build runs. The build
attaches the warehouse it is about to replace as `previous` (read-only) when there is one, and names this
build in the variables build_id and built_at, so the entries carry the release they came with.
"""

from __future__ import annotations

import pandas as pd

from etl import changes

# The new release's tables it compares (the previous release's are read through the attached `previous`).
READS = ("dim_practice", "dim_council", "dim_sub_icb", "mart_spc_latest", "mart_outcomes_council",
         "mart_outcomes_practice", "mart_seasonal_index", "mart_catchment_practice", "mart_bcf_summary",
         "ref_indicators")


def build(con) -> pd.DataFrame:
    built_at, build_id = con.execute("select getvariable('built_at'), getvariable('build_id')").fetchall()[0]
    return changes.changes(con, built_at=built_at, build_id=build_id)
