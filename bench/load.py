"""Load benchmark (issue 15): 25 users at once for 60 s against the dashboard as it ships.

1. The recorded session of bench.dashboard (every callback request of its walk over every page and
   selection, bench/out/<scale>/callbacks.json) is recorded first when missing.
2. `jointcare serve` runs on 127.0.0.1 with the shipped settings (workers, threads, query cache).
3. Locust, headless, runs BENCH_USERS (25) users for BENCH_SECONDS (60) s, each replaying the session
   with 1 to 3 s of reading between page views (bench/locustfile.py); the run is bounded in users, time
   and, through the session's length, requests.
4. Printed: requests, failures, median, p95 and p99 of every request, requests per second in all and
   per worker, so an operator can size a deployment. Target: p95 <= 500 ms and no failures.

Locust runs on the same machine as the server, so on 2 cores it takes some of the server's CPU: the
figures are a floor on what a separate load generator would see.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from bench import dashboard
from bench.catchment import DB, OUT, SCALE
from etl import settings

USERS = int(os.environ.get("BENCH_USERS", "25"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
CALLBACKS = OUT / "callbacks.json"
TARGET_P95_MS = 500


def session() -> Path:
    """The recorded callbacks, recorded now if bench.dashboard has not left them."""
    if not CALLBACKS.exists():
        dashboard.ensure_warehouse()
        served = dashboard.Served()
        try:
            calls, _ = dashboard.record(served.url, dashboard.walk())
        finally:
            served.stop()
        dashboard.save_session(calls)
    return CALLBACKS


def main() -> None:
    calls = session()
    workers = settings.get_int("WEB_CONCURRENCY")
    served = dashboard.Served(port=8098, shipped=True)
    stem = OUT / "load"
    try:
        locust = Path(sys.executable).parent / "locust"
        subprocess.run([str(locust), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
                        "--users", str(USERS), "--spawn-rate", str(USERS), "--run-time", f"{SECONDS}s",
                        "--stop-timeout", "10", "--host", served.url, "--csv", str(stem), "--only-summary",
                        "--loglevel", "WARNING"],
                       env={**os.environ, "BENCH_CALLBACKS": str(calls)}, check=False,
                       stdout=subprocess.DEVNULL)
    finally:
        served.stop()
    rows = {row["Name"]: row for row in csv.DictReader(open(f"{stem}_stats.csv"))}
    print(f"load ({SCALE}, {DB.name}): {USERS} users for {SECONDS} s, {workers} gunicorn workers with the shipped "
          f"settings, replaying {len(json.loads(calls.read_text()))} recorded callback requests")
    print(f"\n{'request':32} {'requests':>8} {'failures':>8} {'median ms':>9} {'p95 ms':>7} {'p99 ms':>7}")
    for name, row in sorted(rows.items(), key=lambda item: item[0] == "Aggregated"):
        print(f"{name:32} {row['Request Count']:>8} {row['Failure Count']:>8} {row['50%']:>9} {row['95%']:>7} "
              f"{row['99%']:>7}")
    total = rows["Aggregated"]
    rps = float(total["Requests/s"])
    print(f"\nthroughput: {rps:.1f} requests/s in all, {rps / workers:.1f} per worker")
    met = float(total["95%"]) <= TARGET_P95_MS and int(total["Failure Count"]) == 0
    print(f"target (p95 <= {TARGET_P95_MS} ms, no failures): {'met' if met else 'NOT met'} "
          f"(p95 {total['95%']} ms, {total['Failure Count']} failures)")


if __name__ == "__main__":
    main()
