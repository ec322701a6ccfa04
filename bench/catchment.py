"""`make bench`: the England-scale build against a straightforward pandas pipeline, in one run.

Prints rows, seconds and peak memory for each build step, then the median of BENCH_REPEATS runs of
the whole build and of the pandas crosswalk (each in its own process, so peak memory is its own),
two ratios, and a check that both give the same shares. Targets (issue 2): build <= 60 s and
<= 2 GB peak on 2 cores, and >= 5x faster than the pandas pipeline.

The two ratios: whole run (the build also validates every row with its line number, checks keys
and references, runs every contract and builds every mart; pandas only reads and joins), and the
crosswalk joins alone (pandas' join phase against the models that do the same joins:
fct_registrations, dim_lsoa, dim_practice, mart_practice_council_share, mart_catchment_practice).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

OUT = Path(__file__).resolve().parent / "out"
RAW = OUT / "england" / "raw"
DB = OUT / "england" / "warehouse.duckdb"


def child(module: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{module} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    if not (RAW / "manifest.json").exists():
        from etl.demo import generate

        started = time.perf_counter()
        generate(RAW, seed=42, scale="england")
        print(f"generated the England-scale area in {time.perf_counter() - started:.1f} s")
    size = sum(p.stat().st_size for p in RAW.rglob("*") if p.is_file())
    print(f"raw folder: {size / 1e6:,.0f} MB in {sum(1 for p in RAW.rglob('*') if p.is_file())} files")

    builds = [child("bench.run_build", str(RAW), str(DB)) for _ in range(repeats)]
    pandas_runs = [child("bench.pandas_pipeline", str(RAW)) for _ in range(repeats)]

    print(f"\nbuild steps (last of {repeats} runs):")
    print(f"  {'step':<58} {'rows':>12} {'seconds':>8} {'peak MB':>8}")
    for step in builds[-1]["steps"]:
        print(f"  {step['step'][:58]:<58} {step['rows']:>12,} {step['seconds']:>8.2f} {step['peak_rss_mb']:>8.0f}")
    build_median = statistics.median(run["seconds"] for run in builds)
    pandas_median = statistics.median(run["seconds"] for run in pandas_runs)
    print(f"\nwhole build:     median {build_median:6.1f} s over {repeats} runs "
          f"(runs: {', '.join(format(r['seconds'], '.1f') for r in builds)}), peak {max(r['peak_rss_mb'] for r in builds):,.0f} MB")
    print(f"pandas pipeline: median {pandas_median:6.1f} s over {repeats} runs "
          f"(runs: {', '.join(format(r['seconds'], '.1f') for r in pandas_runs)}), peak {max(r['peak_rss_mb'] for r in pandas_runs):,.0f} MB")
    print(f"ratio, whole run, pandas / build: {pandas_median / build_median:.2f}x")
    join_models = {"model fct_registrations", "model dim_lsoa", "model dim_practice",
                   "model mart_practice_council_share", "model mart_catchment_practice"}
    build_joins = statistics.median(sum(step["seconds"] for step in run["steps"] if step["step"] in join_models)
                                    for run in builds)
    pandas_joins = statistics.median(run["join_seconds"] for run in pandas_runs)
    print(f"crosswalk joins alone: build median {build_joins:.1f} s, pandas median {pandas_joins:.1f} s "
          f"(pandas reading: median {statistics.median(r['read_seconds'] for r in pandas_runs):.1f} s); "
          f"ratio {pandas_joins / build_joins:.1f}x")

    con = duckdb.connect(str(DB), read_only=True)
    ours = dict(con.execute("select practice_code, share_other_council from mart_catchment_practice "
                            "where quarter = (select max(quarter) from mart_catchment_practice)").fetchall())
    theirs = pandas_runs[-1]["latest_quarter"]
    differing = [code for code in theirs if abs((ours.get(code) or 0) - (theirs[code] or 0)) > 1e-9]
    print(f"same answer: {len(theirs) - len(differing):,} of {len(theirs):,} practices agree on share_other_council"
          + (f"; differ: {differing[:5]}" if differing else ""))
    print(f"\ntables: {json.dumps(builds[-1]['tables'])}")


if __name__ == "__main__":
    main()
