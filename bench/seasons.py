"""How often SPC charts cry wolf, before and after seasonal adjustment (issue 12, part 2).

For every monthly series of a seasonal measure (mart_seasonal_index.adjusted) of each never-adopting
practice (no quarter with an attached social worker: nothing was done there, so a special cause month
there is most likely the seasons) and of each council, the share of months the XmR chart marks special
cause, on the raw rates (as before this change) and on the seasonally adjusted rates (as the pages now
chart them), with the same etl.stats functions the pages call. Also the number of times a series'
special-cause story flips between concerning and improving (winter, summer, winter ...).

    python -m bench.seasons                      # the England-scale warehouse of bench/out/england
    python -m bench.seasons --db PATH            # any warehouse, e.g. the demo's data/warehouse.duckdb
"""

from __future__ import annotations

import argparse
import os

import duckdb
import numpy as np
import pandas as pd

from bench.catchment import DB, SCALE, ensure_warehouse
from etl.stats import seasonal, spc

MIN_POINTS = 12  # dashboard/components/spc.py MIN_POINTS
PRACTICE_SERIES = """
    select 'never-adopting practices' as entity, outcomes.practice_code as code, outcomes.measure_id,
        outcomes.period_start, outcomes.rate, indicators.polarity
    from mart_outcomes_practice as outcomes
    inner join ref_indicators as indicators on indicators.indicator_id = outcomes.measure_id
    where outcomes.period_type = 'month' and outcomes.rate is not null
        and outcomes.measure_id in (select measure_id from mart_seasonal_index where adjusted)
        and outcomes.practice_code not in (
            select practice_code from mart_joint_working_index where has_attached_social_worker)
"""
COUNCIL_SERIES = """
    select 'councils' as entity, outcomes.council_code as code, outcomes.measure_id, outcomes.period_start,
        outcomes.rate, indicators.polarity
    from mart_outcomes_council as outcomes
    inner join ref_indicators as indicators on indicators.indicator_id = outcomes.measure_id
    where outcomes.period_type = 'month' and outcomes.rate is not null
        and outcomes.measure_id in (select measure_id from mart_seasonal_index where adjusted)
"""


def flips(point_type: np.ndarray) -> int:
    """Times the special cause points change between improvement and concern along the series."""
    special = [kind for kind in point_type if kind in (spc.IMPROVEMENT, spc.CONCERN)]
    return sum(1 for before, after in zip(special, special[1:]) if before != after)


def measure(con) -> pd.DataFrame:
    index = con.execute("select measure_id, calendar_month, seasonal_index from mart_seasonal_index "
                        "where adjusted").df()
    indices = {measure_id: dict(zip(rows["calendar_month"].astype(int), rows["seasonal_index"]))
               for measure_id, rows in index.groupby("measure_id")}
    series = pd.concat([con.execute(PRACTICE_SERIES).df(), con.execute(COUNCIL_SERIES).df()])
    series = series.sort_values(["entity", "measure_id", "code", "period_start"])
    rows = []
    for (entity, measure_id, _code), one in series.groupby(["entity", "measure_id", "code"], sort=False):
        if len(one) < MIN_POINTS:
            continue
        months = list(one["period_start"])
        improvement = spc.improvement_for(one["polarity"].iloc[0])
        raw = spc.xmr(one["rate"].to_numpy(float), improvement=improvement)
        adjusted = spc.xmr(seasonal.adjust(months, one["rate"], indices[measure_id]), improvement=improvement)
        rows.append({"entity": entity, "measure_id": measure_id, "months": len(one),
                     "raw_special": int((raw.point_type != spc.COMMON).sum()),
                     "adjusted_special": int((adjusted.point_type != spc.COMMON).sum()),
                     "raw_flips": flips(raw.point_type), "adjusted_flips": flips(adjusted.point_type)})
    return pd.DataFrame(rows)


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    grouped = frame.groupby(["entity", "measure_id"])
    out = grouped.agg(series=("months", "size"), months=("months", "sum"), raw_special=("raw_special", "sum"),
                      adjusted_special=("adjusted_special", "sum"), raw_flips=("raw_flips", "mean"),
                      adjusted_flips=("adjusted_flips", "mean"))
    total = frame.groupby("entity").agg(series=("months", "size"), months=("months", "sum"),
                                        raw_special=("raw_special", "sum"),
                                        adjusted_special=("adjusted_special", "sum"),
                                        raw_flips=("raw_flips", "mean"), adjusted_flips=("adjusted_flips", "mean"))
    total.index = pd.MultiIndex.from_tuples([(entity, "all seasonal measures") for entity in total.index])
    out = pd.concat([out, total]).sort_index()
    out["raw_special_%"] = 100 * out["raw_special"] / out["months"]
    out["adjusted_special_%"] = 100 * out["adjusted_special"] / out["months"]
    return out[["series", "months", "raw_special_%", "adjusted_special_%", "raw_flips", "adjusted_flips"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="warehouse to read (default: the bench's England-scale one)")
    args = parser.parse_args()
    if args.db is None:
        ensure_warehouse("mart_seasonal_index", "seasons")
    path = args.db or str(DB)
    con = duckdb.connect(path, read_only=True)
    print(f"Special cause months before and after seasonal adjustment, "
          f"{'the ' + SCALE + '-scale warehouse' if args.db is None else path}, {os.cpu_count()} cores\n")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(summary(measure(con)).round(2).to_string())
    con.close()


if __name__ == "__main__":
    main()
