"""`make bench`: the England-scale build against a straightforward pandas pipeline, in one run.

Generates the fictional area into bench/out/<scale>/raw when it is missing or was written by another
version of the generator (etl/demo/*.py), then prints rows, seconds and peak memory for each build
step, the median of BENCH_REPEATS (3) runs of the whole build and of the pandas pipeline (each in its
own process, so peak memory is its own), the ratios, the targets, and checks that both pipelines give
the same answers. BENCH_SCALE=demo runs the same on the demo-size area in bench/out/demo (seconds).

Targets, on 2 cores:
- issue 2 (catchment, set when the build had only the registration and geography sources): build
  <= 60 s and <= 2 GB peak, crosswalk joins >= 5x faster than pandas;
- issue 3 (the new sources and outcome marts): the full England-scale build <= 120 s and <= 3 GB peak,
  and its joins >= 5x faster than pandas.

The ratios: whole run (the build also recognises and validates every row with its line number, checks
keys and references, runs every contract and builds every mart; pandas only reads and joins), and the
joins alone: pandas' join phases against the build steps of the models that do the same joins.
- crosswalk joins (issue 2's set, unchanged): fct_registrations, dim_lsoa, dim_practice,
  mart_practice_council_share, mart_catchment_practice;
- outcome joins (issue 3, bench/pandas_outcomes.py): int_practice_quarter__population,
  int_practice_council__weights, int_council_quarter__population, int_council_year__population,
  int_practice_month__denominators, fct_practice_activity, mart_outcomes_council, fct_ascof,
  mart_outcomes_practice, int_bcf__hwb, int_bcf__plan_lines, int_bcf__year_end_lines, fct_bcf_expenditure,
  mart_bcf_summary, fct_joint_working, mart_joint_working_index (mart_outcomes_practice also builds every
  practice-month's event measures, which pandas does not);
- all joins: both sets; and "all joins + staging" adds the staging models of the files pandas reads
  (stg_nhs__registrations, stg_nhs__practice_age and those of the new sources), because pandas types
  those columns (dates, months, numbers, labels) in its join phase too. Issue 2 counted models only;
  both are printed and judged against the target.
Issue 15 adds the floor: a bare read of the same raw folder (bench/floor.py: every CSV through
read_csv once, every workbook and GeoJSON parsed once, nothing checked or joined), with build / floor
printed against an aim of 3x, and the whole build against the pandas pipeline end to end (at least 1x).

A breakdown of the last build by kind of step (loads by top folder) shows where the time goes.

Same-answer checks compare the pandas answers with the warehouse, row by row on their keys (values
within 1e-6 relative): share_other_council per practice (latest quarter), activity rates per 1,000,
activity apportioned to councils (and A&E per council in the latest month), ASCOF apportioned to
practices, mart_bcf_summary per HWB and year, the joint-working index of every practice-quarter and
council event rates.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

SCALE = os.environ.get("BENCH_SCALE", "england")
OUT = Path(__file__).resolve().parent / "out" / SCALE
RAW = OUT / "raw"
DB = OUT / "warehouse.duckdb"
ANSWERS = OUT / "pandas_answers.duckdb"
STAMP = OUT / "generator.sha256"
SEED = 42
TOLERANCE = 1e-6

CROSSWALK_MODELS = {"fct_registrations", "dim_lsoa", "dim_practice", "mart_practice_council_share",
                    "mart_catchment_practice"}
OUTCOME_MODELS = {
    "int_practice_quarter__population", "int_practice_council__weights", "int_council_quarter__population",
    "int_council_year__population", "int_practice_month__denominators", "fct_practice_activity",
    "mart_outcomes_council", "fct_ascof", "mart_outcomes_practice", "int_bcf__hwb", "int_bcf__plan_lines",
    "int_bcf__year_end_lines", "fct_bcf_expenditure", "mart_bcf_summary", "fct_joint_working",
    "mart_joint_working_index",
}
# The typing of the files pandas reads: pandas does it in its join phase, the build in these models.
STAGING_MODELS = {
    "stg_nhs__registrations", "stg_nhs__practice_age", "stg_sus__practice_activity", "stg_local__social_care_events",
    "stg_nhsd__ascof", "stg_bcf__plans", "stg_bcf__year_end", "stg_local__joint_working_return",
}
TARGETS = {  # issue: (build seconds, build peak MB, joins ratio)
    "issue 2": (60, 2000, 5.0),
    "issue 3": (120, 3000, 5.0),
    "issue 15": (60, 2000, 5.0),
}
# Issue 15 also asks the whole build to beat the pandas read-and-join pipeline end to end, and to stay
# within 3x a bare read of the same files (bench/floor.py).
WHOLE_RUN_RATIO = 1.0
FLOOR_RATIO = 3.0


def generator_stamp() -> str:
    from etl import demo

    digest = hashlib.sha256(f"{SCALE} {SEED}".encode())
    for path in sorted(Path(demo.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def ensure_warehouse(needs: str, purpose: str) -> None:
    """Build the warehouse from the raw area unless it exists and has the table `needs` (one built by an
    older version lacks it). The dashboard, statistics and downloads benchmarks read it."""
    if DB.exists():
        con = duckdb.connect(str(DB), read_only=True)
        tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
        con.close()
        if needs in tables:
            return
    ensure_raw()
    print(f"building the {SCALE}-scale warehouse for the {purpose} benchmark")
    subprocess.run([str(Path(sys.executable).parent / "jointcare"), "build", "--raw", str(RAW), "--db", str(DB)],
                   check=True, stdout=subprocess.DEVNULL)


def ensure_raw() -> None:
    """Write the area unless this version of the generator already wrote it."""
    stamp = generator_stamp()
    if (RAW / "manifest.json").exists() and STAMP.exists() and STAMP.read_text().strip() == stamp:
        return
    from etl.demo import generate

    if RAW.exists():
        print(f"{RAW} was written by another version of the generator: writing it again")
        shutil.rmtree(RAW)
    started = time.perf_counter()
    generate(RAW, seed=SEED, scale=SCALE)
    STAMP.write_text(stamp + "\n")
    print(f"generated the {SCALE}-scale area in {time.perf_counter() - started:.1f} s")


def child(module: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{module} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def model_seconds(run: dict, models: set[str]) -> float:
    return sum(step["seconds"] for step in run["steps"] if step["step"].removeprefix("model ") in models
               and step["step"].startswith("model "))


def print_steps(build: dict, repeats: int) -> None:
    print(f"\nbuild steps (last of {repeats} runs):")
    print(f"  {'step':<58} {'rows':>12} {'seconds':>8} {'peak MB':>8}")
    for step in build["steps"]:
        print(f"  {step['step'][:58]:<58} {step['rows']:>12,} {step['seconds']:>8.2f} {step['peak_rss_mb']:>8.0f}")


def print_timings(builds: list[dict], pandas_runs: list[dict], floors: list[dict]) -> dict[str, float]:
    median = statistics.median
    repeats = len(builds)
    build_median = median(run["seconds"] for run in builds)
    pandas_median = median(run["seconds"] for run in pandas_runs)
    build_peak = max(run["peak_rss_mb"] for run in builds)
    print(f"\nwhole build:     median {build_median:6.1f} s over {repeats} runs "
          f"(runs: {', '.join(format(r['seconds'], '.1f') for r in builds)}), peak {build_peak:,.0f} MB")
    print(f"pandas pipeline: median {pandas_median:6.1f} s over {repeats} runs "
          f"(runs: {', '.join(format(r['seconds'], '.1f') for r in pandas_runs)}), "
          f"peak {max(r['peak_rss_mb'] for r in pandas_runs):,.0f} MB "
          f"(crosswalk part alone {max(r['crosswalk_peak_rss_mb'] for r in pandas_runs):,.0f} MB)")
    print(f"ratio, whole run, pandas / build: {pandas_median / build_median:.2f}x")
    floor_median = median(run["seconds"] for run in floors)
    by_kind = {kind: median(run["by_kind_seconds"][kind] for run in floors) for kind in floors[-1]["by_kind_seconds"]}
    print(f"floor (bare read of every file: {', '.join(f'{n:,} {kind}' for kind, n in floors[-1]['files'].items())}): "
          f"median {floor_median:6.1f} s over {len(floors)} runs "
          f"(runs: {', '.join(format(r['seconds'], '.1f') for r in floors)}; "
          f"{', '.join(f'{kind} {s:.1f} s' for kind, s in by_kind.items())}), "
          f"peak {max(r['peak_rss_mb'] for r in floors):,.0f} MB")
    print(f"build / floor: {build_median / floor_median:.2f}x")
    reading = median(r["find_seconds"] + r["read_seconds"] + r["outcome_read_seconds"] for r in pandas_runs)
    print(f"pandas reading: median {reading:.1f} s (recognising files "
          f"{median(r['find_seconds'] for r in pandas_runs):.1f} s, crosswalk sources "
          f"{median(r['read_seconds'] for r in pandas_runs):.1f} s, outcome sources "
          f"{median(r['outcome_read_seconds'] for r in pandas_runs):.1f} s)")

    pandas_crosswalk = median(r["join_seconds"] for r in pandas_runs)
    pandas_outcomes = median(r["outcome_join_seconds"] for r in pandas_runs)
    pandas_joins = median(r["join_seconds"] + r["outcome_join_seconds"] for r in pandas_runs)
    ratios = {}
    for label, models, pandas_s in (
            ("crosswalk joins", CROSSWALK_MODELS, pandas_crosswalk),
            ("outcome joins", OUTCOME_MODELS, pandas_outcomes),
            ("all joins", CROSSWALK_MODELS | OUTCOME_MODELS, pandas_joins),
            ("all joins + staging", CROSSWALK_MODELS | OUTCOME_MODELS | STAGING_MODELS, pandas_joins)):
        build_s = median(model_seconds(run, models) for run in builds)
        ratios[label] = pandas_s / build_s if build_s else 0.0
        print(f"{label + ':':<21} build median {build_s:6.1f} s, pandas median {pandas_s:6.1f} s; "
              f"ratio {ratios[label]:.1f}x")
    parts = {name: median(r["outcome_parts"].get(name, 0.0) for r in pandas_runs)
             for name in pandas_runs[-1]["outcome_parts"]}
    print("  pandas outcome joins by part (median s): "
          + ", ".join(f"{name} {seconds:.1f}" for name, seconds in parts.items()))
    return {"build": build_median, "peak": build_peak, "whole run": pandas_median / build_median,
            "floor": build_median / floor_median, **ratios}


def print_breakdown(build: dict) -> None:
    """Where the build's time goes: steps by kind, loads by top folder of the raw folder."""
    kinds: dict[str, float] = {}
    loads: dict[str, float] = {}
    for step in build["steps"]:
        name = step["step"]
        if name.startswith("file "):  # each file's own time; they overlap, and "load files" is the wall time
            folder = name.removeprefix("file ").split("/")[0]
            loads[folder] = loads.get(folder, 0.0) + step["seconds"]
            continue
        if name.startswith("model "):
            name = "models"
        kinds[name] = kinds.get(name, 0.0) + step["seconds"]
    shown = {name: (f"{seconds:.1f} s" + (" (each file's own time, read side by side: " + ", ".join(
        f"{folder} {s:.1f}" for folder, s in sorted(loads.items(), key=lambda item: -item[1]) if s >= 0.05) + ")"
        if name == "load files" else "")) for name, seconds in kinds.items()}
    print(f"where the build's time goes (last run, {build['seconds']:.1f} s): "
          + "; ".join(f"{name} {text}" for name, text in shown.items()))


def print_targets(figures: dict[str, float]) -> None:
    print(f"\ntargets ({SCALE} scale, {os.cpu_count()} cores here; the targets are for England scale on 2 cores):")
    for issue, (seconds, megabytes, ratio) in TARGETS.items():
        joins = ["crosswalk joins"] if issue == "issue 2" else ["all joins", "all joins + staging"]
        checks = [(f"build <= {seconds} s", f"{figures['build']:.1f} s", figures["build"] <= seconds),
                  (f"peak <= {megabytes:,} MB", f"{figures['peak']:,.0f} MB", figures["peak"] <= megabytes)]
        checks += [(f"{which} >= {ratio:.0f}x pandas", f"{figures[which]:.1f}x", figures[which] >= ratio)
                   for which in joins]
        if issue == "issue 15":
            checks += [(f"whole run >= {WHOLE_RUN_RATIO:.0f}x pandas", f"{figures['whole run']:.2f}x",
                        figures["whole run"] >= WHOLE_RUN_RATIO),
                       (f"build / floor <= {FLOOR_RATIO:.0f}x (aim)", f"{figures['floor']:.2f}x",
                        figures["floor"] <= FLOOR_RATIO)]
        scope = " (set for the catchment-only build, before issue 3's sources)" if issue == "issue 2" else ""
        print(f"  {issue}{scope}: " + "; ".join(f"{what}: {got} {'met' if ok else 'NOT met'}"
                                             for what, got, ok in checks))


def compare(con, label: str, build_sql: str, pandas_sql: str, keys: list[str], values: list[str]) -> None:
    """Rows of both sides joined on their keys; a row agrees when every value is within TOLERANCE."""
    agree = " and ".join(
        f"coalesce((b.{v} is null and p.{v} is null) "
        f"or abs(b.{v} - p.{v}) <= {TOLERANCE} * greatest(abs(b.{v}), abs(p.{v})), false)"
        for v in values)
    on = " and ".join(f"b.{k} is not distinct from p.{k}" for k in keys)
    shown = ", ".join([f"coalesce(b.{k}, p.{k})::varchar" for k in keys]
                      + [f"'{v} ' || coalesce(b.{v}::varchar, 'null') || ' / ' || coalesce(p.{v}::varchar, 'null')"
                         for v in values])
    row = con.execute(f"""
        with b as ({build_sql}), p as ({pandas_sql}),
        joined as (
            select b._in as in_build, p._in as in_pandas, ({agree}) as agrees, concat_ws(', ', {shown}) as shown
            from b full join p on {on}
        )
        select count(*), count(*) filter (where in_build and in_pandas and agrees),
            count(*) filter (where in_pandas is null), count(*) filter (where in_build is null),
            count(*) filter (where in_build and in_pandas and not agrees),
            (list(shown) filter (where in_build is null or in_pandas is null or not agrees))[1:3]
        from joined""").fetchone()
    total, agreeing, only_build, only_pandas, differing, examples = row
    problems = [f"{count:,} {what}" for count, what in ((differing, "differ"), (only_build, "only in the build"),
                                                        (only_pandas, "only in pandas")) if count]
    print(f"  {label}: {agreeing:,} of {total:,} rows agree"
          + (f" ({'; '.join(problems)}; e.g. {'; '.join(examples)})" if problems else "")
          + ("" if total else " (nothing to compare)"))


def same_answers(pandas_last: dict) -> None:
    print(f"\nsame answer (last pandas run against the warehouse; values within {TOLERANCE:g} relative):")
    con = duckdb.connect(str(DB), read_only=True)
    ours = dict(con.execute("select practice_code, share_other_council from mart_catchment_practice "
                            "where quarter = (select max(quarter) from mart_catchment_practice)").fetchall())
    theirs = pandas_last["latest_quarter"]
    differing = [code for code in theirs if abs((ours.get(code) or 0) - (theirs[code] or 0)) > 1e-9]
    print(f"  catchment: {len(theirs) - len(differing):,} of {len(theirs):,} practices agree on share_other_council"
          + (f"; differ: {differing[:5]}" if differing else ""))
    for note in pandas_last["notes"]:
        print(f"  (pandas: {note})")
    con.execute(f"attach '{ANSWERS}' as p (read_only)")
    answers = {name for (name,) in con.execute("select table_name from duckdb_tables() where database_name = 'p'")
               .fetchall()}
    checks = [
        ("activity_rates", "(a) activity per 1,000, practice x month x measure",
         "select practice_code, activity_month::date as month, measure_id, denominator::double as denominator, "
         "rate_per_1000::double as rate, true as _in from fct_practice_activity",
         "select practice_code, activity_month::date as month, measure_id, denominator::double as denominator, "
         "rate_per_1000 as rate, true as _in from p.activity_rates",
         ["practice_code", "month", "measure_id"], ["denominator", "rate"]),
        ("activity_by_council", "(b) activity apportioned to councils, council x month x measure",
         "select council_code, period_start::date as month, measure_id, numerator, denominator, rate, true as _in "
         "from mart_outcomes_council where method like 'apportioned%'",
         "select council_code, activity_month::date as month, measure_id, numerator, denominator, rate, true as _in "
         "from p.activity_by_council",
         ["council_code", "month", "measure_id"], ["numerator", "denominator", "rate"]),
        ("activity_by_council", "(b) A&E attendances per 1,000 by council, latest month",
         "select council_code, rate, true as _in from mart_outcomes_council where method like 'apportioned%' "
         "and measure_id = 'ae_attendances' and period_start = (select max(activity_month) from fct_practice_activity)",
         "select council_code, rate, true as _in from p.activity_by_council where measure_id = 'ae_attendances' "
         "and activity_month::date = (select max(activity_month)::date from p.activity_rates)",
         ["council_code"], ["rate"]),
        ("ascof_by_practice", "(c) ASCOF apportioned to practices, practice x year x measure",
         "select practice_code, period_label as financial_year, measure_id, numerator, denominator, rate, true as _in "
         "from mart_outcomes_practice where method like 'apportioned%'",
         "select practice_code, financial_year, measure_id, numerator, denominator, rate, true as _in "
         "from p.ascof_by_practice",
         ["practice_code", "financial_year", "measure_id"], ["numerator", "denominator", "rate"]),
        ("bcf_summary", "(d) mart_bcf_summary per HWB x year",
         "select hwb_code, financial_year, planned_gbp, actual_gbp, planned_per_head_gbp, true as _in "
         "from mart_bcf_summary where hwb_code is not null",
         "select hwb_code, financial_year, planned_gbp, actual_gbp, planned_per_head_gbp, true as _in "
         "from p.bcf_summary where hwb_code is not null",
         ["hwb_code", "financial_year"], ["planned_gbp", "actual_gbp", "planned_per_head_gbp"]),
        ("joint_working_index", "(e) joint-working index, practice x quarter",
         "select practice_code, quarter_label, joint_working_index, true as _in from mart_joint_working_index",
         "select practice_code, quarter_label, joint_working_index, true as _in from p.joint_working_index",
         ["practice_code", "quarter_label"], ["joint_working_index"]),
        ("council_events", "(f) social care events per council x month x measure",
         "select council_code, period_start::date as month, measure_id, numerator, denominator, rate, true as _in "
         "from mart_outcomes_council where method like 'counted%'",
         "select council_code, event_month::date as month, measure_id, numerator, denominator, rate, true as _in "
         "from p.council_events",
         ["council_code", "month", "measure_id"], ["numerator", "denominator", "rate"]),
    ]
    for table, label, build_sql, pandas_sql, keys, values in checks:
        if table not in answers:
            print(f"  {label}: not compared (pandas skipped it: its source files are absent)")
            continue
        compare(con, label, build_sql, pandas_sql, keys, values)
    con.close()


def main() -> None:
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_raw()
    files = [p for p in RAW.rglob("*") if p.is_file()]
    print(f"raw folder ({SCALE}): {sum(p.stat().st_size for p in files) / 1e6:,.0f} MB in {len(files):,} files")

    builds = [child("bench.run_build", str(RAW), str(DB)) for _ in range(repeats)]
    pandas_runs = [child("bench.pandas_pipeline", str(RAW), *([str(ANSWERS)] if run == repeats - 1 else []))
                   for run in range(repeats)]

    floors = [child("bench.floor", str(RAW)) for _ in range(repeats)]

    print_steps(builds[-1], repeats)
    figures = print_timings(builds, pandas_runs, floors)
    print_breakdown(builds[-1])
    print_targets(figures)
    same_answers(pandas_runs[-1])
    print(f"\ntables: {json.dumps(builds[-1]['tables'])}")


if __name__ == "__main__":
    main()
