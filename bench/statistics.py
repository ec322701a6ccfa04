"""Benchmark of the statistics (issue 5 §4): SPC for every practice and measure, and the impact model.

Run by `make bench` after the build benchmark, on the warehouse it leaves in bench/out/<scale>/
(`python -m bench.statistics` alone builds it if it is missing or older than the impact model).

1. SPC: every practice's monthly series of every outcome measure (mart_outcomes_practice) through
   etl.stats.spc.xmr with the measure's improvement direction, as the pages and downloads call it;
   series with a gap or fewer than 12 months are skipped, as the pages skip them. Timed separately:
   reading the series from the warehouse, and the XmR charts themselves.
2. The impact model: the two Python marts (mart_joint_working_impact with its 999-replicate bootstrap
   and placebo for every outcome and area, mart_joint_working_pretrends) on the warehouse's panel.

Each is run BENCH_REPEATS (3) times; medians are printed with the range. No target was set by the
issue: the figures go in the closing note.
"""

from __future__ import annotations

import os
import statistics
import time

import duckdb
import numpy as np

from bench import catchment
from bench.catchment import DB, SCALE
from etl.build import method_constants
from etl.models import discover, python_module
from etl.stats.spc import improvement_for, xmr

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
MIN_POINTS = 12
SERIES_SQL = """
    select outcomes.measure_id, outcomes.practice_code, outcomes.rate, indicators.polarity
    from mart_outcomes_practice as outcomes
    inner join ref_indicators as indicators on indicators.indicator_id = outcomes.measure_id
    where outcomes.period_type = 'month'
    order by outcomes.measure_id, outcomes.practice_code, outcomes.period_start
"""


def ensure_warehouse() -> None:
    catchment.ensure_warehouse("mart_joint_working_impact", "statistics")


def read_series(con):
    frame = con.execute(SERIES_SQL).df()
    keys = (frame["measure_id"] + "|" + frame["practice_code"]).to_numpy()
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return frame, starts


def spc_for_every_series(frame, starts) -> tuple[int, int]:
    rates = frame["rate"].to_numpy(dtype=float)
    polarity = frame["polarity"].to_numpy()
    charted = skipped = 0
    for begin, end in zip(starts, np.r_[starts[1:], len(rates)]):
        values = rates[begin:end]
        if len(values) < MIN_POINTS or np.isnan(values).any():
            skipped += 1
            continue
        xmr(values, improvement_for(polarity[begin]))
        charted += 1
    return charted, skipped


def timed(action, repeats: int = REPEATS):
    seconds, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), min(seconds), max(seconds), result


def main() -> None:
    ensure_warehouse()
    con = duckdb.connect(str(DB), read_only=True)
    for name, spec in method_constants().items():
        con.execute(f"set variable {name} = {spec['value']}")
    practices = con.execute("select count(distinct practice_code) from mart_outcomes_practice").fetchone()[0]
    print(f"Statistics benchmark, {SCALE} scale ({practices:,} practices), {os.cpu_count()} cores, "
          f"median of {REPEATS} runs (min-max)\n")

    read_s, read_lo, read_hi, (frame, starts) = timed(lambda: read_series(con))
    spc_s, spc_lo, spc_hi, (charted, skipped) = timed(lambda: spc_for_every_series(frame, starts))
    print(f"{'step':<58} {'median s':>9} {'range':>15}")
    print(f"{'read every practice-month series (' + format(len(frame), ',') + ' rows)':<58} {read_s:>9.2f} "
          f"{read_lo:>7.2f}-{read_hi:.2f}")
    print(f"{'SPC (XmR + rules + icons) for ' + format(charted, ',') + ' series':<58} {spc_s:>9.2f} "
          f"{spc_lo:>7.2f}-{spc_hi:.2f}")
    print(f"  = {spc_s / charted * 1e6:,.0f} microseconds a series; {skipped:,} series skipped "
          f"(a gap or under {MIN_POINTS} months)")

    models = discover()
    impact = python_module(models["mart_joint_working_impact"])
    pretrends = python_module(models["mart_joint_working_pretrends"])
    impact_s, impact_lo, impact_hi, rows = timed(lambda: impact.build(con))
    trends_s, trends_lo, trends_hi, _ = timed(lambda: pretrends.build(con))
    estimated = int(rows["effect_pct"].notna().sum())
    print(f"{'impact model: ' + format(len(rows)) + ' outcome-areas, ' + str(estimated) + ' estimated':<58} "
          f"{impact_s:>9.2f} {impact_lo:>7.2f}-{impact_hi:.2f}")
    print(f"{'pre-trend picture (mart_joint_working_pretrends)':<58} {trends_s:>9.2f} "
          f"{trends_lo:>7.2f}-{trends_hi:.2f}")
    overall = rows[rows["area_type"] == "all"][["outcome", "effect_pct", "ci_low_pct", "ci_high_pct",
                                                  "practices_adopting", "practices_comparison"]]
    print("\nAll practices:\n" + overall.round(1).to_string(index=False))
    con.close()


if __name__ == "__main__":
    main()
