"""A worker's first request, after start and after a warehouse swap (issue 15, item 3: 1 s or less).

`jointcare serve` runs with the shipped settings but one worker (WEB_CONCURRENCY=1), so every request
below reaches the same, fresh worker:
1. start: the time from launching the server until it answers (the worker warms every page before it
   takes requests, dashboard/warm.py), then each page's first render (the whole area, which warming
   rendered) and the first render of a selection nothing warmed (the largest council), each timed once,
   as the first user of that page would wait.
2. swap: the warehouse file is replaced the way a rebuild replaces it (a copy renamed over it, so a new
   file with the same tables and a new build id), and the same requests are timed at once: the worker
   notices the new file, warms it on a thread of its own and answers from the old one meanwhile
   (dashboard/db.py). Then, once its answers carry the new build id (X-Jointcare-Build), the same
   requests again: the new build's first requests. The seconds from the swap to then are printed.
Every first request should take 1 s or less. Run alone (`python -m bench.first`) or by `make bench`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time

import duckdb
import requests

from bench import dashboard
from bench.catchment import DB, SCALE
from dashboard.callback_cache import BUILD_HEADER
from dashboard.security import CALLBACK_PATH
from dashboard.warm import router_request

TARGET_SECONDS = 1.0
PAGES = ("/", "/catchment", "/pooled-budget", "/joint-working", "/outcomes", "/data-and-methods", "/downloads")


def largest_council() -> str:
    con = duckdb.connect(str(DB), read_only=True)
    try:
        return con.execute("select home_council_code from dim_practice group by 1 order by count(*) desc "
                           "limit 1").fetchone()[0]
    finally:
        con.close()


def first_renders(url: str, council: str) -> list[tuple[str, float]]:
    timed = []
    for search in ("", f"?council={council}"):
        for page in PAGES:
            started = time.perf_counter()
            response = requests.post(url + CALLBACK_PATH, data=json.dumps(router_request(page, search)),
                                     headers={"Content-Type": "application/json"}, timeout=120)
            response.raise_for_status()
            timed.append((page + search, time.perf_counter() - started))
    return timed


def served_build(url: str) -> str | None:
    response = requests.post(url + CALLBACK_PATH, data=json.dumps(router_request("/data-and-methods")),
                             headers={"Content-Type": "application/json"}, timeout=120)
    return response.headers.get(BUILD_HEADER)


def build_id() -> str:
    con = duckdb.connect(str(DB), read_only=True)
    try:
        return con.execute("select build_id from meta_build").fetchone()[0]
    finally:
        con.close()


def swap_warehouse() -> None:
    """Replace the warehouse as `jointcare build` does: a complete new file renamed over the old one, with
    a build id of its own (as a rebuild has), so nothing cached for the old build is served for it."""
    copy = DB.with_name(DB.name + ".swap")
    shutil.copyfile(DB, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("update meta_build set build_id = build_id || '-swapped-by-bench-first'")
    finally:
        con.close()
    os.replace(copy, DB)


def report(when: str, timed: list[tuple[str, float]]) -> list[str]:
    print(f"\n{when}: first request of each page on the worker")
    for view, seconds in timed:
        print(f"  {view:48} {seconds * 1000:7.0f} ms")
    worst = max(seconds for _, seconds in timed)
    print(f"  slowest {worst * 1000:.0f} ms (target {TARGET_SECONDS * 1000:.0f} ms: "
          f"{'met' if worst <= TARGET_SECONDS else 'NOT met'})")
    return [] if worst <= TARGET_SECONDS else [when]


def main() -> None:
    dashboard.ensure_warehouse()
    council = largest_council()
    os.environ["WEB_CONCURRENCY"] = "1"
    started = time.perf_counter()
    served = dashboard.Served(port=8099, shipped=True)
    ready = time.perf_counter() - started
    try:
        print(f"first requests ({SCALE}): one worker, shipped settings; it answered {ready:.1f} s after launch "
              "(warming every page first)")
        missed = report("after start", first_renders(served.url, council))
        swap_warehouse()
        swapped = time.perf_counter()
        missed += report("right after a warehouse swap (answered by the old build while the new one warms)",
                         first_renders(served.url, council))
        new_build = build_id()
        while served_build(served.url) != new_build:
            if time.perf_counter() - swapped > 600:
                sys.exit("the worker did not serve the swapped warehouse within 10 minutes")
            time.sleep(0.2)
        print(f"\nthe worker served the new build {time.perf_counter() - swapped:.1f} s after the swap")
        missed += report("the new build's first requests", first_renders(served.url, council))
    finally:
        served.stop()
    print("target (every first request <= 1 s): " + ("met" if not missed else "NOT met " + ", ".join(missed)))


if __name__ == "__main__":
    main()
