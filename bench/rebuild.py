"""`make bench`: rebuilding the England-scale warehouse after one month's files arrive (issue 15, item 2).

From the benchmark's England-scale raw folder (bench.catchment writes it when missing), a copy is
made in bench/out/<scale>/rebuild/raw (hard links, so it costs no disk) without the newest month:
the latest registrations release (its three files) and the latest month of hospital activity (cut
from the last financial year's file, which the copy holds without it). Then, in one run:

1. a full build of that folder, which also fills the load cache beside the warehouse;
2. the month's files are added (the release linked back, the activity month as a file of its own);
3. a rebuild, which reads only the new files and reuses the rest from the load cache.

It prints seconds per step of both, the rebuild's total against the 20 s target, and where the
rebuild's time goes. BENCH_REBUILD_COMPARE=1 also makes a full build of the final folder (without
the cache) and compares the two warehouses table by table (etl/compare.py), as the tests do on the
tiny area; it is off by default because it is a third build of England.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import defaultdict
from pathlib import Path

from bench.catchment import OUT, RAW, ensure_raw
from etl.build import BuildReport, build, peak_rss_mb
from etl.compare import differences
from etl.loadcache import cache_path

WORK = OUT / "rebuild"
TARGET_SECONDS = 20
ACTIVITY_HEADER_LINES = 1
NOT_CACHED = 1  # manifest.json (etl/loadcache.py NOT_CACHED_FORMATS); the area has no 2011 boundaries


def newest_release(raw: Path) -> Path:
    """The latest registrations release: the last dated folder of nhs/ (nhs/2025-10, say)."""
    return sorted(path for path in (raw / "nhs").iterdir() if path.is_dir())[-1]


def split_activity(source: Path) -> tuple[str, list[str], list[str], str]:
    """The last activity file's header, its rows before its latest month, that month's rows, and the month."""
    lines = source.read_text().splitlines(keepends=True)
    header, rows = lines[:ACTIVITY_HEADER_LINES], lines[ACTIVITY_HEADER_LINES:]
    month = max(row.split(",", 1)[0] for row in rows)  # months are written 2025-09: text order is date order
    return header[0], [row for row in rows if not row.startswith(month + ",")], \
        [row for row in rows if row.startswith(month + ",")], month


def link_tree(source: Path, target: Path, skip: set[Path]) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file() and path not in skip and not any(folder in path.parents for folder in skip):
            copy = target / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, copy)


def timed_build(label: str, raw: Path, db: Path, **options) -> tuple[float, BuildReport]:
    started = time.perf_counter()
    report = build(raw, db, echo=lambda _: None, **options)
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s, peak {peak_rss_mb():,.0f} MB so far, {report.reused_files:,} files reused")
    return seconds, report


def grouped(report: BuildReport) -> dict[str, float]:
    """Seconds by kind of step: file loads together, models by layer (the impact model on its own)."""
    groups: dict[str, float] = defaultdict(float)
    for step in report.steps:
        if step.step.startswith("file "):
            continue  # each file's own time; files are read side by side, and "load files" is the wall time
        if step.step == "load files":
            name = "load files read again"
        elif step.step.startswith("model mart_joint_working_"):
            name = "impact model (" + step.step.removeprefix("model ") + ")"
        elif step.step.startswith("model "):
            layer = step.step.removeprefix("model ").split("_", 1)[0]
            name = f"models: {layer}"
        else:
            name = step.step
        groups[name] += step.seconds
    return dict(groups)


def print_steps(full: BuildReport, rebuilt: BuildReport) -> None:
    first, second = grouped(full), grouped(rebuilt)
    print(f"\n{'step':<58} {'full build':>10} {'rebuild':>9}")
    for name in sorted(set(first) | set(second), key=lambda name: -second.get(name, 0)):
        print(f"{name:<58} {first.get(name, 0):>10.2f} {second.get(name, 0):>9.2f}")
    print(f"{'sum of steps':<58} {sum(first.values()):>10.2f} {sum(second.values()):>9.2f}")


def main() -> None:
    ensure_raw()
    if WORK.exists():
        shutil.rmtree(WORK)
    raw = WORK / "raw"
    release = newest_release(RAW)
    activity = sorted((RAW / "activity").glob("*.csv"))[-1]
    header, earlier, latest, month = split_activity(activity)
    link_tree(RAW, raw, skip={release, activity})
    (raw / activity.relative_to(RAW)).write_text(header + "".join(earlier))
    print(f"held back: registrations release {release.name} ({len(list(release.iterdir()))} files) "
          f"and activity month {month} ({len(latest):,} rows)")

    db = WORK / "warehouse.duckdb"
    full_seconds, full = timed_build("full build (fills the load cache)", raw, db, load_cache=cache_path(db),
                                     full=True)
    link_tree(release, raw / release.relative_to(RAW), skip=set())
    (raw / "activity" / f"sus_practice_activity_{month}.csv").write_text(header + "".join(latest))
    rebuild_seconds, rebuilt = timed_build("rebuild after adding the month", raw, db, load_cache=cache_path(db))
    added = len(list(release.iterdir())) + 1
    expected = len(rebuilt.files) - added - NOT_CACHED
    print(f"reused {rebuilt.reused_files:,} files; expected {expected:,} ({len(rebuilt.files):,} files, less the "
          f"{added} added and the {NOT_CACHED} never cached: the demo manifest)")
    print_steps(full, rebuilt)
    verdict = "met" if rebuild_seconds <= TARGET_SECONDS else f"missed by {rebuild_seconds - TARGET_SECONDS:.1f} s"
    print(f"\nrebuild {rebuild_seconds:.1f} s against the {TARGET_SECONDS} s target: {verdict} "
          f"(full build {full_seconds:.1f} s)")

    if os.environ.get("BENCH_REBUILD_COMPARE") == "1":
        timed_build("full build of the final folder, no cache", raw, WORK / "full.duckdb")
        found = differences(db, WORK / "full.duckdb")
        print("the rebuilt warehouse equals a full build, table by table" if not found
              else "the rebuilt warehouse DIFFERS from a full build:\n  " + "\n  ".join(found))
        if found:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
